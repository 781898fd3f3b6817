"""The coverage, cohort, readiness-event and webhook endpoints: shapes, filters, ordering, scoping."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.coverage.services.dirty import coverage_mark_dirty
from tests.factories import ApprenticeshipFactory, EvidenceFactory, make_catalogue, make_world


@pytest.fixture
def cohort() -> Any:
    """Three apprentices of one provider on the small catalogue (Route A: 6 statements, no behaviours)."""
    catalogue = make_catalogue(behaviours=())
    first = make_world(standard=catalogue.standard)
    second = ApprenticeshipFactory.create(provider=first.provider, employer=first.employer, standard=catalogue.standard)
    third = ApprenticeshipFactory.create(provider=first.provider, employer=first.employer, standard=catalogue.standard)
    full = EvidenceFactory.create(
        apprenticeship=first.apprenticeship, files=0, title="Site survey",
        tags=("K1", "K2", "K3", "S1", "S2", "S3"), state="accepted",
    )  # fmt: skip
    EvidenceFactory.create(apprenticeship=second, files=0, tags=("K1", "K2"), state="accepted")  # 2/6
    EvidenceFactory.create(apprenticeship=third, files=0, tags=("K1",), state="accepted")  # 1/6
    coverage_recompute(apprenticeship_ids=[first.apprenticeship.pk, second.pk, third.pk])
    return catalogue, first, second, third, full


@pytest.mark.django_db
def test_coverage_is_explained_per_ao_with_the_evidence_that_counts(client: Client, cohort: Any) -> None:
    _, first, second, _, full = cohort
    client.force_login(first.apprentice)
    body = client.get(f"/api/apprenticeships/{second.public_id}/coverage/")
    assert body.status_code == 404  # not theirs: like a missing one
    body = client.get(f"/api/apprenticeships/{first.apprenticeship.public_id}/coverage/").json()
    assert body["summary"]["ready"] is True
    assert body["summary"]["stale"] is False
    ao1 = body["outcomes"][0]
    assert (ao1["code"], ao1["core"], ao1["option"], ao1["covered"], ao1["mapped"]) == ("AO1", True, None, 3, 3)
    k1 = ao1["statements"][0]
    assert (k1["code"], k1["covered"], k1["counted"], k1["needed"]) == ("K1", True, 1, 1)
    assert k1["evidence"] == [{"id": str(full.public_id), "title": "Site survey"}]
    assert [o["code"] for o in body["outcomes"]] == ["AO1", "AO2", "AO3"]
    assert body["outcomes"][2]["option"] == "Route A"

    client.force_login(first.tutor)
    body = client.get(f"/api/apprenticeships/{second.public_id}/coverage/").json()
    ao2 = body["outcomes"][1]
    assert (ao2["covered"], ao2["mapped"], ao2["percent"]) == (0, 2, 0.0)
    assert [(m["code"], m["text"], m["mandatory"]) for m in ao2["missing"]] == [
        ("K3", "Statement K3 text", False),
        ("S2", "Statement S2 text", True),
    ]
    coverage_mark_dirty(apprenticeship_ids=[second.pk], reason="test")
    assert client.get(f"/api/apprenticeships/{second.public_id}/coverage/").json()["summary"]["stale"] is True


@pytest.mark.django_db
def test_cohort_filters_orders_and_scopes(client: Client, cohort: Any) -> None:
    catalogue, first, second, third, _ = cohort
    other = make_world(standard=catalogue.standard)
    coverage_recompute(apprenticeship_ids=[other.apprenticeship.pk])

    client.force_login(first.tutor)
    rows = client.get("/api/cohort/?ordering=percent").json()["results"]
    assert [(r["id"], r["percent"]) for r in rows] == [
        (str(third.public_id), 16.6),
        (str(second.public_id), 33.3),
        (str(first.apprenticeship.public_id), 100.0),
    ]  # another provider's apprentice is not in it
    rows = client.get("/api/cohort/?ordering=-percent&ready=true").json()["results"]
    assert [r["id"] for r in rows] == [str(first.apprenticeship.public_id)]
    assert rows[0]["gates"]["behaviours_confirmed"]["enabled"] is False
    rows = client.get("/api/cohort/?ready=false").json()["results"]
    assert {r["id"] for r in rows} == {str(second.public_id), str(third.public_id)}
    rows = client.get(f"/api/cohort/?employer={other.employer.public_id}").json()["results"]
    assert rows == []
    assert client.get("/api/cohort/?ordering=name").status_code == 400

    client.force_login(first.line_manager)
    assert len(client.get("/api/cohort/").json()["results"]) == 3
    client.force_login(first.apprentice)
    assert client.get("/api/cohort/").status_code == 403


@pytest.mark.django_db
def test_readiness_events_feed_is_scoped(client: Client, cohort: Any) -> None:
    _, first, second, _, _ = cohort
    client.force_login(first.apprentice)
    [event] = client.get("/api/readiness-events/").json()["results"]
    assert (event["apprenticeship"], event["type"], event["sequence"]) == (
        str(first.apprenticeship.public_id), "readiness.ready", 1
    )  # fmt: skip
    assert event["coverage"]["covered"] == 6
    rows = client.get(f"/api/apprenticeships/{first.apprenticeship.public_id}/readiness-events/").json()["results"]
    assert [r["id"] for r in rows] == [event["id"]]
    assert client.get(f"/api/apprenticeships/{second.public_id}/readiness-events/").status_code == 404


@pytest.mark.django_db
def test_webhook_secret_is_shown_once_and_urls_must_be_http(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)
    created = client.post(
        "/api/webhooks/",
        {"provider": str(world.provider.public_id), "url": "https://crm.example.org/hooks", "description": "CRM"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    listed = client.get("/api/webhooks/").json()["results"]
    assert [w["url"] for w in listed] == ["https://crm.example.org/hooks"]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/webhooks/{listed[0]['id']}/").json()
    refused = client.post(
        "/api/webhooks/",
        {"provider": str(world.provider.public_id), "url": "ftp://crm.example.org/hooks"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "url" in refused.json()["details"]
