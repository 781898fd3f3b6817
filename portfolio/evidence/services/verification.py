"""Record the verification of one uploaded file: verified (size, sha256, type) or rejected and deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import EvidenceFile, EvidenceTag
from portfolio.evidence.services.common import reopen_if_submitted
from portfolio.evidence.services.deletions import object_deletion_owe
from portfolio.evidence.services.files import evidence_file_reject
from portfolio.evidence.verification import verify_object
from portfolio.storage import delete_object


def evidence_file_verify(*, file_id: int) -> EvidenceFile | None:
    """Verify the file if it is still "uploaded"; safe to run twice, and for a file that is gone.

    The object is read outside any transaction: a large one takes minutes, and no row lock is held that
    long. The result is recorded under a lock, only if no other run recorded one meanwhile. Transient
    failures (StorageError, clamav.ScannerUnavailable) propagate, leaving the file "uploaded" for a retry.
    """
    file = EvidenceFile.objects.filter(pk=file_id, state=EvidenceFile.State.UPLOADED).first()
    if file is None:
        return None
    result = verify_object(
        key=file.object_key,
        declared_size=file.declared_size,
        declared_name=file.original_name,
        max_size=settings.EVIDENCE_MAX_FILE_SIZE,
    )
    if not result.ok:
        # Deleted before the rejection is recorded: a storage failure here leaves the file "uploaded",
        # so the retry (or the sweep) deletes it; a rejected file never has an object left behind.
        delete_object(file.object_key)
    with transaction.atomic():
        locked = EvidenceFile.objects.select_for_update().select_related("evidence").filter(pk=file_id).first()
        if locked is None or locked.state != EvidenceFile.State.UPLOADED:
            return locked
        evidence = locked.evidence
        if result.ok:
            locked.state = EvidenceFile.State.VERIFIED
            locked.size = result.size
            locked.sha256 = result.sha256
            locked.detected_type = result.detected_type
            locked.verified_at = timezone.now()
            locked.save(update_fields=["state", "size", "sha256", "detected_type", "verified_at"])
            audit_record(
                actor=None,
                action="evidence.file_verified",
                target=evidence,
                changes={"file": str(locked.public_id), "sha256": result.sha256, "size": result.size},
            )
        else:
            locked.detected_type = result.detected_type
            locked.save(update_fields=["detected_type"])
            evidence_file_reject(file=locked, reason=result.reason, actor=None)
            # The slot may still be valid: anything POSTed to it again is deleted by the sweep.
            object_deletion_owe(key=locked.object_key, slot_expires_at=locked.slot_expires_at, reason="rejected")
        # Only items with verified files count towards coverage: a verdict can change what accepted tags count.
        if evidence.tags.filter(state=EvidenceTag.State.ACCEPTED).exists():
            coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence file verified")
        reopen_if_submitted(
            evidence=evidence, actor=locked.uploaded_by, change=f"file {locked.get_state_display().lower()}"
        )
    return locked
