"""The PDF of a signed progress review: made by a task once the last signature commits (`progress.build_pdf`),
stored in the object store (portfolio/storage.py), linked from the review. It prints every section, the three
signatures and the fingerprint they signed.

A PDF belongs to one record: it is recorded only while the review is still complete with the fingerprint it was
made from, so an edit that lands meanwhile (ending the signatures) leaves no PDF of an old record linked. The
periodic `progress.build_owed_pdfs` makes any PDF a lost task left unmade.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from portfolio.progress.lifecycle import State
from portfolio.progress.models import ProgressReview
from portfolio.progress.pages import review_view
from portfolio.storage import object_writer, presign_get

logger = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint (or the Pango library it needs) cannot run here."""


def review_pdf_bytes(*, review: ProgressReview) -> bytes:
    try:
        from weasyprint import HTML  # needs Pango from the system: imported only when a PDF is made
    except OSError as exc:
        raise PdfUnavailable(f"The review's PDF cannot be made on this server: {exc}") from exc
    html = render_to_string("progress/review_pdf.html", {"view": review_view(review=review)})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def pdf_key_for(review: ProgressReview) -> str:
    return f"progress-reviews/{review.public_id}-{review.fingerprint[:16]}.pdf"


def progress_review_pdf_build(*, review_id: int) -> ProgressReview | None:
    """Make and store the PDF of a complete review, unless its current record already has one. Idempotent: a
    second delivery finds it made, or writes the same key again."""
    review = (
        ProgressReview.objects.select_related(
            "apprenticeship__apprentice",
            "apprenticeship__employer",
            "apprenticeship__provider",
            "apprenticeship__standard",
            "reviewer",
        )
        .filter(pk=review_id)
        .first()
    )
    if review is None or review.state != State.COMPLETE or review.pdf_current:
        return review
    fingerprint = review.fingerprint
    pdf = review_pdf_bytes(review=review)
    key = pdf_key_for(review)
    with object_writer(key, content_type="application/pdf") as out:
        out.write(pdf)
    recorded = ProgressReview.objects.filter(pk=review.pk, state=State.COMPLETE, fingerprint=fingerprint).update(
        pdf_key=key, pdf_fingerprint=fingerprint, pdf_made_at=timezone.now()
    )
    if not recorded:
        logger.info("progress review %s changed while its PDF was made; the PDF is not linked", review.public_id)
    review.refresh_from_db()
    return review


def progress_review_pdfs_owed(*, limit: int = 100) -> list[int]:
    """Complete reviews without a PDF of their current record (a lost task, a store that was down)."""
    return list(
        ProgressReview.objects.filter(state=State.COMPLETE)
        .exclude(pdf_fingerprint=F("fingerprint"))
        .order_by("completed_at")
        .values_list("pk", flat=True)[:limit]
    )


def progress_review_pdf_link(*, review: ProgressReview) -> str:
    """A short-lived link to the PDF. The caller has checked the user may see the review and that it has one."""
    apprentice = review.apprenticeship.apprentice
    name = f"progress-review-{apprentice.get_full_name() or apprentice.pk}-{review.held_on}.pdf"
    return presign_get(
        key=review.pdf_key,
        filename=name,
        content_type="application/pdf",
        expires_in=settings.EVIDENCE_DOWNLOAD_EXPIRY_SECONDS,
    )
