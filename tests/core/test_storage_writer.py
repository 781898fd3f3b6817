"""Objects written in pieces: published whole on commit, nothing left behind on abort, on both back ends."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from portfolio.storage import StorageError, get_store, object_writer

MiB = 1024 * 1024


@pytest.fixture(params=["s3", "local"])
def store_kind(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> str:
    if request.param == "local":
        settings.S3_BUCKET = ""
        settings.LOCAL_STORAGE_ROOT = tmp_path / "files"
    else:
        request.getfixturevalue("s3_server")
    return str(request.param)


def _pending_uploads(plain_s3: Any, settings: Any, key: str) -> list[str]:
    listed = plain_s3.list_multipart_uploads(Bucket=settings.S3_BUCKET, Prefix=key)
    return [upload["Key"] for upload in listed.get("Uploads", [])]


def test_a_streamed_object_reads_back_byte_for_byte(store_kind: str) -> None:
    key = f"exports/tests/{uuid.uuid4().hex}.zip"
    pieces = [os.urandom(3 * MiB + 17) for _ in range(5)]  # 15 MiB in uneven pieces: several parts
    with object_writer(key, content_type="application/zip", part_size=5 * MiB) as out:
        for piece in pieces:
            out.write(piece)
        assert not get_store().exists(key)  # nothing is visible before the commit
    whole = b"".join(pieces)
    assert out.bytes_written == len(whole)
    stored = b"".join(get_store().stream(key))
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(whole).hexdigest()
    assert get_store().head(key).content_type == "application/zip"
    get_store().delete(key)


def test_an_empty_object_can_be_written(store_kind: str) -> None:
    key = f"exports/tests/{uuid.uuid4().hex}.txt"
    with object_writer(key, content_type="text/plain"):
        pass
    assert b"".join(get_store().stream(key)) == b""
    get_store().delete(key)


def test_a_failure_inside_the_block_publishes_nothing(
    store_kind: str, settings: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    key = f"exports/tests/{uuid.uuid4().hex}.zip"

    class Interrupted(Exception):
        pass

    def write_then_fail() -> None:
        with object_writer(key, content_type="application/zip", part_size=5 * MiB) as out:
            out.write(os.urandom(6 * MiB))  # one part already sent
            raise Interrupted

    with pytest.raises(Interrupted):
        write_then_fail()
    assert not get_store().exists(key)
    if store_kind == "s3":
        plain_s3 = request.getfixturevalue("plain_s3")
        assert _pending_uploads(plain_s3, settings, key) == []  # the multipart upload was aborted
    else:
        assert [path.name for path in (tmp_path / "files").rglob("*") if path.is_file()] == []
    finished = get_store().writer(key, content_type="text/plain")
    finished.abort()
    with pytest.raises(StorageError):
        finished.write(b"late")  # a writer is finished once aborted
