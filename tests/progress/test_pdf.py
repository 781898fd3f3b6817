"""The signed review's PDF: made with WeasyPrint, stored in the object store, linked from the review; its text
holds every section, the parties' words and the fingerprint the three signed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from portfolio.progress.pages import SECTION_TITLES
from portfolio.progress.services.pdf import progress_review_pdf_build, progress_review_pdfs_owed
from portfolio.progress.services.recording import progress_review_update
from tests.progress.helpers import hold, review_world, sign_all

pytestmark = pytest.mark.django_db


def _text(plain_s3: Any, key: str) -> str:
    body = plain_s3.get_object(Bucket=settings.S3_BUCKET, Key=key)["Body"].read()
    assert body.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_pdf_holds_every_section_and_the_fingerprint(plain_s3: Any, client: Client) -> None:
    world = review_world()
    review = hold(world)
    action = {"description": "Book the rigging refresher", "owner": "employer", "due_on": review.held_on}
    review = progress_review_update(actor=world.tutor, review=review, actions=[action])
    review = sign_all(world, review)
    assert progress_review_pdfs_owed() == [review.pk]  # complete, no PDF of its record yet

    built = progress_review_pdf_build(review_id=review.pk)
    assert built is not None
    review = built
    assert review.pdf_current
    assert progress_review_pdfs_owed() == []
    text = _text(plain_s3, review.pdf_key)
    flat = " ".join(text.split())
    assert review.fingerprint in text.replace("\n", "")
    for title in SECTION_TITLES.values():
        assert title in flat, title
    for words in ("I ran my first get-in.", "Shadow the LX crew.", "No support needed.", "Book the rigging refresher"):
        assert words in flat, words
    assert "Alex Morgan" in flat
    assert "Lena Hart" in flat  # the employer's signature

    # Linked from the review (a short-lived link to the store), for whoever sees the review.
    client.force_login(world.apprentice)
    page = client.get(f"/progress-reviews/{review.public_id}/").content.decode()
    assert "Download the signed PDF" in page
    assert client.get(f"/progress-reviews/{review.public_id}/pdf/").status_code == 302

    # A change ends the signatures: the PDF is no longer the record's, and no longer linked.
    progress_review_update(actor=world.apprentice, review=review, contributions={"apprentice": {"wellbeing": "Good."}})
    assert client.get(f"/progress-reviews/{review.public_id}/pdf/").status_code == 404
