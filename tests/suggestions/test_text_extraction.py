"""Text of documents (portfolio/evidence/text_extraction.py) and of verified files (services/text.py): read only
from a verified file's verified bytes, bounded, and a damaged document is a result, not an error."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.test import override_settings

from portfolio.evidence.models import EvidenceFile, EvidenceFileText
from portfolio.evidence.services.text import evidence_file_text_extract
from portfolio.evidence.text_extraction import DOCX, PDF, extract_text
from portfolio.storage import get_store
from tests.factories import EvidenceFactory, EvidenceFileFactory, make_route_world
from tests.suggestions import documents

LIMITS = {"max_chars": 1000, "max_unpacked": 10_000_000}


def test_pdf_text_is_read_page_by_page_and_cut_at_the_limit() -> None:
    data = documents.pdf("Risk assessment for the get-in", "Work at height on the fly floor")
    read = extract_text(data, detected_type=PDF, **LIMITS)
    assert read.status == "extracted"
    assert "Risk assessment for the get-in" in read.text
    assert "Work at height on the fly floor" in read.text
    cut = extract_text(data, detected_type=PDF, max_chars=10, max_unpacked=LIMITS["max_unpacked"])
    assert (cut.text, cut.truncated) == ("Risk asses", True)


def test_docx_text_includes_paragraphs_and_tables() -> None:
    data = documents.docx("Call sheet day 3", "Unit base: car park", table=[["Call", "07:00"], ["Wrap", "19:00"]])
    read = extract_text(data, detected_type=DOCX, **LIMITS)
    assert read.status == "extracted"
    assert read.text.splitlines()[:2] == ["Call sheet day 3", "Unit base: car park"]
    assert "Call | 07:00" in read.text


def test_plain_text_loses_control_characters_and_keeps_lines() -> None:
    read = extract_text(b"Show report\x00\r\n\r\n\r\nNo faults \x07today", detected_type="text/plain", **LIMITS)
    assert read.text == "Show report\n\nNo faults today"


@pytest.mark.parametrize(
    ("data", "detected_type", "detail"),
    [
        (b"%PDF-1.4\nthis is not really a PDF", PDF, "the PDF could not be read"),
        (b"PK\x03\x04 not a zip at all", DOCX, "the Word document could not be read"),
        (documents.pdf(""), PDF, "the document has no text"),
    ],
)
def test_an_unreadable_document_is_a_result_not_an_error(data: bytes, detected_type: str, detail: str) -> None:
    read = extract_text(data, detected_type=detected_type, **LIMITS)
    assert read.status in {"failed", "empty"}
    assert read.text == ""
    assert read.detail.startswith(detail)


def test_a_docx_that_unpacks_past_the_bound_is_never_opened() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * 200_000 + "</w:document>")
    read = extract_text(out.getvalue(), detected_type=DOCX, max_chars=1000, max_unpacked=100_000)
    assert read.status == "failed"
    assert "unpacks to" in read.detail


@pytest.mark.django_db
def test_text_is_read_from_the_verified_bytes_of_a_verified_file() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, title="Week 3", tags=(), files=0, reflection=""
    )
    data = documents.pdf("Focusing the stage lighting rig")
    file = EvidenceFileFactory.create(
        evidence=evidence, original_name="log.pdf", content=data, declared_type=PDF, stored=True
    )

    row = evidence_file_text_extract(file_id=file.pk)

    assert row is not None
    assert (row.status, row.source_sha256) == (EvidenceFileText.Status.EXTRACTED, file.sha256)
    assert "Focusing the stage lighting rig" in row.text
    assert row.text_sha256 == hashlib.sha256(row.text.encode()).hexdigest()
    assert evidence_file_text_extract(file_id=file.pk) == row  # read once


@pytest.mark.django_db
@pytest.mark.parametrize("state", [EvidenceFile.State.AWAITING_UPLOAD, EvidenceFile.State.UPLOADED, "rejected"])
def test_nothing_is_read_from_a_file_that_is_not_verified(state: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from portfolio.evidence.services import text

    opened: list[str] = []
    real_open = text.open_object

    def recording_open(key: str, **kw: Any) -> Any:
        opened.append(key)
        return real_open(key, **kw)

    monkeypatch.setattr(text, "open_object", recording_open)
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    data = b"Stage lighting systems and rigging principles"
    file = EvidenceFileFactory.create(evidence=evidence, state=state, content=data, original_name="notes.txt")
    # Its bytes are in storage, under the upload key and even under a verified key, with a hash: rows no service
    # writes for a file that is not verified, written on purpose, and still never read.
    get_store().put(file.object_key, data, content_type="text/plain")
    EvidenceFile.objects.filter(pk=file.pk).update(
        detected_type="text/plain", verified_key=f"verified/{file.object_key}", sha256=hashlib.sha256(data).hexdigest()
    )
    get_store().put(f"verified/{file.object_key}", data, content_type="text/plain")

    assert evidence_file_text_extract(file_id=file.pk) is None
    assert opened == []
    assert not EvidenceFileText.objects.exists()


@pytest.mark.django_db
def test_bytes_that_are_not_the_verified_ones_are_never_read() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    file = EvidenceFileFactory.create(
        evidence=evidence,
        original_name="notes.txt",
        content=b"the verified words",
        declared_type="text/plain",
        stored=True,
    )
    get_store().put(file.verified_key, b"other words put there later", content_type="text/plain")

    row = evidence_file_text_extract(file_id=file.pk)

    assert row is not None
    assert (row.status, row.text, row.detail) == ("failed", "", "the bytes are not the verified ones")


@pytest.mark.django_db
@override_settings(EVIDENCE_TEXT_MAX_FILE_SIZE=10)
def test_a_file_over_the_size_bound_is_not_read() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    file = EvidenceFileFactory.create(
        evidence=evidence, original_name="notes.txt", content=b"eleven byte", declared_type="text/plain", stored=True
    )

    row = evidence_file_text_extract(file_id=file.pk)

    assert row is not None
    assert (row.status, row.text) == (EvidenceFileText.Status.TOO_LARGE, "")


@pytest.mark.django_db
def test_images_and_videos_are_not_read() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    file = EvidenceFileFactory.create(
        evidence=evidence,
        original_name="rig.jpg",
        content=b"\xff\xd8\xff not read",
        declared_type="image/jpeg",
        stored=True,
    )

    row = evidence_file_text_extract(file_id=file.pk)

    assert row is not None
    assert (row.status, row.text) == (EvidenceFileText.Status.UNSUPPORTED, "")
