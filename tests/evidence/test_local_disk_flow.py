"""The embedded default (no S3: files on local disk) serves the same upload flow, over real HTTP."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import requests
from django.test import override_settings

from portfolio.evidence.models import EvidenceFile
from portfolio.storage import get_store
from tests.evidence import samples
from tests.factories import PASSWORD, EvidenceFactory, make_route_world
from workers.celery import app


@pytest.fixture
def local_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # Tasks run in process, as in the embedded default (no broker): the test's worker process uses S3.
    monkeypatch.setattr(app.conf, "task_always_eager", True)
    with override_settings(S3_BUCKET="", LOCAL_STORAGE_ROOT=tmp_path / "files", ALLOWED_HOSTS=["localhost"]):
        get_store.cache_clear()
        yield tmp_path / "files"
    get_store.cache_clear()


def test_the_whole_flow_on_local_disk(transactional_db: None, live_server: Any, local_disk: Path) -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    api = requests.Session()
    token = api.post(
        f"{live_server.url}/api/auth/token/", json={"email": world.apprentice.email, "password": PASSWORD}, timeout=30
    ).json()["token"]
    api.headers["Authorization"] = f"Token {token}"
    base = f"{live_server.url}/api/evidence/{evidence.public_id}"
    data = samples.pdf()

    slot = api.post(
        f"{base}/files/", json={"name": "report.pdf", "content_type": "application/pdf", "size": len(data)}, timeout=30
    ).json()
    assert slot["upload"]["url"] == f"{live_server.url}/uploads/local/"
    stored = requests.post(
        slot["upload"]["url"],
        data=slot["upload"]["fields"],
        files={"file": ("report.pdf", data, "application/pdf")},
        timeout=30,
    )
    assert stored.status_code == 204, stored.text
    file_id = slot["file"]["id"]
    done = api.post(f"{base}/files/{file_id}/complete/", timeout=30)

    # Verified in process, after the request's commit, as the embedded default does it.
    assert done.status_code == 200, done.text
    file = EvidenceFile.objects.get(public_id=file_id)
    assert file.state == EvidenceFile.State.VERIFIED, file.rejection_reason
    assert file.sha256 == hashlib.sha256(data).hexdigest()
    # The verified bytes moved to a key no upload slot can write; the upload key is empty.
    assert file.verified_key == f"verified/{file.object_key}"
    assert (local_disk / file.verified_key).read_bytes() == data
    assert not (local_disk / file.object_key).exists()
    link = api.get(f"{base}/files/{file_id}/download/", timeout=30).json()
    assert link["url"].startswith(f"{live_server.url}/uploads/local/download?token=")
    assert requests.get(link["url"], timeout=30).content == data
    # The local endpoint makes the slot single-use, and "complete" is refused a second time.
    again = requests.post(
        slot["upload"]["url"],
        data=slot["upload"]["fields"],
        files={"file": ("report.pdf", data, "application/pdf")},
        timeout=30,
    )
    assert again.status_code == 409
    assert api.post(f"{base}/files/{file_id}/complete/", timeout=30).json()["code"] == "already_completed"
