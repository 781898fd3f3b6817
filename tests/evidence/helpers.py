"""Evidence test helpers: a standard with a route to tag against, items made the way the app makes them,
and the client's side of an upload (slot, POST to storage, complete)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.test import Client
from django.utils import timezone

from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.evidence.services.evidence import evidence_create
from portfolio.people.models import Apprenticeship
from portfolio.standards.models import AssessmentOutcome, OutcomeStatement, Standard, Statement
from tests.factories import StandardFactory, World, make_world

LPM = "Live performance production manager"
OTHER_OPTION = "Technical production"


def make_route_standard() -> Standard:
    """A small ST1483-like standard: core AO1 (K1, S1), AO5 of the LPM option (K27), AO6 of the other
    option (K2, K3) and a behaviour B1 in no AO (behaviours are confirmed, not mapped)."""
    standard = StandardFactory.create(options=(LPM, OTHER_OPTION))
    lpm, other = standard.options.order_by("position")
    texts = {
        "K1": "Health and safety law in live events",
        "S1": "Plan a production schedule",
        "K27": "Touring logistics",
        "K2": "Rigging principles",
        "K3": "Stage lighting systems",
        "B1": "Works safely",
    }
    statements = {
        code: Statement.objects.create(standard=standard, code=code, kind=code[0], text=text, position=position)
        for position, (code, text) in enumerate(texts.items(), start=1)
    }
    layout = [("AO1", "Plans safe productions", None, ["K1", "S1"]), ("AO5", "Tours", lpm, ["K27"])]
    layout.append(("AO6", "Rigs and lights", other, ["K2", "K3"]))
    for position, (code, title, option, codes) in enumerate(layout, start=1):
        outcome = AssessmentOutcome.objects.create(
            standard=standard, option=option, code=code, title=title, position=position
        )
        for index, statement_code in enumerate(codes, start=1):
            OutcomeStatement.objects.create(outcome=outcome, statement=statements[statement_code], position=index)
    return standard


def make_route_world() -> World:
    """A world whose apprentice follows the standard above, on the option that is not LPM."""
    standard = make_route_standard()
    world = make_world(standard=standard)
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(option=standard.options.get(title=OTHER_OPTION))
    world.apprenticeship.refresh_from_db()
    return world


def make_evidence(world: World, *, state: str = Evidence.State.DRAFT, **fields: Any) -> Evidence:
    evidence = evidence_create(
        actor=fields.pop("author", world.apprentice),
        apprenticeship=world.apprenticeship,
        kind=fields.pop("kind", Evidence.Kind.DOCUMENT),
        title=fields.pop("title", "Site visit report"),
        occurred_on=fields.pop("occurred_on", datetime.date(2025, 10, 1)),
        reflection=fields.pop("reflection", ""),
    )
    if state != Evidence.State.DRAFT:
        # Submission is the reviews part's service; tests of editing only need the state it leaves.
        Evidence.objects.filter(pk=evidence.pk).update(state=state, ever_submitted=True, submitted_at=timezone.now())
        evidence.refresh_from_db()
    return evidence


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
