from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One message to one person, shown in the page header; its email is sent once, by a task, after commit.

    `email_wanted` with an empty `emailed_at` is the outbox: a lost task is caught by the periodic resend.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64, help_text="e.g. evidence.returned, readiness.ready")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="path in the app, e.g. /evidence/<id>/")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_wanted", "emailed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}"
