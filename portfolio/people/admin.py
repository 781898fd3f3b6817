"""Admin for site staff. Apprenticeships, memberships and invitations are read-only here: they change
through the services (and the API), which check the rules and write the audit log. Users and
organisations can be edited; each save is recorded in the audit log too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from portfolio.audit.services import audit_record
from portfolio.people.models import (
    Apprenticeship,
    BreakInLearning,
    Invitation,
    Membership,
    Organisation,
    SignInFailure,
    User,
)


class AuditedAdminMixin:
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        changes = {name: str(form.cleaned_data.get(name)) for name in form.changed_data if "password" not in name}
        label = obj._meta.model_name
        audit_record(
            actor=request.user,
            action=f"{label}.admin_{'change' if change else 'add'}",
            target=obj,
            changes=changes,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["public_id", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # deactivate people instead: their history points at them


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "is_active", "created_at"]
    readonly_fields = ["user", "role", "is_active", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "provider", "ukprn"]
    list_filter = ["kind"]
    search_fields = ["name", "ukprn"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "organisation__name"]


@admin.register(Apprenticeship)
class ApprenticeshipAdmin(ReadOnlyAdmin):
    list_display = ["apprentice", "standard", "option", "provider", "employer", "status", "start_date"]
    list_filter = ["status", "standard"]
    search_fields = ["apprentice__email", "provider__name", "employer__name"]


@admin.register(BreakInLearning)
class BreakInLearningAdmin(ReadOnlyAdmin):
    list_display = ["apprenticeship", "started_on", "ended_on", "recorded_by"]
    search_fields = ["apprenticeship__apprentice__email"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "role", "provider", "created_at", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]
    search_fields = ["email"]


@admin.register(SignInFailure)
class SignInFailureAdmin(ReadOnlyAdmin):
    list_display = ["email", "ip", "at"]
    search_fields = ["email", "ip"]
