"""Idempotency keys: claim a key for a request in its transaction, keep the answer, replay it, forget it after a day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portfolio.idempotency.models import IdempotencyKey


class IdempotencyKeyReused(Exception):
    """The key was first used for a different request (another endpoint or another body)."""

    def __init__(self, *, endpoint: str) -> None:
        super().__init__(endpoint)
        self.endpoint = endpoint


def _cutoff() -> Any:
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def idempotency_claim(*, user: Any, key: str, endpoint: str, fingerprint: str) -> IdempotencyKey | None:
    """The answer kept for this user's key, or None when the key is new (it is then held for the caller).

    Must run inside the transaction that does the request's work: the new row stays locked until that
    transaction ends, so a concurrent request with the same key waits for it, then finds the kept answer
    (or, when the first one failed and left no row, claims the key itself).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_claim must run in the transaction that does the request's work")
    # Lazy expiry: a key older than the window is forgotten here, not only by the periodic purge.
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=_cutoff()).delete()
    row, created = IdempotencyKey.objects.get_or_create(
        user=user,
        key=key,
        # status 0 until the answer is recorded; a row is only ever committed with its answer.
        defaults={"endpoint": endpoint[:300], "fingerprint": fingerprint, "status_code": 0},
    )
    if created:
        return None
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(endpoint=row.endpoint)
    return row


def idempotency_record(*, user: Any, key: str, status_code: int, body: str) -> None:
    """Keep the answer to the claimed key; the caller's transaction commits it with the work it answers."""
    IdempotencyKey.objects.filter(user=user, key=key).update(status_code=status_code, response_body=body)


def idempotency_release(*, user: Any, key: str) -> None:
    """Forget a claim whose request was refused, so the corrected request may use the same key."""
    IdempotencyKey.objects.filter(user=user, key=key).delete()


def idempotency_purge_expired() -> int:
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=_cutoff()).delete()
    return deleted
