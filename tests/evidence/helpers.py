"""The client's side of an upload (slot, POST to storage, complete), and what tests read back from the bucket.

Evidence items, files and the route standard they are tagged against come from tests/factories/."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.test import Client

from portfolio.evidence.models import Evidence, EvidenceFile


@dataclass
class Upload:
    file_id: str
    response: Any  # the slot response's JSON


def open_slot(client: Client, evidence: Evidence, name: str, data_or_size: bytes | int, content_type: str) -> Any:
    size = data_or_size if isinstance(data_or_size, int) else len(data_or_size)
    return client.post(
        f"/api/evidence/{evidence.public_id}/files/",
        {"name": name, "content_type": content_type, "size": size},
        content_type="application/json",
    )


def post_to_storage(slot: dict[str, Any], name: str, data: bytes, content_type: str) -> requests.Response:
    # Like a browser form: the policy fields first, the file last, as S3 requires.
    upload = slot["upload"]
    return requests.post(upload["url"], data=upload["fields"], files={"file": (name, data, content_type)}, timeout=30)


def complete(client: Client, evidence: Evidence, file_id: str) -> Any:
    return client.post(f"/api/evidence/{evidence.public_id}/files/{file_id}/complete/")


def wait_for_file(
    file_id: str, *, leaving: str = EvidenceFile.State.UPLOADED, deadline_seconds: float = 60
) -> EvidenceFile:
    """Poll until the worker moved the file on. The deadline only stops a broken run; it measures nothing."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        file = EvidenceFile.objects.get(public_id=file_id)
        if file.state != leaving or time.monotonic() > deadline:
            return file
        time.sleep(0.1)


def wait_for_upload_key_emptied(plain_s3: Any, file: EvidenceFile, *, deadline_seconds: float = 60) -> None:
    """Poll until the worker has deleted a verified file's upload key: it does so just after committing the
    verdict, so a test that saw "verified" may still be a moment ahead of it. The deadline measures nothing."""
    deadline = time.monotonic() + deadline_seconds
    while file.object_key in bucket_keys(plain_s3) and time.monotonic() < deadline:
        time.sleep(0.1)


def bucket_keys(plain_s3: Any) -> list[str]:
    """Upload keys (evidence/...) and verified copies (verified/evidence/...) in the bucket."""
    keys: list[str] = []
    for prefix in ("evidence/", "verified/"):
        listed = plain_s3.list_objects_v2(Bucket=settings.S3_BUCKET, Prefix=prefix)
        keys += [item["Key"] for item in listed.get("Contents", [])]
    return sorted(keys)


def empty_bucket(plain_s3: Any) -> None:
    for key in bucket_keys(plain_s3):
        plain_s3.delete_object(Bucket=settings.S3_BUCKET, Key=key)
