"""Removing a file: the object leaves storage, the audit log records it, and after submission the change
reopens the item like any other change to a counted part. Page (with a confirmation step) and API."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from portfolio.audit.models import AuditEntry
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag, PendingObjectDeletion
from portfolio.evidence.services.files import evidence_file_remove
from portfolio.notify.models import Notification
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from portfolio.storage import get_store
from tests.evidence import samples
from tests.evidence.helpers import bucket_keys, empty_bucket
from tests.factories import EvidenceFactory, EvidenceFileFactory, World, build_world, evidence_bring_to


def _returned_with_rejected_file(world: World) -> tuple[Evidence, EvidenceFile]:
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, state="submitted")
    evidence_return(
        actor=world.assessor, evidence=evidence, expected_version=evidence.version, comment="Add the signed plan."
    )
    rejected = EvidenceFileFactory.create(
        evidence=evidence, state=EvidenceFile.State.REJECTED, original_name="plan.exe"
    )
    evidence.refresh_from_db()
    return evidence, rejected


def _api_remove(client: Client, file: EvidenceFile) -> Any:
    return client.delete(f"/api/evidence/{file.evidence.public_id}/files/{file.public_id}/")


@pytest.mark.django_db
def test_removing_a_file_from_a_draft_records_it_and_owes_the_object_a_deletion() -> None:
    own, _ = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, files=2)
    file = evidence.files.first()
    assert file is not None

    after = evidence_file_remove(actor=own.apprentice, file=file)

    assert after.state == Evidence.State.DRAFT
    assert after.version == 1  # a draft has no sign-off to reopen
    assert not EvidenceFile.objects.filter(pk=file.pk).exists()
    assert evidence.files.count() == 1
    assert PendingObjectDeletion.objects.filter(object_key=file.object_key).exists()
    entry = AuditEntry.objects.get(action="evidence.file_removed")
    assert entry.target_public_id == evidence.public_id
    assert entry.changes["file"] == str(file.public_id)
    assert entry.changes["name"] == file.original_name
    assert entry.changes["sha256"] == file.sha256


@pytest.mark.django_db
def test_removing_the_rejected_file_of_a_returned_item_lets_it_be_submitted_again() -> None:
    own, _ = build_world()
    evidence, rejected = _returned_with_rejected_file(own)
    with pytest.raises(Exception, match="was rejected"):
        evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()

    after = evidence_file_remove(actor=own.apprentice, file=rejected)

    assert after.state == Evidence.State.RETURNED
    assert after.version == evidence.version + 1  # a file is a counted part: the version grows
    decision = evidence_submit(actor=own.apprentice, evidence=after, expected_version=after.version)
    assert decision.action == ReviewDecision.Action.SUBMIT


@pytest.mark.django_db
def test_removing_a_file_of_a_submitted_item_ends_the_live_decisions_and_keeps_it_in_review() -> None:
    own, _ = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    assert ReviewDecision.objects.filter(evidence=evidence, invalidated_at__isnull=True).exists()

    after = evidence_file_remove(actor=own.apprentice, file=evidence.files.get())

    assert after.state == Evidence.State.SUBMITTED
    assert after.version == evidence.version + 1
    assert not ReviewDecision.objects.filter(evidence=evidence, invalidated_at__isnull=True).exists()


@pytest.mark.django_db
def test_removing_a_file_of_an_accepted_item_sends_it_back_for_a_fresh_sign_off() -> None:
    own, _ = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="accepted")
    assert set(evidence.tags.values_list("state", flat=True)) == {EvidenceTag.State.ACCEPTED}
    Notification.objects.all().delete()

    after = evidence_file_remove(actor=own.apprentice, file=evidence.files.get())

    assert after.state == Evidence.State.SUBMITTED
    assert set(after.tags.values_list("state", flat=True)) == {EvidenceTag.State.PENDING}
    assert AuditEntry.objects.filter(action="evidence.reopened", target_public_id=evidence.public_id).exists()
    assert Notification.objects.exclude(recipient=own.apprentice).exists()  # its reviewers are told


@pytest.mark.django_db
def test_only_the_author_removes_and_never_from_a_withdrawn_item() -> None:
    own, _ = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    file = evidence.files.get()
    for reviewer in (own.line_manager, own.assessor):
        with pytest.raises(PermissionDenied):
            evidence_file_remove(actor=reviewer, file=file)
    evidence_bring_to(evidence, Evidence.State.WITHDRAWN)  # submitted, then withdrawn by the apprentice
    with pytest.raises(EvidenceRefused) as refused:
        evidence_file_remove(actor=own.apprentice, file=file)
    assert refused.value.code == "evidence_withdrawn"
    assert EvidenceFile.objects.filter(pk=file.pk).exists()
    assert not AuditEntry.objects.filter(action="evidence.file_removed").exists()


@pytest.mark.django_db
def test_the_api_removes_a_file_and_answers_the_item_with_its_new_version(client: Client) -> None:
    own, _ = build_world()
    evidence, rejected = _returned_with_rejected_file(own)
    client.force_login(own.apprentice)

    response = _api_remove(client, rejected)

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == evidence.version + 1
    assert [f["id"] for f in body["files"]] == [str(f.public_id) for f in evidence.files.all()]
    assert str(rejected.public_id) not in {f["id"] for f in body["files"]}
    assert _api_remove(client, rejected).status_code == 404  # gone


@pytest.mark.django_db
def test_the_api_refuses_in_its_error_shape(client: Client) -> None:
    own, other = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    file = evidence.files.get()

    client.force_login(other.apprentice)  # another organisation: the file does not exist for them
    response = _api_remove(client, file)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "details": {}}

    client.force_login(own.line_manager)  # may see the item, may not change it
    response = _api_remove(client, file)
    assert response.status_code == 403
    assert set(response.json()) == {"code", "message", "details"}

    evidence_bring_to(evidence, Evidence.State.WITHDRAWN)  # submitted, then withdrawn by the apprentice
    client.force_login(own.apprentice)
    response = _api_remove(client, file)
    assert response.status_code == 409
    assert response.json()["code"] == "evidence_withdrawn"
    assert "withdrawn" in response.json()["message"]
    assert EvidenceFile.objects.filter(pk=file.pk).exists()


@pytest.mark.django_db
def test_the_page_asks_first_then_removes(client: Client) -> None:
    own, _ = build_world()
    evidence, rejected = _returned_with_rejected_file(own)
    client.force_login(own.apprentice)
    url = f"/evidence/{evidence.public_id}/files/{rejected.public_id}/remove/"

    detail = client.get(f"/evidence/{evidence.public_id}/").content.decode()
    assert f'href="{url}"' in detail  # the rejected file's message comes with the way to act on it

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove plan.exe?" in confirm.content.decode()
    assert EvidenceFile.objects.filter(pk=rejected.pk).exists()  # asking removes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/evidence/{evidence.public_id}/"
    assert "plan.exe was removed" in response.content.decode()
    assert not EvidenceFile.objects.filter(pk=rejected.pk).exists()


def test_the_object_leaves_storage_through_the_worker(
    transactional_db: None, celery_worker: Any, plain_s3: Any, client: Client
) -> None:
    empty_bucket(plain_s3)
    own, _ = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, files=0)
    file = EvidenceFileFactory.create(evidence=evidence, state=EvidenceFile.State.VERIFIED)
    get_store().put(file.object_key, samples.pdf(), content_type="application/pdf")
    assert bucket_keys(plain_s3) == [file.object_key]
    client.force_login(own.apprentice)

    assert _api_remove(client, file).status_code == 200

    deadline = time.monotonic() + 60  # stops a broken run; measures nothing
    while bucket_keys(plain_s3) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert bucket_keys(plain_s3) == []
