from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from portfolio.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only for everyone, site staff included."""

    list_display = ["at", "actor_repr", "action", "target_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_repr", "action", "target_repr", "target_public_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
