"""Nothing stays stuck and nothing is left in the bucket: the periodic sweep, and draft deletion by the worker."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from portfolio.evidence.models import EvidenceFile, PendingObjectDeletion
from portfolio.evidence.services.files import evidence_file_slot_open
from portfolio.evidence.services.sweep import evidence_files_sweep, pending_object_deletions_process
from portfolio.storage import get_store
from tests.evidence import samples
from tests.evidence.helpers import bucket_keys, empty_bucket
from tests.factories import EvidenceFactory, make_route_world


def _file_with_object(world: Any, data: bytes) -> EvidenceFile:
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    opened = evidence_file_slot_open(
        actor=world.apprentice, evidence=evidence, file_name="a.pdf", content_type="application/pdf", size=len(data)
    )
    get_store().put(opened.file.object_key, data, content_type="application/pdf")
    return opened.file


@pytest.mark.django_db
def test_the_sweep_requeues_stuck_files_and_rejects_long_expired_slots(plain_s3: Any) -> None:
    empty_bucket(plain_s3)
    world = make_route_world()
    now = timezone.now()
    stuck = _file_with_object(world, samples.pdf())
    EvidenceFile.objects.filter(pk=stuck.pk).update(
        state=EvidenceFile.State.UPLOADED, uploaded_at=now - datetime.timedelta(minutes=11)
    )
    recent = _file_with_object(world, samples.pdf())
    EvidenceFile.objects.filter(pk=recent.pk).update(state=EvidenceFile.State.UPLOADED, uploaded_at=now)
    abandoned = _file_with_object(world, samples.pdf())  # bytes arrived, "complete" never came
    EvidenceFile.objects.filter(pk=abandoned.pk).update(slot_expires_at=now - datetime.timedelta(hours=2))
    PendingObjectDeletion.objects.create(object_key="evidence/00/owed", reason="draft deleted")

    report = evidence_files_sweep(now=now)

    assert report.stuck_file_ids == [stuck.pk]
    assert report.abandoned == 1
    assert report.pending_deletion_keys == ["evidence/00/owed"]
    abandoned.refresh_from_db()
    assert abandoned.state == EvidenceFile.State.REJECTED
    assert "never completed" in abandoned.rejection_reason
    assert abandoned.object_key not in bucket_keys(plain_s3)
    assert evidence_files_sweep(now=now).abandoned == 0  # idempotent
    empty_bucket(plain_s3)


def test_deleting_a_draft_removes_its_objects_through_the_worker(
    transactional_db: None, celery_worker: Any, plain_s3: Any, client: Client
) -> None:
    empty_bucket(plain_s3)
    world = make_route_world()
    file = _file_with_object(world, samples.pdf())
    assert bucket_keys(plain_s3) == [file.object_key]
    client.force_login(world.apprentice)

    response = client.delete(f"/api/evidence/{file.evidence.public_id}/")

    assert response.status_code == 204
    deadline = time.monotonic() + 60  # stops a broken run; measures nothing
    while bucket_keys(plain_s3) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert bucket_keys(plain_s3) == []
    # The slot is still valid, so a client could POST to it again: the debt stays until the slot is over,
    # and each sweep deletes the key again.
    owed = PendingObjectDeletion.objects.get()
    assert owed.object_key == file.object_key
    assert owed.keep_until is not None
    assert owed.keep_until > file.slot_expires_at


@pytest.mark.django_db
def test_an_owed_deletion_is_kept_while_its_slot_is_valid_and_then_dropped(plain_s3: Any) -> None:
    get_store().put("evidence/00/owed", b"late bytes", content_type="text/plain")
    now = timezone.now()
    PendingObjectDeletion.objects.create(
        object_key="evidence/00/owed", reason="rejected", keep_until=now + datetime.timedelta(minutes=3)
    )

    assert pending_object_deletions_process(keys=["evidence/00/owed"], now=now) == 1
    assert "evidence/00/owed" not in bucket_keys(plain_s3)
    assert PendingObjectDeletion.objects.exists()
    pending_object_deletions_process(keys=["evidence/00/owed"], now=now + datetime.timedelta(minutes=4))
    assert not PendingObjectDeletion.objects.exists()
