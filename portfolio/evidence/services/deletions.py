"""Objects owed a deletion from storage, recorded in the transaction that dropped the rows naming them.

Kept apart from the sweep (which retries the debts) so that any service that drops a file can write the
debt without importing the sweep, which itself builds on the file services.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from portfolio.evidence.models import PendingObjectDeletion

# A POST that started just before its slot expired may still be arriving for a little while.
SLOT_MARGIN = timedelta(minutes=5)


def object_deletion_owe(*, key: str, slot_expires_at: datetime, reason: str) -> None:
    """Record, in the caller's transaction, that this object must leave storage (and stay gone)."""
    keep_until = slot_expires_at + SLOT_MARGIN if slot_expires_at > timezone.now() else None
    PendingObjectDeletion.objects.update_or_create(
        object_key=key, defaults={"reason": reason[:64], "keep_until": keep_until}
    )
