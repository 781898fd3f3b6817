"""Give files verified before verified copies existed their verified copy (`manage.py evidence_secure_verified`).

Such a file was verified in place, under its upload key, which a still-valid slot could overwrite. Its bytes
are read again and hashed: when they are still the verified ones they are copied to the verified key (only
while unchanged, as verification does) and the upload key is deleted; when they differ, the file was
replaced after its verification, so it is rejected, never served. Safe to run again: a file with a verified
key is left alone.
"""

from __future__ import annotations

import hashlib
import logging
from enum import StrEnum

from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import EvidenceFile, EvidenceTag
from portfolio.evidence.services.deletions import object_deletion_owe
from portfolio.evidence.services.files import evidence_file_reject
from portfolio.evidence.services.sweep import pending_object_deletions_process
from portfolio.evidence.signals import evidence_change_announce
from portfolio.storage import (
    ObjectChanged,
    ObjectMissing,
    StorageError,
    copy_to_verified,
    delete_object,
    open_object,
)

logger = logging.getLogger(__name__)


class Secured(StrEnum):
    SECURED = "secured"  # copied to its verified key
    SKIPPED = "skipped"  # already secured, or no longer verified
    MISSING = "missing"  # no object under its key: left as it is, for a person to look at
    REPLACED = "replaced"  # the stored bytes are not the verified ones: rejected
    CHANGING = "changing"  # replaced while this run read it: run the command again


def evidence_files_to_secure(*, after_id: int, limit: int) -> list[int]:
    """Ids of verified files without a verified copy, in id order after `after_id` (for batches)."""
    rows = EvidenceFile.objects.filter(state=EvidenceFile.State.VERIFIED, verified_key="", pk__gt=after_id)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


def evidence_file_secure(*, file_id: int, dry_run: bool = False) -> Secured:
    """Copy one file's verified bytes to its verified key, or reject it when its bytes were replaced."""
    for _ in range(2):
        file = EvidenceFile.objects.filter(pk=file_id, state=EvidenceFile.State.VERIFIED, verified_key="").first()
        if file is None:
            return Secured.SKIPPED
        try:
            opened = open_object(file.object_key)
        except ObjectMissing:
            return Secured.MISSING
        digest = hashlib.sha256()
        for chunk in opened.chunks:
            digest.update(chunk)
        if dry_run:
            return Secured.SECURED if digest.hexdigest() == file.sha256 else Secured.REPLACED
        try:
            outcome = _record(file_id=file_id, version=opened.version, sha256=digest.hexdigest())
        except ObjectChanged:
            continue
        if outcome is not Secured.SKIPPED:
            try:
                pending_object_deletions_process(keys=[file.object_key])
            except StorageError:
                logger.warning("could not delete the upload object %s yet; the sweep will", file.object_key)
        return outcome
    return Secured.CHANGING


def _record(*, file_id: int, version: str, sha256: str) -> Secured:
    with transaction.atomic():
        file = EvidenceFile.objects.select_for_update().select_related("evidence").filter(pk=file_id).first()
        if file is None or file.state != EvidenceFile.State.VERIFIED or file.verified_key:
            return Secured.SKIPPED
        evidence = file.evidence
        if sha256 == file.sha256:
            file.verified_key = copy_to_verified(key=file.object_key, version=version, sha256=sha256)
            file.save(update_fields=["verified_key"])
            # While the slot is valid a POST may refill the upload key: the sweep empties it until then.
            object_deletion_owe(key=file.object_key, slot_expires_at=file.slot_expires_at, reason="verified")
            audit_record(
                actor=None,
                action="evidence.file_secured",
                target=evidence,
                changes={"file": str(file.public_id), "sha256": sha256},
            )
            return Secured.SECURED
        # Deleted inside the transaction: a storage failure rolls the rejection back, for the next run.
        delete_object(file.object_key)
        evidence_file_reject(
            file=file,
            reason=f"{file.original_name} was replaced in storage after it was verified (its bytes no longer "
            "match the verified sha256), so it is no longer part of the evidence. Upload the file again.",
            actor=None,
        )
        object_deletion_owe(key=file.object_key, slot_expires_at=file.slot_expires_at, reason="replaced")
        if evidence.tags.filter(state=EvidenceTag.State.ACCEPTED).exists():
            coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence file rejected")
        evidence_change_announce(evidence=evidence, actor=file.uploaded_by, change="file rejected")
        return Secured.REPLACED
