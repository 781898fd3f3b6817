"""verify_object end to end: presigned POST over HTTP, then verification, on S3 (moto) and local disk."""

from __future__ import annotations

import hashlib
import time

import pytest

from portfolio.evidence.upload_slots import UploadSlot, slot_is_expired, upload_slot_open
from portfolio.evidence.verification import verify_object
from portfolio.storage import delete_object, presign_post
from tests.evidence import samples
from tests.storage_backends import Backend

LIMIT = 5 * 1024 * 1024


def _upload(backend: Backend, name: str, data: bytes, content_type: str) -> UploadSlot:
    slot = upload_slot_open(content_type=content_type, declared_size=len(data))
    response = backend.upload(slot.post, name, data, content_type)
    assert response.status_code in {200, 201, 204}, response.text
    return slot


def _reject_and_clean(backend: Backend, slot_key: str, declared_size: int, name: str) -> str:
    """What the caller does with a rejected file: keep the reason, delete the object."""
    result = verify_object(key=slot_key, declared_size=declared_size, declared_name=name, max_size=LIMIT)
    assert not result.ok
    assert result.sha256 == ""
    delete_object(slot_key)
    assert backend.stored_keys() == []
    return result.reason


@pytest.mark.parametrize(
    ("name", "content_type", "make", "detected"),
    [
        ("Site visit report.pdf", "application/pdf", samples.pdf, "application/pdf"),
        ("photo.jpg", "image/jpeg", lambda: samples.image("JPEG"), "image/jpeg"),
        ("walkthrough.mp4", "video/mp4", samples.mp4, "video/mp4"),
    ],
)
def test_an_uploaded_file_is_verified_with_its_real_hash(
    backend: Backend, name: str, content_type: str, make: object, detected: str
) -> None:
    data = make()  # type: ignore[operator]
    slot = _upload(backend, name, data, content_type)

    result = verify_object(key=slot.key, declared_size=len(data), declared_name=name, max_size=LIMIT)

    assert result.ok, result.reason
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)
    assert result.detected_type == detected
    assert backend.stored_keys() == [slot.key]


def test_a_renamed_executable_is_refused_and_named(backend: Backend) -> None:
    data = samples.windows_exe()
    slot = _upload(backend, "report.pdf", data, "application/pdf")

    reason = _reject_and_clean(backend, slot.key, len(data), "report.pdf")

    assert reason.startswith("report.pdf is not a PDF: its content is a Windows executable.")


def test_a_zero_byte_file_is_refused(backend: Backend) -> None:
    # A slot never allows 0 bytes; a file that arrives empty anyway (a server that ignores the policy,
    # a file written empty) is refused by the verification.
    post = presign_post(key="evidence/zz/empty", content_type="text/plain", min_size=0, max_size=10, expires_in=60)
    assert backend.upload(post, "notes.txt", b"", "text/plain").status_code in {200, 201, 204}

    reason = _reject_and_clean(backend, "evidence/zz/empty", 10, "notes.txt")

    assert reason.startswith("notes.txt is empty (0 bytes).")


def test_a_file_larger_than_declared_is_refused(backend: Backend) -> None:
    data = samples.pdf()
    # The slot's own range is the declared size: the local endpoint refuses more at upload time...
    slot = upload_slot_open(content_type="application/pdf", declared_size=len(data) - 10)
    response = backend.upload(slot.post, "report.pdf", data, "application/pdf")
    if backend.name == "local":
        assert response.status_code == 400
        assert response.json()["code"] == "EntityTooLarge"
        assert backend.stored_keys() == []
        return
    # ...moto stores it anyway (it does not enforce POST policies), so the verification must catch it.
    assert response.status_code == 204
    reason = _reject_and_clean(backend, slot.key, len(data) - 10, "report.pdf")
    assert "but the upload said" in reason
    assert reason.endswith("Upload it again.")


def test_a_file_over_the_limit_is_refused_without_reading_all_of_it(backend: Backend) -> None:
    data = samples.pdf() + b"\n%" + b"x" * (3 * 1024 * 1024)
    slot = _upload(backend, "big.pdf", data, "application/pdf")

    result = verify_object(key=slot.key, declared_size=len(data), declared_name="big.pdf", max_size=1024 * 1024)

    assert not result.ok
    assert result.reason.startswith("big.pdf is larger than the 1.0\xa0MB limit.")
    # Stopped at the first chunk past the limit, not at the end of the object.
    assert result.size < len(data)
    delete_object(slot.key)
    assert backend.stored_keys() == []


def test_a_slot_used_twice(backend: Backend) -> None:
    first, second = samples.pdf(), samples.pdf().replace(b"Evidence", b"Forgery!")
    assert len(first) == len(second)
    slot = _upload(backend, "report.pdf", first, "application/pdf")
    verified = verify_object(key=slot.key, declared_size=len(first), declared_name="report.pdf", max_size=LIMIT)
    assert verified.ok

    response = backend.upload(slot.post, "report.pdf", second, "application/pdf")

    if backend.name == "local":
        # The local endpoint makes a slot single-use: the stored bytes stay the verified ones.
        assert response.status_code == 409
        assert response.json()["code"] == "SlotAlreadyUsed"
        again = verify_object(key=slot.key, declared_size=len(first), declared_name="report.pdf", max_size=LIMIT)
        assert again.sha256 == verified.sha256
        return
    # S3 POST policies may be used until they expire (moto, like S3, accepts the second POST). What the
    # service relies on instead: the sha256 recorded at verification. Reading the object again shows a
    # different hash, so the caller sees it was replaced and must not trust it.
    assert response.status_code == 204
    again = verify_object(key=slot.key, declared_size=len(first), declared_name="report.pdf", max_size=LIMIT)
    assert again.sha256 != verified.sha256
    assert again.sha256 == hashlib.sha256(second).hexdigest()


def test_a_slot_used_after_expiry(backend: Backend, settings: object) -> None:
    data = samples.pdf()
    settings.EVIDENCE_UPLOAD_EXPIRY_SECONDS = 1  # type: ignore[attr-defined]
    slot = upload_slot_open(content_type="application/pdf", declared_size=len(data))
    # Let the slot run out (it lasts at least the second asked, to its whole second): nothing here measures time.
    time.sleep(max(0.0, slot.expires_at.timestamp() - time.time()) + 0.1)
    assert slot_is_expired(slot.expires_at)

    response = backend.upload(slot.post, "report.pdf", data, "application/pdf")

    if backend.name == "local":
        assert response.status_code == 403
        assert "expired" in response.json()["message"]
        assert backend.stored_keys() == []
        return
    # moto does not enforce the policy's expiry; the caller refuses "complete" because
    # slot_is_expired() is true, and deletes whatever arrived.
    assert response.status_code == 204
    delete_object(slot.key)
    assert backend.stored_keys() == []


def test_a_missing_object_is_refused_with_what_to_do(backend: Backend) -> None:
    result = verify_object(key="evidence/00/never-uploaded", declared_size=10, declared_name="a.pdf", max_size=LIMIT)

    assert not result.ok
    assert result.reason == "a.pdf never arrived in storage, or its upload slot was used up. Upload it again."


def test_text_that_turns_binary_after_the_first_chunk_is_refused(backend: Backend) -> None:
    data = b"name,score\n" * 200_000 + b"\x00\x01\x02 payload"
    slot = _upload(backend, "scores.csv", data, "text/csv")

    reason = _reject_and_clean(backend, slot.key, len(data), "scores.csv")

    assert reason.startswith("scores.csv starts as text but contains binary data further on.")
