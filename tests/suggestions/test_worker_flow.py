"""The whole path through a real Celery worker: an uploaded PDF is verified, its text read from the verified
bytes, and the item's suggestions made from it, before anyone asks for them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from portfolio.evidence.models import EvidenceFile, EvidenceFileText
from portfolio.suggestions.models import Suggestion
from tests.evidence.helpers import complete, empty_bucket, open_slot, post_to_storage, wait_for_file
from tests.factories import EvidenceFactory, make_route_world
from tests.suggestions import documents


@pytest.fixture
def flow(transactional_db: None, celery_worker: Any, plain_s3: Any, client: Client) -> Iterator[Any]:
    world = make_route_world()
    client.force_login(world.apprentice)
    empty_bucket(plain_s3)
    yield world, client
    empty_bucket(plain_s3)


def _wait_for(condition: Any, deadline_seconds: float = 60) -> Any:
    """Poll until the worker has done it. The deadline only stops a broken run; it measures nothing."""
    deadline = time.monotonic() + deadline_seconds
    while not (found := condition()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def test_a_verified_pdf_s_text_makes_the_suggestions_in_the_worker(flow: Any) -> None:
    world, client = flow
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, title="Monday", tags=(), files=0, reflection=""
    )
    data = documents.pdf("Stage lighting systems: I focused the lamps, patched the lighting desk and plotted cues.")
    slot = open_slot(client, evidence, "lx-log.pdf", data, "application/pdf").json()
    assert post_to_storage(slot, "lx-log.pdf", data, "application/pdf").status_code == 204
    assert complete(client, evidence, slot["file"]["id"]).status_code == 200

    file = wait_for_file(slot["file"]["id"])
    assert file.state == EvidenceFile.State.VERIFIED, file.rejection_reason
    text = _wait_for(lambda: EvidenceFileText.objects.filter(file=file).first())
    assert text is not None
    assert text.status == EvidenceFileText.Status.EXTRACTED
    assert "patched the lighting desk" in text.text
    best = _wait_for(lambda: Suggestion.objects.filter(evidence=evidence, rank=1, statement__code="K3").first())
    assert best is not None, list(Suggestion.objects.filter(evidence=evidence).values_list("statement__code", "score"))
