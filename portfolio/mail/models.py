from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutgoingMail(models.Model):
    """One email the app owes someone: the outbox every mail goes through.

    The row is written in the same transaction as the change that causes the mail (an invitation, a
    notification, a password reset), so the mail is owed exactly when the change happened. A task sends it
    after commit; a failure records the error and when to try again; the periodic `mail.send_owed` sends
    whatever is due, so a lost message or a dead worker delays mail and never loses it. `sent_at` is set in
    the transaction that holds the row's lock while sending: a duplicated task finds it sent, or locked, and
    sends nothing.
    """

    kind = models.CharField(max_length=64, help_text="what caused it, e.g. invitation, notification, password_reset")
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField(
        help_text="rendered when owed: an invitation's secret link exists only then (the database keeps its hash)"
    )
    contains_secret = models.BooleanField(
        default=False, help_text="the body holds a secret link: it is blanked once sent or given up"
    )
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The periodic sender's query: owed rows by when they are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="mail_owed_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.given_up_at:
            return "given_up"
        return "owed"
