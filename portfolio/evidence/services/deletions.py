"""Objects owed a deletion from storage, recorded in the transaction that dropped the rows naming them.

Kept apart from the sweep (which retries the debts) so that any service that drops a file can write the
debt without importing the sweep, which itself builds on the file services.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def file_objects_owe_deletion(*, files: Iterable[tuple[str, str, datetime]], reason: str) -> list[str]:
    """Owe the deletion of each file's objects, given as (upload key, verified key, slot expiry); answers the
    keys to delete after commit.

    While a slot is still open its upload key is deleted again by the sweep, in case the client POSTs to it
    later. The verified copy's debt needs no margin: no slot can write that key again.
    """
    owed: list[tuple[str, datetime]] = []
    for upload_key, verified_key, slot_expires_at in files:
        owed.append((upload_key, slot_expires_at))
        if verified_key:
            owed.append((verified_key, timezone.now()))
    for key, slot_expires_at in owed:
        object_deletion_owe(key=key, slot_expires_at=slot_expires_at, reason=reason)
    return [key for key, _ in owed]
