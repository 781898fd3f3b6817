"""The virus scan, against a real clamd started by the tests with an EICAR-only signature database."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from portfolio.evidence import clamav
from portfolio.evidence.upload_slots import upload_slot_open
from portfolio.evidence.verification import verify_object
from portfolio.storage import delete_object
from tests.evidence import samples
from tests.storage_backends import Backend


def _upload(backend: Backend, name: str, data: bytes, content_type: str) -> str:
    slot = upload_slot_open(content_type=content_type, declared_size=len(data))
    assert backend.upload(slot.post, name, data, content_type).status_code in {200, 201, 204}
    return slot.key


def test_the_eicar_test_file_is_refused_naming_the_signature(backend: Backend, clamd: str, settings: Any) -> None:
    settings.CLAMAV_ADDRESS = clamd
    data = samples.eicar()
    key = _upload(backend, "notes.txt", data, "text/plain")

    result = verify_object(key=key, declared_size=len(data), declared_name="notes.txt", max_size=1024)

    assert not result.ok
    assert result.reason.startswith("notes.txt was refused: the virus scanner found Local-EICAR-Test")
    delete_object(key)
    assert backend.stored_keys() == []


def test_a_clean_file_passes_the_scan(backend: Backend, clamd: str, settings: Any) -> None:
    settings.CLAMAV_ADDRESS = clamd
    data = samples.pdf() + b"%" + b"0" * (3 * 1024 * 1024)  # several INSTREAM chunks
    key = _upload(backend, "report.pdf", data, "application/pdf")

    result = verify_object(key=key, declared_size=len(data), declared_name="report.pdf", max_size=len(data))

    assert result.ok, result.reason
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_an_unreachable_scanner_is_a_retryable_error_never_a_verdict(
    plain_s3: Any, settings: Any, tmp_path: Any
) -> None:
    settings.CLAMAV_ADDRESS = f"unix://{tmp_path / 'no-clamd-here.sock'}"
    data = samples.pdf()
    slot = upload_slot_open(content_type="application/pdf", declared_size=len(data))
    plain_s3.put_object(Bucket=settings.S3_BUCKET, Key=slot.key, Body=data)

    with pytest.raises(clamav.ScannerUnavailable, match="cannot be reached"):
        verify_object(key=slot.key, declared_size=len(data), declared_name="report.pdf", max_size=len(data))
    delete_object(slot.key)


def test_clamd_answers_ping_and_scans_a_stream_directly(clamd: str) -> None:
    assert clamav.ping(clamd)
    with clamav.InstreamScan(clamd) as scan:
        scan.send(samples.eicar())
        verdict = scan.verdict()
    assert verdict.infected
    assert verdict.signature is not None
    assert verdict.signature.startswith("Local-EICAR-Test")
