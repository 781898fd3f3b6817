"""Verified bytes stay verified: they are copied to a key no upload slot can write, only while unchanged.

On both back ends (moto's S3 over HTTP, local disk behind the local endpoint): bytes replaced between the
read and the copy fail the copy and are verified again; what downloads is always what was verified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
import requests
from django.utils import timezone

from portfolio.evidence.models import Evidence, EvidenceFile, PendingObjectDeletion
from portfolio.evidence.services import verification as verification_service
from portfolio.evidence.services.evidence import evidence_delete_draft
from portfolio.evidence.services.files import OpenedSlot, evidence_file_download_link, evidence_file_slot_open
from portfolio.evidence.services.sweep import pending_object_deletions_process
from portfolio.evidence.services.verification import evidence_file_verify
from portfolio.evidence.verification import VerificationResult
from portfolio.storage import (
    ObjectChanged,
    copy_to_verified,
    get_store,
    open_object,
    presign_post,
    verified_key_for,
)
from tests.evidence import samples
from tests.factories import EvidenceFactory, World, make_route_world
from tests.storage_backends import Backend

pytestmark = pytest.mark.django_db

PDF = samples.pdf()
OTHER_PDF = PDF.replace(b"Evidence", b"Forgery!")  # as valid, the same size, other bytes
EXE = samples.windows_exe().ljust(len(PDF), b"\0")[: len(PDF)]  # an executable of the same size


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _uploaded(backend: Backend, world: World, data: bytes = PDF) -> OpenedSlot:
    """A file whose bytes are in storage and that the client said is complete (its verification not yet run)."""
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    opened = evidence_file_slot_open(
        actor=world.apprentice,
        evidence=evidence,
        file_name="report.pdf",
        content_type="application/pdf",
        size=len(data),
    )
    assert backend.upload(opened.slot.post, "report.pdf", data, "application/pdf").status_code == 204
    EvidenceFile.objects.filter(pk=opened.file.pk).update(state=EvidenceFile.State.UPLOADED, uploaded_at=timezone.now())
    return opened


def _replace(backend: Backend, opened: OpenedSlot, data: bytes) -> None:
    """Other bytes under the upload key: a second POST to the slot on S3; on local disk, where the local
    endpoint takes one POST per slot, a write to the store itself (a new file linked in, as an upload does)."""
    if backend.name == "s3":
        assert backend.upload(opened.slot.post, "report.pdf", data, "application/pdf").status_code == 204
    else:
        get_store().put(opened.file.object_key, data, content_type="application/pdf")


def _downloaded(backend: Backend, file: EvidenceFile) -> bytes:
    link = evidence_file_download_link(file=file)
    response = requests.get(backend.absolute(link.url), timeout=30)
    assert response.status_code == 200
    return response.content


def _replacing_after_first_read(monkeypatch: pytest.MonkeyPatch, replace: Callable[[], None]) -> list[Any]:
    """Run `replace` right after the service's first read of the bytes, before it copies them."""
    reads: list[VerificationResult] = []
    real = verification_service.verify_object

    def read_then_replace(**kwargs: Any) -> VerificationResult:
        result = real(**kwargs)
        if not reads:
            replace()
        reads.append(result)
        return result

    monkeypatch.setattr(verification_service, "verify_object", read_then_replace)
    return reads


def test_verified_bytes_are_copied_to_the_verified_key_and_the_upload_key_emptied(backend: Backend) -> None:
    opened = _uploaded(backend, make_route_world())

    file = evidence_file_verify(file_id=opened.file.pk)

    assert file is not None
    assert (file.state, file.sha256) == (EvidenceFile.State.VERIFIED, _sha(PDF))
    assert file.verified_key == verified_key_for(file.object_key) == f"verified/{file.object_key}"
    assert backend.stored_keys() == [file.verified_key]
    assert _downloaded(backend, file) == PDF
    # Run again (a task delivered twice): nothing changes.
    assert evidence_file_verify(file_id=opened.file.pk) is None
    assert backend.stored_keys() == [file.verified_key]


def test_a_post_after_verification_never_changes_what_downloads(backend: Backend) -> None:
    opened = _uploaded(backend, make_route_world())
    file = evidence_file_verify(file_id=opened.file.pk)
    assert file is not None

    _replace(backend, opened, EXE)

    file.refresh_from_db()
    downloaded = _downloaded(backend, file)
    assert downloaded == PDF
    assert _sha(downloaded) == file.sha256
    # The stray bytes are owed a deletion until the slot is over; each sweep empties the upload key.
    assert PendingObjectDeletion.objects.filter(object_key=file.object_key).exists()
    pending_object_deletions_process(keys=[file.object_key])
    assert backend.stored_keys() == [file.verified_key]


def test_bytes_replaced_during_verification_are_verified_again(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _uploaded(backend, make_route_world())
    reads = _replacing_after_first_read(monkeypatch, lambda: _replace(backend, opened, OTHER_PDF))

    file = evidence_file_verify(file_id=opened.file.pk)

    # The first read hashed the first bytes; the copy saw other bytes and failed; the second read verified them.
    assert [read.sha256 for read in reads] == [_sha(PDF), _sha(OTHER_PDF)]
    assert file is not None
    assert (file.state, file.sha256) == (EvidenceFile.State.VERIFIED, _sha(OTHER_PDF))
    downloaded = _downloaded(backend, file)
    assert downloaded == OTHER_PDF
    assert _sha(downloaded) == file.sha256
    assert backend.stored_keys() == [file.verified_key]


def test_an_executable_slipped_in_during_verification_is_rejected_never_verified(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _uploaded(backend, make_route_world())
    reads = _replacing_after_first_read(monkeypatch, lambda: _replace(backend, opened, EXE))

    file = evidence_file_verify(file_id=opened.file.pk)

    assert len(reads) == 2
    assert file is not None
    assert file.state == EvidenceFile.State.REJECTED
    assert file.rejection_reason.startswith("report.pdf is not a PDF: its content is a Windows executable.")
    assert (file.sha256, file.verified_key) == ("", "")
    assert backend.stored_keys() == []


def test_bytes_that_keep_changing_leave_the_file_uploaded_for_a_retry(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _uploaded(backend, make_route_world())
    real = verification_service.verify_object
    versions = iter([OTHER_PDF, PDF, OTHER_PDF])

    def read_then_replace(**kwargs: Any) -> VerificationResult:
        result = real(**kwargs)
        _replace(backend, opened, next(versions))
        return result

    monkeypatch.setattr(verification_service, "verify_object", read_then_replace)

    with pytest.raises(ObjectChanged):  # a StorageError: the task retries it later
        evidence_file_verify(file_id=opened.file.pk)

    file = EvidenceFile.objects.get(pk=opened.file.pk)
    assert (file.state, file.sha256, file.verified_key) == (EvidenceFile.State.UPLOADED, "", "")
    assert verified_key_for(file.object_key) not in backend.stored_keys()


def test_the_copy_is_refused_when_the_bytes_changed_since_they_were_read(backend: Backend) -> None:
    opened = _uploaded(backend, make_route_world())
    key = opened.file.object_key
    read = open_object(key)
    assert b"".join(read.chunks) == PDF

    _replace(backend, opened, OTHER_PDF)

    with pytest.raises(ObjectChanged):
        copy_to_verified(key=key, version=read.version, sha256=_sha(PDF))
    assert backend.stored_keys() == [key]  # no verified copy was left behind
    # The new bytes, read again, copy fine: the guard is about change, not about the key.
    again = open_object(key)
    assert copy_to_verified(key=key, version=again.version, sha256=_sha(b"".join(again.chunks))) == (
        verified_key_for(key)
    )


def test_no_upload_slot_can_name_a_verified_key(backend: Backend) -> None:
    with pytest.raises(ValueError, match="verified key"):
        presign_post(
            key="verified/evidence/00/x", content_type="application/pdf", min_size=1, max_size=10, expires_in=60
        )


def test_deleting_a_draft_deletes_its_verified_copy(backend: Backend) -> None:
    world = make_route_world()
    opened = _uploaded(backend, world)
    file = evidence_file_verify(file_id=opened.file.pk)
    assert file is not None
    _replace(backend, opened, EXE)  # a stray upload after verification goes too
    assert len(backend.stored_keys()) == 2

    evidence_delete_draft(actor=world.apprentice, evidence=Evidence.objects.get(pk=opened.file.evidence_id))
    pending_object_deletions_process(keys=[file.object_key, file.verified_key])

    assert backend.stored_keys() == []
    # The verified key cannot be written again, so its debt is settled; the slot's stays while it is valid.
    assert list(PendingObjectDeletion.objects.values_list("object_key", flat=True)) == [file.object_key]
