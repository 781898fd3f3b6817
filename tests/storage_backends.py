"""Each storage back end as a client sees it, for tests that run on both: moto S3 and local disk."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from portfolio.storage import PresignedPost


@dataclass
class Backend:
    """One storage back end as a client sees it: where upload URLs point, and what is stored."""

    name: str
    base_url: str  # prefix for the local back end's relative URLs; "" for S3
    listing: Any  # () -> list of stored keys (read without the project's storage module)

    def absolute(self, url: str) -> str:
        return url if url.startswith("http") else self.base_url + url

    def upload(self, post: PresignedPost, name: str, data: bytes, content_type: str) -> requests.Response:
        # Like a browser form: the policy fields first, the file last, as S3 requires.
        return requests.post(
            self.absolute(post.url), data=post.fields, files={"file": (name, data, content_type)}, timeout=30
        )

    def stored_keys(self) -> list[str]:
        return sorted(self.listing())


@pytest.fixture(params=["s3", "local"])
def backend(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "s3":
        plain_s3 = request.getfixturevalue("plain_s3")

        def s3_keys() -> list[str]:
            keys: list[str] = []
            for prefix in ("evidence/", "verified/"):  # upload keys and verified copies
                listed = plain_s3.list_objects_v2(Bucket=settings.S3_BUCKET, Prefix=prefix)
                keys += [item["Key"] for item in listed.get("Contents", [])]
            return keys

        def empty() -> None:
            for key in s3_keys():
                plain_s3.delete_object(Bucket=settings.S3_BUCKET, Key=key)

        # Each test starts from empty prefixes: a test before it in the same process may have left verified copies
        # behind (its worker's verification), which a test counting the bucket's keys would take for its own.
        empty()
        yield Backend("s3", "", s3_keys)
        empty()
        return
    live_server = request.getfixturevalue("live_server")
    settings.S3_BUCKET = ""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    settings.LOCAL_STORAGE_ROOT = tmp_path / "files"

    def local_files() -> list[str]:
        # Every file under the root, partial uploads included; a `.type` note counts only when its
        # object is gone (a leftover).
        root = tmp_path / "files"
        files = {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
        return [name for name in files if not (name.endswith(".type") and name.removesuffix(".type") in files)]

    yield Backend("local", live_server.url, local_files)
