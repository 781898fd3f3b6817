"""Admin for site staff: read-only. OTJ rows change through the services, which check the rules, mark coverage
dirty and write the audit log."""

from __future__ import annotations

from django.contrib import admin

from portfolio.otj.models import OtjActivity, OtjMinimum
from portfolio.people.admin import ReadOnlyAdmin


@admin.register(OtjActivity)
class OtjActivityAdmin(ReadOnlyAdmin):
    list_display = ["apprenticeship", "date", "start_time", "minutes", "activity_type", "state"]
    list_filter = ["state", "activity_type"]
    search_fields = ["apprenticeship__apprentice__email", "description"]


@admin.register(OtjMinimum)
class OtjMinimumAdmin(ReadOnlyAdmin):
    list_display = ["provider", "standard_version", "minimum_hours", "updated_at"]
    list_filter = ["provider"]
