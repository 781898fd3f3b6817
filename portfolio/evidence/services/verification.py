"""Record the verification of one uploaded file: verified (size, sha256, type) or rejected and deleted.

Verified bytes are copied, on the store, to a key no upload slot can write (portfolio.storage
.copy_to_verified), only while the uploaded object is still the version that was read and hashed. An upload
slot stays valid for a while after verification, and S3 accepts another POST to it: that POST replaces the
object under the upload key, which nobody reads any more. Bytes replaced while they were being verified make
the copy fail, and the new bytes are verified from the start: a file is never verified with a stale hash.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.dispatch import task_send_or_log
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import EvidenceFile, EvidenceTag
from portfolio.evidence.services.deletions import object_deletion_owe
from portfolio.evidence.services.files import evidence_file_reject
from portfolio.evidence.services.sweep import pending_object_deletions_process
from portfolio.evidence.signals import evidence_change_announce
from portfolio.evidence.verification import VerificationResult, verify_object
from portfolio.storage import ObjectChanged, StorageError, copy_to_verified, delete_object, verified_key_for

logger = logging.getLogger(__name__)

# Bytes replaced during verification are verified again at once, this many times in all; a client that
# keeps replacing them gets ObjectChanged (a StorageError), so the task retries later with a backoff.
ATTEMPTS = 3


def evidence_file_verify(*, file_id: int) -> EvidenceFile | None:
    """Verify the file if it is still "uploaded"; safe to run twice, and for a file that is gone.

    The object is read outside any transaction: a large one takes minutes, and no row lock is held that
    long. The result is recorded under a lock, only if no other run recorded one meanwhile. Transient
    failures (StorageError, clamav.ScannerUnavailable) propagate, leaving the file "uploaded" for a retry.
    """
    for _ in range(ATTEMPTS):
        file = EvidenceFile.objects.filter(pk=file_id, state=EvidenceFile.State.UPLOADED).first()
        if file is None:
            return None
        result = verify_object(
            key=file.object_key,
            declared_size=file.declared_size,
            declared_name=file.original_name,
            max_size=settings.EVIDENCE_MAX_FILE_SIZE,
        )
        try:
            recorded = _record(file=file, result=result)
        except ObjectChanged:
            logger.info("evidence file %s was replaced while it was verified: verifying it again", file_id)
            continue
        if recorded is not None and recorded.state == EvidenceFile.State.VERIFIED:
            _delete_upload_object(recorded.object_key)
            # Its text is read from the verified bytes by a task of its own, so a storage hiccup while reading
            # retries the reading, never the verdict. Sent once the verdict is committed (and the upload key
            # emptied); if it cannot be sent, the sweep reads the text of verified files that have none.
            task_send_or_log("evidence.extract_file_text", recorded.pk)
        return recorded
    raise ObjectChanged(f"evidence file {file_id} was replaced during each of {ATTEMPTS} verifications")


def _record(*, file: EvidenceFile, result: VerificationResult) -> EvidenceFile | None:
    if not result.ok:
        # Deleted before the rejection is recorded: a storage failure here leaves the file "uploaded",
        # so the retry (or the sweep) deletes it; a rejected file never has an object left behind. The
        # verified key is emptied too: an earlier run may have copied there before its record was lost.
        delete_object(file.object_key)
        delete_object(verified_key_for(file.object_key))
    with transaction.atomic():
        locked = EvidenceFile.objects.select_for_update().select_related("evidence").filter(pk=file.pk).first()
        if locked is None or locked.state != EvidenceFile.State.UPLOADED:
            return locked
        evidence = locked.evidence
        if result.ok:
            # Copied under the row lock, so of two runs only the one that records its result copies; an
            # ObjectChanged here rolls the transaction back and the caller verifies the new bytes.
            locked.verified_key = copy_to_verified(key=locked.object_key, version=result.version, sha256=result.sha256)
            locked.state = EvidenceFile.State.VERIFIED
            locked.size = result.size
            locked.sha256 = result.sha256
            locked.detected_type = result.detected_type
            locked.verified_at = timezone.now()
            locked.save(update_fields=["state", "size", "sha256", "detected_type", "verified_at", "verified_key"])
            # The upload key is no longer read; while its slot is valid a POST may refill it, so the debt
            # stays and the sweep empties it again until the slot is over.
            object_deletion_owe(key=locked.object_key, slot_expires_at=locked.slot_expires_at, reason="verified")
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
        evidence_change_announce(
            evidence=evidence, actor=locked.uploaded_by, change=f"file {locked.get_state_display().lower()}"
        )
    return locked


def _delete_upload_object(key: str) -> None:
    # Best effort after commit: the debt recorded with the verdict makes the sweep finish the job.
    try:
        pending_object_deletions_process(keys=[key])
    except StorageError:
        logger.warning("could not delete the upload object %s yet; the sweep will", key)
