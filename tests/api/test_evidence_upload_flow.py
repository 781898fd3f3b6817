"""The whole upload flow through the API, against moto's S3 server over HTTP and a real Celery worker.

slot -> a real multipart POST to the presigned URL -> complete -> the worker verifies -> verified with the
sha256 of the bytes, or rejected with a reason and nothing left in the bucket.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from django.test import Client

from portfolio.evidence.models import EvidenceFile, PendingObjectDeletion
from portfolio.evidence.services.sweep import pending_object_deletions_process
from tests.evidence import samples
from tests.evidence.helpers import (
    bucket_keys,
    complete,
    empty_bucket,
    open_slot,
    post_to_storage,
    wait_for_file,
    wait_for_upload_key_emptied,
)
from tests.factories import EvidenceFactory, make_route_world


@pytest.fixture
def flow(transactional_db: None, celery_worker: Any, plain_s3: Any, client: Client) -> Iterator[Any]:
    world = make_route_world()
    client.force_login(world.apprentice)
    empty_bucket(plain_s3)
    yield world, EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection=""), client
    empty_bucket(plain_s3)


def _upload(client: Client, evidence: Any, name: str, data: bytes, content_type: str) -> str:
    slot = open_slot(client, evidence, name, data, content_type)
    assert slot.status_code == 201, slot.content
    assert slot.json()["upload"]["url"].startswith("http")
    stored = post_to_storage(slot.json(), name, data, content_type)
    assert stored.status_code == 204, stored.text
    file_id: str = slot.json()["file"]["id"]
    done = complete(client, evidence, file_id)
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "uploaded"
    return file_id


@pytest.mark.parametrize(
    ("name", "content_type", "make", "detected"),
    [
        ("Site visit report.pdf", "application/pdf", samples.pdf, "application/pdf"),
        ("rigging.jpg", "image/jpeg", lambda: samples.image("JPEG"), "image/jpeg"),
        ("walkthrough.mp4", "video/mp4", samples.mp4, "video/mp4"),
    ],
)
def test_a_file_goes_from_slot_to_verified_through_the_worker(
    flow: Any, plain_s3: Any, name: str, content_type: str, make: Callable[[], bytes], detected: str
) -> None:
    _, evidence, client = flow
    data = make()

    file_id = _upload(client, evidence, name, data, content_type)
    file = wait_for_file(file_id)
    wait_for_upload_key_emptied(plain_s3, file)

    assert file.state == EvidenceFile.State.VERIFIED, file.rejection_reason
    assert file.sha256 == hashlib.sha256(data).hexdigest()
    assert file.size == len(data)
    assert file.detected_type == detected
    # The verified bytes live under a key no upload slot can write; the upload key was emptied.
    assert file.verified_key == f"verified/{file.object_key}"
    assert bucket_keys(plain_s3) == [file.verified_key]
    # The item shows it, and a download link returns the same bytes under the original name.
    shown = client.get(f"/api/evidence/{evidence.public_id}/").json()["files"][0]
    assert (shown["state"], shown["sha256"], shown["name"]) == ("verified", file.sha256, name)
    link = client.get(f"/api/evidence/{evidence.public_id}/files/{file_id}/download/").json()
    downloaded = requests.get(link["url"], timeout=30)
    assert downloaded.content == data
    assert name.split(".")[0] in downloaded.headers["Content-Disposition"]


def test_a_renamed_executable_is_rejected_and_deleted(flow: Any, plain_s3: Any) -> None:
    _, evidence, client = flow

    file = wait_for_file(_upload(client, evidence, "report.pdf", samples.windows_exe(), "application/pdf"))

    assert file.state == EvidenceFile.State.REJECTED
    assert file.rejection_reason.startswith("report.pdf is not a PDF: its content is a Windows executable.")
    assert bucket_keys(plain_s3) == []
    shown = client.get(f"/api/evidence/{evidence.public_id}/").json()["files"][0]
    assert shown["rejection_reason"] == file.rejection_reason
    download = client.get(f"/api/evidence/{evidence.public_id}/files/{shown['id']}/download/")
    assert (download.status_code, download.json()["code"]) == (409, "file_not_verified")


def test_a_file_larger_than_declared_is_rejected_and_deleted(flow: Any, plain_s3: Any) -> None:
    _, evidence, client = flow
    data = samples.pdf()
    slot = open_slot(client, evidence, "report.pdf", len(data) - 10, "application/pdf").json()
    # moto, unlike S3, does not enforce the policy's size: the object arrives; the verification catches it.
    assert post_to_storage(slot, "report.pdf", data, "application/pdf").status_code == 204
    assert complete(client, evidence, slot["file"]["id"]).status_code == 200

    file = wait_for_file(slot["file"]["id"])

    assert file.state == EvidenceFile.State.REJECTED
    assert f"but the upload said {len(data) - 10}" in file.rejection_reason
    assert bucket_keys(plain_s3) == []


def test_a_second_upload_to_a_verified_files_slot_never_changes_what_downloads(flow: Any, plain_s3: Any) -> None:
    _, evidence, client = flow
    first = samples.pdf()
    slot = open_slot(client, evidence, "report.pdf", first, "application/pdf").json()
    assert post_to_storage(slot, "report.pdf", first, "application/pdf").status_code == 204
    assert complete(client, evidence, slot["file"]["id"]).status_code == 200
    verified = wait_for_file(slot["file"]["id"])
    assert verified.state == EvidenceFile.State.VERIFIED
    wait_for_upload_key_emptied(plain_s3, verified)  # else the worker's deletion could remove the second POST

    # S3 (and moto) accept a second POST with the same policy until it expires: an executable of the same size.
    second = samples.windows_exe().ljust(len(first), b"\0")[: len(first)]
    assert post_to_storage(slot, "report.pdf", second, "application/pdf").status_code == 204
    again = complete(client, evidence, slot["file"]["id"])

    # The file cannot be completed again, keeps the hash of the bytes that were verified...
    assert again.status_code == 409
    assert again.json()["code"] == "already_completed"
    assert "already completed" in again.json()["message"]
    verified.refresh_from_db()
    assert verified.sha256 == hashlib.sha256(first).hexdigest()
    # ...and every download serves exactly those bytes: the second POST landed on a key nobody reads.
    for url in (
        client.get(f"/api/evidence/{evidence.public_id}/files/{verified.public_id}/download/").json()["url"],
        client.get(f"/evidence/{evidence.public_id}/files/{verified.public_id}/download/")["Location"],
    ):
        downloaded = requests.get(url, timeout=30).content
        assert downloaded == first
        assert hashlib.sha256(downloaded).hexdigest() == verified.sha256
    assert bucket_keys(plain_s3) == sorted([verified.object_key, verified.verified_key])
    # The stray upload object is owed a deletion until the slot is over: the sweep's task empties it.
    owed = PendingObjectDeletion.objects.get(object_key=verified.object_key)
    assert owed.keep_until is not None
    assert pending_object_deletions_process(keys=[verified.object_key]) == 1
    assert bucket_keys(plain_s3) == [verified.verified_key]
