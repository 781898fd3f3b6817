from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from portfolio.mail.models import OutgoingMail
from portfolio.mail.services import mail_retry_now


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Read-only view of the outbox, to see what is owed or given up and why. The body is left out: an owed
    invitation's holds its secret link."""

    list_display = ["created_at", "kind", "to", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), ("given_up_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    exclude = ["body"]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description="Try sending again now")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        count = mail_retry_now(mail_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            f"{count} mail(s) will be sent by the next periodic run. Sent mail, and given-up mail with a "
            "single-use link (send a new invitation or reset instead), are left as they are.",
            messages.INFO,
        )
