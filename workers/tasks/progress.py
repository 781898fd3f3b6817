"""Progress review tasks: reminders (beat) and the signed review's PDF. Thin and idempotent."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from portfolio.progress.services.pdf import progress_review_pdf_build, progress_review_pdfs_owed
from portfolio.progress.services.reminders import progress_reminders_send
from portfolio.storage import StorageError


@shared_task(name="progress.send_reminders", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def send_reminders() -> dict[str, int]:
    """Beat: every reminder due now that was not sent before (each one once: portfolio/progress/services/reminders.py).
    Safe to run twice at once, or again after a worker died half-way."""
    report = progress_reminders_send()
    return {"meeting": report.meeting, "signature": report.signature, "overdue": report.overdue,
            "already_sent": report.already_sent}  # fmt: skip


@shared_task(
    name="progress.build_pdf",
    acks_late=True,
    autoretry_for=(StorageError,),
    retry_backoff=15,
    retry_backoff_max=600,
    max_retries=8,
)
def build_pdf(review_id: int) -> bool:
    """Sent when a review's last signature commits; a review gone, changed since, or with its PDF made, is left."""
    review = progress_review_pdf_build(review_id=review_id)
    return bool(review and review.pdf_current)


@shared_task(name="progress.build_owed_pdfs", acks_late=True)
def build_owed_pdfs() -> int:
    """Beat: signed reviews whose PDF a lost task never made."""
    owed = progress_review_pdfs_owed()
    for review_id in owed:
        build_pdf.delay(review_id)
    return len(owed)
