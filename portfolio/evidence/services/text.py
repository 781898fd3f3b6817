"""Read the text of a verified file, once, from its verified bytes; then let suggestions refresh.

Runs in the worker right after verification (task `evidence.extract_file_text`, sent when the verdict
commits), and again from the periodic sweep for a verified file that has no text yet (a lost task, or a file
verified before text was read). Only a file that is verified now is read, only from its verified key (which
no upload slot can write), and only when those bytes hash to its verified sha256: text never comes from
unverified, rejected or replaced bytes.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portfolio.core.dispatch import task_send_on_commit
from portfolio.evidence.models import EvidenceFile, EvidenceFileText
from portfolio.evidence.text_extraction import READABLE_TYPES, Extracted, extract_text
from portfolio.storage import ObjectMissing, open_object

logger = logging.getLogger(__name__)


def evidence_file_text_extract(*, file_id: int) -> EvidenceFileText | None:
    """The file's text row, read now unless it was read from these bytes already; None for a file that is
    gone or not verified. Storage failures (StorageError) propagate, for the task to retry."""
    file = EvidenceFile.objects.filter(pk=file_id, state=EvidenceFile.State.VERIFIED).exclude(verified_key="").first()
    if file is None:
        return None
    done = EvidenceFileText.objects.filter(file=file, source_sha256=file.sha256).first()
    if done is not None:
        return done
    return _record(file=file, result=_read(file))


def _read(file: EvidenceFile) -> tuple[str, Extracted]:
    if file.detected_type not in READABLE_TYPES:
        return EvidenceFileText.Status.UNSUPPORTED, Extracted(status="empty", detail=file.detected_type)
    limit = settings.EVIDENCE_TEXT_MAX_FILE_SIZE
    if (file.size or 0) > limit:
        return EvidenceFileText.Status.TOO_LARGE, Extracted(status="empty", detail=f"{file.size} bytes, over {limit}")
    try:
        opened = open_object(file.verified_key)
    except ObjectMissing:
        logger.error("evidence file %s: its verified copy %s is missing from storage", file.pk, file.verified_key)
        return EvidenceFileText.Status.FAILED, Extracted(status="failed", detail="the verified copy is missing")
    digest = hashlib.sha256()
    data = bytearray()
    for chunk in opened.chunks:
        data += chunk
        digest.update(chunk)
        if len(data) > limit:  # the recorded size said otherwise: stop reading, never hold more than the limit
            return EvidenceFileText.Status.TOO_LARGE, Extracted(status="empty", detail=f"over {limit} bytes")
    if digest.hexdigest() != file.sha256:
        logger.error("evidence file %s: the bytes at %s are not the verified ones", file.pk, file.verified_key)
        return EvidenceFileText.Status.FAILED, Extracted(status="failed", detail="the bytes are not the verified ones")
    result = extract_text(
        bytes(data),
        detected_type=file.detected_type,
        max_chars=settings.EVIDENCE_TEXT_MAX_CHARS,
        max_unpacked=4 * limit,
    )
    status = {"extracted": EvidenceFileText.Status.EXTRACTED, "empty": EvidenceFileText.Status.EMPTY}
    return status.get(result.status, EvidenceFileText.Status.FAILED), result


def _record(*, file: EvidenceFile, result: tuple[str, Extracted]) -> EvidenceFileText | None:
    status, extracted = result
    with transaction.atomic():
        # The file may have been removed, or rejected by evidence_secure_verified, while it was read.
        locked = EvidenceFile.objects.select_for_update().filter(pk=file.pk).first()
        if locked is None or locked.state != EvidenceFile.State.VERIFIED or locked.sha256 != file.sha256:
            return None
        row, _ = EvidenceFileText.objects.update_or_create(
            file=locked,
            defaults={
                "status": status,
                "text": extracted.text,
                "text_sha256": hashlib.sha256(extracted.text.encode()).hexdigest() if extracted.text else "",
                "truncated": extracted.truncated,
                "detail": extracted.detail[:255],
                "source_sha256": locked.sha256,
                "extracted_at": timezone.now(),
            },
        )
        if row.text:
            task_send_on_commit("suggestions.refresh", locked.evidence_id)
    return row
