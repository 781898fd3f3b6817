"""`manage.py evidence_secure_verified`: files verified before verified copies existed get theirs, on both back ends."""

from __future__ import annotations

import hashlib
import io

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import EvidenceFile
from portfolio.evidence.services.files import evidence_file_download_link, evidence_file_slot_open
from portfolio.storage import verified_key_for
from tests.evidence import samples
from tests.factories import EvidenceFactory, World, make_route_world
from tests.storage_backends import Backend

pytestmark = pytest.mark.django_db

PDF = samples.pdf()
EXE = samples.windows_exe().ljust(len(PDF), b"\0")[: len(PDF)]


def _legacy_verified(backend: Backend, world: World, *, stored: bytes | None, verified: bytes = PDF) -> EvidenceFile:
    """A file verified the old way: state verified with the hash of `verified`, bytes under the upload key
    (`stored`, or none), and no verified copy."""
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    opened = evidence_file_slot_open(
        actor=world.apprentice,
        evidence=evidence,
        file_name="report.pdf",
        content_type="application/pdf",
        size=len(verified),
    )
    if stored is not None:
        assert backend.upload(opened.slot.post, "report.pdf", stored, "application/pdf").status_code == 204
    EvidenceFile.objects.filter(pk=opened.file.pk).update(
        state=EvidenceFile.State.VERIFIED,
        sha256=hashlib.sha256(verified).hexdigest(),
        size=len(verified),
        detected_type="application/pdf",
        uploaded_at=timezone.now(),
        verified_at=timezone.now(),
    )
    return EvidenceFile.objects.get(pk=opened.file.pk)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("evidence_secure_verified", *args, stdout=out)
    return out.getvalue()


def test_old_verified_files_are_secured_replaced_ones_rejected_and_a_rerun_does_nothing(backend: Backend) -> None:
    world = make_route_world()
    intact = [_legacy_verified(backend, world, stored=PDF) for _ in range(2)]
    replaced = _legacy_verified(backend, world, stored=EXE)  # a second POST after verification, before upgrading
    missing = _legacy_verified(backend, world, stored=None)
    # Until secured, nothing is served from the upload key.
    with pytest.raises(EvidenceRefused) as refused:
        evidence_file_download_link(file=intact[0])
    assert refused.value.code == "file_not_secured"

    dry = _run("--dry-run")
    assert "Dry run, nothing changed" in dry
    assert not EvidenceFile.objects.exclude(verified_key="").exists()
    assert EvidenceFile.objects.filter(state=EvidenceFile.State.VERIFIED).count() == 4

    report = _run("--batch-size", "3")

    assert "batch 1: 3 files" in report
    assert "batch 2: 1 files" in report
    assert f"file {replaced.pk}: replaced after verification, so rejected" in report
    assert f"file {missing.pk}: missing from storage" in report
    assert report.splitlines()[-1] == (
        "2 copied to their verified key; 1 missing from storage (left as they are: check the storage settings, "
        "then run again); 1 replaced after verification, so rejected"
    )
    for file in intact:
        file.refresh_from_db()
        assert file.verified_key == verified_key_for(file.object_key)
        link = evidence_file_download_link(file=file)
        downloaded = requests.get(backend.absolute(link.url), timeout=30).content
        assert downloaded == PDF
        assert hashlib.sha256(downloaded).hexdigest() == file.sha256
    replaced.refresh_from_db()
    assert replaced.state == EvidenceFile.State.REJECTED
    assert "was replaced in storage after it was verified" in replaced.rejection_reason
    missing.refresh_from_db()
    assert (missing.state, missing.verified_key) == (EvidenceFile.State.VERIFIED, "")
    # The upload keys of the secured files and the replaced bytes are gone: only the verified copies remain.
    assert sorted(backend.stored_keys()) == sorted(file.verified_key for file in intact)
    assert AuditEntry.objects.filter(action="evidence.file_secured").count() == 2

    again = _run()

    # Idempotent: only the file still missing is looked at again, and nothing changes.
    assert again.splitlines()[-1].startswith("1 missing from storage")
    assert sorted(backend.stored_keys()) == sorted(file.verified_key for file in intact)
    assert AuditEntry.objects.filter(action="evidence.file_secured").count() == 2


def test_with_nothing_to_secure_the_command_says_so(backend: Backend) -> None:
    assert _run().strip() == "no verified file lacks a verified copy."
