"""Evidence file tasks: thin, idempotent, late-acknowledged; retried only when storage or clamd is away."""

from __future__ import annotations

from celery import shared_task

from portfolio.evidence.clamav import ScannerUnavailable
from portfolio.evidence.services.sweep import evidence_files_sweep, pending_object_deletions_process
from portfolio.evidence.services.text import evidence_file_text_extract
from portfolio.evidence.services.verification import evidence_file_verify
from portfolio.storage import StorageError

_TRANSIENT = (StorageError, ScannerUnavailable)


@shared_task(
    name="evidence.verify_file",
    acks_late=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=15,
    retry_backoff_max=600,
    max_retries=8,
)
def verify_evidence_file(file_id: int) -> str | None:
    # A file that is gone, or no longer "uploaded", is left alone: the task may run twice. Bytes replaced
    # during each of the service's attempts raise ObjectChanged, a StorageError: retried later like one.
    file = evidence_file_verify(file_id=file_id)
    return file.state if file is not None else None


@shared_task(
    name="evidence.extract_file_text",
    acks_late=True,
    autoretry_for=(StorageError,),
    retry_backoff=15,
    retry_backoff_max=600,
    max_retries=8,
)
def extract_evidence_file_text(file_id: int) -> str | None:
    # Reads only a file that is verified now, only its verified bytes; a file already read is left alone.
    row = evidence_file_text_extract(file_id=file_id)
    return row.status if row is not None else None


@shared_task(
    name="evidence.delete_objects",
    acks_late=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=15,
    retry_backoff_max=600,
    max_retries=8,
)
def delete_evidence_objects(object_keys: list[str]) -> int:
    return pending_object_deletions_process(keys=object_keys)


@shared_task(name="evidence.sweep_files", acks_late=True)
def sweep_evidence_files() -> dict[str, int]:
    """Periodic: re-enqueue lost verifications, reject abandoned slots, retry owed deletions."""
    report = evidence_files_sweep()
    for file_id in report.stuck_file_ids:
        verify_evidence_file.delay(file_id)
    if report.pending_deletion_keys:
        delete_evidence_objects.delay(report.pending_deletion_keys)
    for file_id in report.text_missing_file_ids:
        extract_evidence_file_text.delay(file_id)
    return {
        "requeued": len(report.stuck_file_ids),
        "abandoned": report.abandoned,
        "deletions": len(report.pending_deletion_keys),
        "texts": len(report.text_missing_file_ids),
    }
