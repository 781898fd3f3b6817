"""Periodic recovery for files: nothing stays stuck, and nothing is left in the bucket for good.

- A file "uploaded" for longer than STUCK_AFTER has lost its verification task: enqueue it again (the
  task is idempotent, so one that is merely slow is harmless to repeat).
- A file still "awaiting upload" ABANDONED_AFTER its slot expired will never be completed: whatever may
  have arrived is deleted and the file is rejected.
- Objects owed a deletion (PendingObjectDeletion) are deleted again. Among them is the upload key of
  every file verified while its slot was still valid: its bytes were copied to the verified key, and a
  POST to the slot may refill the upload key, which nobody reads; each sweep empties it until the slot is over.
- A file verified more than STUCK_AFTER ago whose text was never read (a lost task, or a file verified before
  text was read) has its text read: statement suggestions use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portfolio.evidence.models import EvidenceFile, PendingObjectDeletion
from portfolio.evidence.services.files import evidence_file_reject
from portfolio.storage import delete_object

STUCK_AFTER = timedelta(minutes=10)
# Well past the slot's own expiry: a POST that started just before expiry has long finished by then.
ABANDONED_AFTER = timedelta(hours=1)
BATCH = 500


@dataclass(frozen=True)
class SweepReport:
    stuck_file_ids: list[int]
    abandoned: int
    pending_deletion_keys: list[str]
    text_missing_file_ids: list[int] = field(default_factory=list)


def evidence_files_sweep(*, now: datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    stuck = list(
        EvidenceFile.objects.filter(state=EvidenceFile.State.UPLOADED, uploaded_at__lt=now - STUCK_AFTER)
        .order_by("uploaded_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    abandoned = 0
    for file_id in EvidenceFile.objects.filter(
        state=EvidenceFile.State.AWAITING_UPLOAD, slot_expires_at__lt=now - ABANDONED_AFTER
    ).values_list("pk", flat=True)[:BATCH]:
        abandoned += evidence_file_abandon(file_id=file_id)
    keys = list(PendingObjectDeletion.objects.values_list("object_key", flat=True)[:BATCH])
    text_missing = list(
        EvidenceFile.objects.filter(
            state=EvidenceFile.State.VERIFIED, verified_at__lt=now - STUCK_AFTER, text__isnull=True
        )
        .exclude(verified_key="")
        .order_by("verified_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    return SweepReport(
        stuck_file_ids=stuck, abandoned=abandoned, pending_deletion_keys=keys, text_missing_file_ids=text_missing
    )


def evidence_file_abandon(*, file_id: int) -> int:
    """Reject a file whose slot expired long ago, deleting anything uploaded to it. 1 if done, else 0."""
    with transaction.atomic():
        file = EvidenceFile.objects.select_for_update().select_related("evidence").filter(pk=file_id).first()
        if file is None or file.state != EvidenceFile.State.AWAITING_UPLOAD:
            return 0
        delete_object(file.object_key)  # a StorageError rolls back: the next sweep tries again
        evidence_file_reject(
            file=file,
            reason=f"The upload of {file.original_name} was never completed and its upload slot expired. "
            "Upload the file again.",
            actor=None,
        )
    return 1


def pending_object_deletions_process(*, keys: list[str], now: datetime | None = None) -> int:
    """Delete the objects owed a deletion; drop each debt once its slot is over. A gone object is no error."""
    now = now or timezone.now()
    done = 0
    for owed in PendingObjectDeletion.objects.filter(object_key__in=keys):
        delete_object(owed.object_key)
        if owed.keep_until is None or owed.keep_until <= now:
            owed.delete()
        done += 1
    return done
