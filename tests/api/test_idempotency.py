"""`Idempotency-Key` on the API's creating POSTs: a retry gets the first answer and creates nothing."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.idempotency.models import IdempotencyKey
from portfolio.idempotency.services import idempotency_purge_expired
from portfolio.people.models import Apprenticeship, Invitation
from tests.factories import apprenticeship_create_body, build_world, make_world
from workers.tasks.idempotency import purge_expired_idempotency_keys

URL = "/api/apprenticeships/"


def _post(client: Client, body: dict[str, Any], key: str | None, url: str = URL) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(url, body, content_type="application/json", headers=headers)


def _count(email: str = "sam.new@example.org") -> int:
    return Apprenticeship.objects.filter(apprentice__email=email).count()


@pytest.mark.django_db
def test_the_same_key_twice_creates_one_apprenticeship_and_returns_the_same_answer(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)

    first = _post(client, apprenticeship_create_body(world), "retry-me")
    again = _post(client, apprenticeship_create_body(world), "retry-me")

    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count() == 1
    assert Invitation.objects.filter(email="sam.new@example.org").count() == 1  # the invitation is not re-sent
    # Without a key, a second POST is a second request (the existing account is linked, not duplicated).
    assert _post(client, apprenticeship_create_body(world), None).status_code == 201
    assert _count() == 2


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_in_the_error_shape(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)
    assert _post(client, apprenticeship_create_body(world), "once").status_code == 201

    other = _post(client, apprenticeship_create_body(world, email="someone.else@example.org"), "once")
    elsewhere = _post(client, {"email": "x@example.org", "role": "tutor"}, "once", url="/api/invitations/")

    for refused in (other, elsewhere):
        assert refused.status_code == 422
        body = refused.json()
        assert set(body) == {"code", "message", "details"}
        assert body["code"] == "idempotency_key_reused"
        assert "POST /api/apprenticeships/" in body["message"]
    assert _count("someone.else@example.org") == 0
    assert not Invitation.objects.filter(email="x@example.org").exists()


@pytest.mark.django_db
def test_keys_are_per_user(client: Client) -> None:
    own, other = build_world()
    client.force_login(own.admin)
    mine = _post(client, apprenticeship_create_body(own), "shared-key")
    client.force_login(other.admin)
    theirs = _post(client, apprenticeship_create_body(other), "shared-key")

    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]
    assert _count() == 2


@pytest.mark.django_db
def test_a_refusal_keeps_no_answer_so_the_corrected_request_can_use_the_key(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)

    refused = _post(client, apprenticeship_create_body(world, planned_end_date="not a date"), "fix-and-retry")
    corrected = _post(client, apprenticeship_create_body(world), "fix-and-retry")

    assert refused.status_code == 400
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected.headers
    assert _count() == 1


@pytest.mark.django_db
def test_a_malformed_key_is_refused_naming_the_header(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)
    for bad in ("has space", "x" * 256, ""):
        response = _post(client, apprenticeship_create_body(world), bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid"
        assert "Idempotency-Key" in response.json()["details"]
    assert _count() == 0


@pytest.mark.django_db
def test_keys_are_kept_for_a_day(client: Client, settings: Any) -> None:
    settings.IDEMPOTENCY_KEY_HOURS = 24
    world = make_world()
    client.force_login(world.admin)
    assert _post(client, apprenticeship_create_body(world), "old-key").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=23))
    assert _post(client, apprenticeship_create_body(world), "old-key").headers["Idempotent-Replayed"] == "true"

    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    later = _post(client, apprenticeship_create_body(world), "old-key")  # forgotten: a new request
    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later.headers
    assert _count() == 2

    assert _post(client, apprenticeship_create_body(world, email="b@example.org"), "another").status_code == 201
    IdempotencyKey.objects.filter(key="another").update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_purge_expired() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["old-key"]
    assert purge_expired_idempotency_keys.run() == 0


@pytest.mark.django_db
def test_invitations_evidence_and_upload_slots_replay_too(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)
    invite = {"email": "new.tutor@example.org", "role": "tutor", "organisation": str(world.provider.public_id)}
    first, again = (_post(client, invite, "inv", url="/api/invitations/") for _ in range(2))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    # A second invitation would have revoked the first: the first is still the pending one.
    assert Invitation.objects.filter(email="new.tutor@example.org", revoked_at__isnull=True).count() == 1
    assert Invitation.objects.filter(email="new.tutor@example.org").count() == 1

    client.force_login(world.apprentice)
    item = {
        "apprenticeship": str(world.apprenticeship.public_id),
        "kind": Evidence.Kind.choices[0][0],
        "title": "Site survey",
        "occurred_on": "2025-10-01",
    }
    made, made_again = (_post(client, item, "ev", url="/api/evidence/") for _ in range(2))
    assert made.status_code == made_again.status_code == 201, made.content
    assert made_again.json() == made.json()
    assert Evidence.objects.filter(title="Site survey").count() == 1

    slot_url = f"/api/evidence/{made.json()['id']}/files/"
    slot = {"name": "survey.pdf", "content_type": "application/pdf", "size": 1000}
    opened, opened_again = (_post(client, slot, "slot", url=slot_url) for _ in range(2))
    assert opened.status_code == opened_again.status_code == 201, opened.content
    assert opened_again.json() == opened.json()
    assert EvidenceFile.objects.filter(evidence__title="Site survey").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one(client: Client) -> None:
    world = make_world()
    barrier = threading.Barrier(4)
    answers: list[Any] = []

    def send() -> None:
        own_client = Client()
        own_client.force_login(world.admin)
        barrier.wait()
        try:
            answers.append(_post(own_client, apprenticeship_create_body(world), "at-once"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.content for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 3
    assert _count() == 1


def test_the_schema_documents_the_header_and_the_422(client: Client) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in ("/api/apprenticeships/", "/api/invitations/", "/api/evidence/", "/api/evidence/{public_id}/files/"):
        operation = paths[path]["post"]
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["Idempotency-Key"], path
        assert "422" in operation["responses"], path
        assert "201" in operation["responses"], path
    # Other operations do not take it.
    assert not any(p["in"] == "header" for p in paths["/api/apprenticeships/"]["get"].get("parameters", []))
