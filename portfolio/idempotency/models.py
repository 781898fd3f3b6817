from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """The first answer to a creating request sent with an `Idempotency-Key` header, kept so a retry gets it back.

    Keys are the client's, so they are scoped per user (one person cannot replay, or block, another's key). The
    row is inserted in the transaction that does the work and commits with it: a concurrent duplicate waits on
    the unique constraint and then reads the committed answer. Only successful answers are kept; a refusal
    leaves no row, so the same key can be used again once the request is corrected.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=300, help_text="method and path of the first request")
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body")
    status_code = models.PositiveSmallIntegerField()
    # Text, not jsonb: PostgreSQL's jsonb reorders keys, and a replay should be the first answer as it was.
    response_body = models.TextField(blank=True, help_text="the first answer's JSON body")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.key} ({self.endpoint})"
