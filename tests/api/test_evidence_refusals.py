"""Refusals a person reads: each says what was wrong and what to do, and leaves nothing in the bucket."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.evidence.models import EvidenceFile
from portfolio.evidence.services.files import evidence_file_reject
from tests.evidence import samples
from tests.evidence.helpers import bucket_keys, complete, empty_bucket, open_slot, post_to_storage
from tests.factories import EvidenceFactory, make_route_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(client: Client, plain_s3: Any) -> Any:
    world = make_route_world()
    client.force_login(world.apprentice)
    empty_bucket(plain_s3)
    yield world, EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    empty_bucket(plain_s3)


def test_a_zero_byte_file_is_refused_at_slot_time(client: Client, item: Any, plain_s3: Any) -> None:
    _, evidence = item

    response = open_slot(client, evidence, "notes.txt", 0, "text/plain")

    assert response.status_code == 400
    assert response.json()["code"] == "file_empty"
    assert response.json()["message"].startswith("notes.txt is empty (size 0)")
    assert not EvidenceFile.objects.exists()
    assert bucket_keys(plain_s3) == []


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(
    client: Client, item: Any, plain_s3: Any, settings: Any
) -> None:
    _, evidence = item
    settings.EVIDENCE_MAX_FILE_SIZE = 1024 * 1024

    response = open_slot(client, evidence, "long.mp4", 1024 * 1024 + 1, "video/mp4")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "file_too_large"
    assert "over the 1.0 MB limit per file (EVIDENCE_MAX_FILE_SIZE)" in body["message"]
    assert body["details"] == {"limit": 1024 * 1024}
    assert not EvidenceFile.objects.exists()
    assert bucket_keys(plain_s3) == []


def test_files_per_item_are_limited_and_rejected_files_do_not_count(client: Client, item: Any, settings: Any) -> None:
    _, evidence = item
    settings.EVIDENCE_MAX_FILES_PER_ITEM = 2
    first = open_slot(client, evidence, "a.pdf", 10, "application/pdf").json()["file"]["id"]
    assert open_slot(client, evidence, "b.pdf", 10, "application/pdf").status_code == 201

    refused = open_slot(client, evidence, "c.pdf", 10, "application/pdf")
    assert refused.status_code == 400
    assert refused.json()["code"] == "too_many_files"
    assert "the limit per item (EVIDENCE_MAX_FILES_PER_ITEM)" in refused.json()["message"]

    evidence_file_reject(file=EvidenceFile.objects.get(public_id=first), reason="not an allowed type", actor=None)
    assert open_slot(client, evidence, "c.pdf", 10, "application/pdf").status_code == 201


def test_storage_per_apprentice_counts_declared_sizes_across_items(client: Client, item: Any, settings: Any) -> None:
    world, evidence = item
    settings.EVIDENCE_MAX_BYTES_PER_APPRENTICE = 1000
    assert open_slot(client, evidence, "a.pdf", 600, "application/pdf").status_code == 201
    other_item = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, title="Second", tags=(), files=0, reflection=""
    )

    refused = open_slot(client, other_item, "b.pdf", 500, "application/pdf")

    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "storage_limit_reached"
    assert "storage limit per apprentice (EVIDENCE_MAX_BYTES_PER_APPRENTICE)" in body["message"]
    assert body["details"] == {"limit": 1000, "used": 600}
    assert open_slot(client, other_item, "b.pdf", 400, "application/pdf").status_code == 201


def test_completing_after_the_slot_expired_rejects_the_file_and_deletes_what_arrived(
    client: Client, item: Any, plain_s3: Any
) -> None:
    _, evidence = item
    data = samples.pdf()
    slot = open_slot(client, evidence, "report.pdf", data, "application/pdf").json()
    # moto does not enforce the policy's expiry, so the bytes arrive; the service must refuse them.
    assert post_to_storage(slot, "report.pdf", data, "application/pdf").status_code == 204
    EvidenceFile.objects.filter(public_id=slot["file"]["id"]).update(
        slot_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = complete(client, evidence, slot["file"]["id"])

    assert response.status_code == 400
    assert response.json()["code"] == "slot_expired"
    assert "expired" in response.json()["message"]
    assert response.json()["message"].endswith("Upload the file again.")
    file = EvidenceFile.objects.get(public_id=slot["file"]["id"])
    assert file.state == EvidenceFile.State.REJECTED
    assert file.rejection_reason == response.json()["message"]
    assert AuditEntry.objects.filter(action="evidence.file_rejected").exists()
    assert bucket_keys(plain_s3) == []
    # And it stays refused: a rejected file is never completed.
    assert complete(client, evidence, slot["file"]["id"]).json()["code"] == "already_completed"


def test_a_tag_outside_the_route_is_refused_naming_each_code_and_why(client: Client, item: Any) -> None:
    world, evidence = item
    standard = world.standard
    url = f"/api/evidence/{evidence.public_id}/tags/"

    response = client.put(url, {"statements": ["K1", "K99", "k27", "B1"]}, content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_tags"
    assert body["details"]["statements"] == {
        "K99": f"K99 is not a statement of {standard.reference} v{standard.version}",
        "K27": "K27 belongs to option 'Live performance production manager', not this apprentice's route",
        "B1": "B1 is a behaviour: behaviours are confirmed by the employer, not tagged",
    }
    assert body["message"].startswith("These statements cannot be tagged: K99 is not a statement of")
    assert client.get(url).json() == {"statements": []}  # nothing changed


def test_unsupported_type_strings_are_refused(client: Client, item: Any) -> None:
    _, evidence = item

    response = open_slot(client, evidence, "a.pdf", 10, "not a type")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_content_type")


def test_control_characters_are_removed_from_file_names(client: Client, item: Any) -> None:
    _, evidence = item

    typed = "Site\r\nvisit\t report\x00\x7f\x85\u202e.pdf"
    response = open_slot(client, evidence, typed, 10, "application/pdf")

    assert response.status_code == 201, response.content
    assert response.json()["file"]["name"] == "Sitevisit report.pdf"
    assert EvidenceFile.objects.get().original_name == "Sitevisit report.pdf"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("C:\\Users\\me\\report.pdf", "report.pdf"), ("photos/2025/site visit.jpg", "site visit.jpg")],
)
def test_a_path_keeps_only_its_last_part(client: Client, item: Any, typed: str, kept: str) -> None:
    _, evidence = item

    response = open_slot(client, evidence, typed, 10, "application/pdf")

    assert response.status_code == 201, response.content
    assert response.json()["file"]["name"] == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "../../etc/passwd",
            "“../../etc/passwd” is a path, not a file name, and its last part “passwd” has no file extension. "
            "Send the file's own name, such as report.pdf.",
        ),
        ("reports/", "“reports/” is not a file name: it ends in a folder, not a file."),
        ("..", "“..” is not a file name: it has no letters or digits."),
        ("\x01\x02", "The file name has no characters that can be shown."),
    ],
)
def test_a_name_with_no_usable_file_name_is_refused_as_typed(
    client: Client, item: Any, plain_s3: Any, typed: str, message: str
) -> None:
    _, evidence = item

    response = open_slot(client, evidence, typed, 10, "application/pdf")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid_file_name"
    assert body["message"].startswith(message)
    assert "ends in ." not in body["message"]  # never about an extension the person did not type
    assert not EvidenceFile.objects.exists()
    assert bucket_keys(plain_s3) == []


def test_a_negative_size_has_its_own_code(client: Client, item: Any) -> None:
    _, evidence = item

    response = open_slot(client, evidence, "report.pdf", -5, "application/pdf")

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "file_size_negative"
    assert body["message"] == (
        "The size of report.pdf is -5: a size is the file's length in bytes, so it cannot be negative. "
        "Send the size your device reports for the file."
    )
    assert not EvidenceFile.objects.exists()
