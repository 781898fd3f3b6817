"""The review API end to end: shapes of success, conflict and per-tag errors; another organisation's users."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from portfolio.evidence.models import Evidence
from tests.factories import EvidenceFactory, EvidenceFileFactory, StatementFactory, World, build_world

pytestmark = pytest.mark.django_db

# Queries of a confirmation and an acceptance through the API, whatever the number of tags (the test below). They
# were 26 and 33 with one tag, and one more per tag for a confirmation, four more for an acceptance.
CONFIRM_QUERIES = 17
ACCEPT_QUERIES = 20


def _as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(user: Any, evidence: Any, action: str, body: dict[str, Any]) -> Any:
    return _as(user).post(f"/api/evidence/{evidence.public_id}/{action}/", body, format="json")


@pytest.fixture
def worlds() -> tuple[World, World]:
    return build_world()


def test_the_flow_through_the_api_and_its_history(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    response = _post(own.apprentice, evidence, "submit", {"expected_version": 1})
    assert response.status_code == 200, response.json()
    assert response.json()["evidence"]["state"] == "submitted"
    assert response.json()["decision"]["to_state"] == "submitted"
    assert _post(own.mentor, evidence, "confirm", {"expected_version": 2}).status_code == 200
    response = _post(
        own.assessor,
        evidence,
        "accept",
        {"expected_version": 3, "tags": [{"statement": "k1", "accepted": True},
                                         {"statement": "S1", "accepted": False, "comment": "Not shown."}]},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    tags = {t["statement"]: t["state"] for t in response.json()["evidence"]["tags"]}
    assert tags == {"K1": "accepted", "S1": "declined"}

    history = _as(own.iqa).get(f"/api/evidence/{evidence.public_id}/decisions/").json()
    assert [d["action"] for d in history["results"]] == ["submit", "confirm", "accept"]
    assert len(history["results"][0]["fingerprint"]) == 64
    assert history["results"][2]["tag_decisions"][1] == {"statement": "S1", "accepted": False, "comment": "Not shown."}


def test_a_stale_version_answers_409_with_what_changed(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    seen = evidence.version
    assert _post(own.line_manager, evidence, "confirm", {"expected_version": seen}).status_code == 200
    response = _post(own.mentor, evidence, "confirm", {"expected_version": seen})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["message"].startswith(f"This evidence was confirmed by {own.line_manager.display_name} at ")
    assert body["details"] == {"expected_version": seen, "current_version": seen + 1, "current_state": "confirmed"}

    response = _post(own.mentor, evidence, "confirm", {"expected_version": seen + 1})
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"


def test_expected_version_is_required_and_bad_tags_are_named(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    response = _post(own.assessor, evidence, "accept", {"tags": []})
    assert response.status_code == 400
    assert "expected_version" in response.json()["details"]
    verdicts = [{"statement": "K1", "accepted": False}, {"statement": "K7", "accepted": True}]
    response = _post(own.assessor, evidence, "accept", {"expected_version": evidence.version, "tags": verdicts})
    assert response.status_code == 400
    assert set(response.json()["details"]["tags"]) == {"K1", "K7", "S1"}
    body = {"expected_version": evidence.version, "comment": ""}
    assert _post(own.assessor, evidence, "return", body).status_code == 400


def test_submission_refusal_names_the_unverified_file(worlds: tuple[World, World]) -> None:

    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    EvidenceFileFactory.create(evidence=evidence, state="uploaded", original_name="video.mp4")
    response = _post(own.apprentice, evidence, "submit", {"expected_version": 1})
    assert response.status_code == 400
    assert "'video.mp4' is still being uploaded or checked" in response.json()["details"]["files"][0]


@pytest.mark.parametrize(("who", "action"), [("line_manager", "confirm"), ("assessor", "accept"), ("tutor", "return"),
                                             ("apprentice", "withdraw"), ("iqa", "decisions")])  # fmt: skip
def test_another_organisations_people_get_404(worlds: tuple[World, World], who: str, action: str) -> None:
    own, other = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    client = _as(getattr(other, who))
    if action == "decisions":
        response = client.get(f"/api/evidence/{evidence.public_id}/decisions/")
    else:
        body = {"expected_version": 1, "comment": "x", "tags": [{"statement": "K1", "accepted": True}]}
        response = client.post(f"/api/evidence/{evidence.public_id}/{action}/", body, format="json")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "details": {}}


def test_bulk_confirm_reports_conflicts_and_confirms_the_rest(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    fresh = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    stale = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    seen = stale.version  # the version the line manager saw before the mentor returned it
    assert _post(own.mentor, stale, "return", {"expected_version": seen, "comment": "Add a date."}).status_code == 200
    queue = _as(own.line_manager).get("/api/reviews/queue/confirmation/").json()
    assert [item["id"] for item in queue["results"]] == [str(fresh.public_id)]
    response = _as(own.line_manager).post(
        "/api/reviews/queue/confirmation/bulk-confirm/",
        {"items": [{"evidence": str(fresh.public_id), "expected_version": fresh.version},
                   {"evidence": str(stale.public_id), "expected_version": seen}]},
        format="json",
    )  # fmt: skip
    body = response.json()
    assert (response.status_code, body["done"], body["failed"]) == (200, 1, 1)
    assert [r["outcome"] for r in body["results"]] == ["done", "conflict"]
    # The item confirmed is answered as it now is: the version to send with its next decision.
    assert (body["results"][0]["state"], body["results"][0]["version"]) == ("confirmed", fresh.version + 1)
    assert body["results"][1]["details"]["current_state"] == "returned"
    returned = _as(own.apprentice).get("/api/reviews/queue/returned/").json()["results"]
    assert [(r["id"], r["return_comment"]) for r in returned] == [(str(stale.public_id), "Add a date.")]


def test_behaviours_and_policy_through_the_api(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    StatementFactory.create(standard=own.standard, code="B1")
    url = f"/api/apprenticeships/{own.apprenticeship.public_id}/behaviours/"
    response = _as(own.mentor).post(url, {"statements": ["B1", "B4"], "confirmed_on": "2025-10-01", "comment": "x"})
    assert response.status_code == 400
    assert "B4" in str(response.json()["details"]["statements"])
    response = _as(own.mentor).post(url, {"statements": ["B1"], "confirmed_on": "2025-10-01", "comment": "Reliable."})
    assert response.status_code == 201
    [listed] = _as(own.tutor).get(url).json()["results"]
    assert (listed["statement"], listed["confirmed"]) == ("B1", True)
    withdraw = f"{url}{response.json()[0]['id']}/withdraw/"
    assert _as(own.line_manager).post(withdraw).json()["withdrawn_at"] is not None

    policy_url = f"/api/organisations/{own.provider.public_id}/review-policy/"
    assert _as(own.admin).get(policy_url).json()["require_employer_confirmation"] is True
    response = _as(own.admin).patch(policy_url, {"require_provider_acceptance": False}, format="json")
    assert response.json()["require_provider_acceptance"] is False
    assert _as(own.admin).get(f"/api/organisations/{own.employer.public_id}/review-policy/").status_code == 404


@pytest.mark.parametrize("codes", [("K1",), ("K1", "K2", "S1", "S2")], ids=["one-tag", "four-tags"])
def test_confirm_and_accept_take_a_fixed_number_of_queries(
    worlds: tuple[World, World], django_assert_max_num_queries: Any, codes: tuple[str, ...]
) -> None:
    """The two writes of the busy hour read and write a fixed number of times, whatever the number of tags: the
    item scoped, locked and fingerprinted, the role and policy, the decision, tags, audit, notification and mail, the
    answer's item, tags and verdicts (the person is signed in already; a transaction's savepoint and release)."""
    own, _ = worlds
    ContentType.objects.get_for_model(Evidence)  # the audit's content type, cached per process after its first read
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted", tags=codes)
    with django_assert_max_num_queries(CONFIRM_QUERIES):
        response = _post(own.line_manager, evidence, "confirm", {"expected_version": evidence.version})
    assert response.status_code == 200, response.json()
    verdicts = [{"statement": code, "accepted": True} for code in codes]
    with django_assert_max_num_queries(ACCEPT_QUERIES):
        response = _post(own.assessor, evidence, "accept", {"expected_version": evidence.version + 1, "tags": verdicts})
    assert response.status_code == 200, response.json()
    assert [tag["state"] for tag in response.json()["evidence"]["tags"]] == ["accepted"] * len(codes)
