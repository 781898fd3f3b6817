"""The catalogue in the admin: read-only, since it is written only by importing a plan."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portfolio.standards.models import AssessmentOutcome, Option, Standard, Statement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdmin):
    list_display = ["reference", "version", "title", "level", "status", "updated_at"]
    search_fields = ["reference", "title"]


@admin.register(Option)
class OptionAdmin(ReadOnlyAdmin):
    list_display = ["title", "code", "standard"]
    list_filter = ["standard"]


@admin.register(AssessmentOutcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "option", "standard"]
    list_filter = ["standard"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "mandatory", "functional_skills", "standard"]
    list_filter = ["standard", "kind", "mandatory"]
    search_fields = ["code", "text"]
