"""The OTJ API: log, change, delete, decide (one by one and in bulk), the queue, the figures, minimums and
breaks; refusals in the error shape with the field named; a retried create creates once; other organisations
get 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portfolio.otj.models import OtjActivity, OtjMinimum
from tests.factories import World, build_world
from tests.otj.helpers import D, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds() -> tuple[World, World]:
    return build_world()


def _body(**overrides: Any) -> dict[str, Any]:
    body = {"date": "2025-10-06", "start_time": "09:00", "minutes": 90, "activity_type": "shadowing",
            "description": "Shadowed the line producer."}  # fmt: skip
    body.update(overrides)
    return body


def _post(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, body, content_type="application/json", headers=headers)


def test_log_list_change_and_delete(client: Client, worlds: Any) -> None:
    own, _ = worlds
    client.force_login(own.apprentice)
    url = f"/api/apprenticeships/{own.apprenticeship.public_id}/otj/"
    created = _post(client, url, _body())
    assert created.status_code == 201, created.content
    entry = created.json()
    assert (entry["state"], entry["minutes"], entry["start_time"], entry["version"]) == ("pending", 90, "09:00", 1)
    assert entry["logged_by"]["id"] == str(own.apprentice.public_id)
    assert [e["id"] for e in client.get(url).json()["results"]] == [entry["id"]]
    detail = f"/api/otj/{entry['id']}/"
    changed = client.patch(detail, {"minutes": 60, "expected_version": 1}, content_type="application/json")
    assert (changed.status_code, changed.json()["minutes"], changed.json()["version"]) == (200, 60, 2)
    stale = client.patch(detail, {"minutes": 30, "expected_version": 1}, content_type="application/json")
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    assert client.delete(detail).status_code == 204
    assert not OtjActivity.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"minutes": 0}, "minutes", "Ensure this value is greater than or equal to 1."),
        ({"minutes": 1441}, "minutes", "Ensure this value is less than or equal to 1440."),
        ({"date": "2099-01-01"}, "date", "1 Jan 2099 at 09:00 is in the future"),
        ({"date": "2025-08-31"}, "date", "31 Aug 2025 is before the apprenticeship started"),
        ({"start_time": "08:30"}, "start_time", "This overlaps the taught session logged for 6 Oct 2025"),
        ({"activity_type": "napping"}, "activity_type", '"napping" is not a valid choice.'),
    ],
)
def test_refusals_name_the_field_and_save_nothing(
    client: Client, worlds: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    own, _ = worlds
    log(own, at="09:00", minutes=60)
    client.force_login(own.apprentice)
    response = _post(client, f"/api/apprenticeships/{own.apprenticeship.public_id}/otj/", _body(**overrides))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert message in body["details"][field][0]
    assert OtjActivity.objects.count() == 1


def test_the_24_hour_day_over_the_api(client: Client, worlds: Any) -> None:
    own, _ = worlds
    log(own, at="00:00", minutes=23 * 60)
    client.force_login(own.apprentice)
    response = _post(
        client, f"/api/apprenticeships/{own.apprenticeship.public_id}/otj/", _body(start_time="23:00", minutes=120)
    )
    assert response.status_code == 400
    assert response.json()["details"]["minutes"][0].startswith("6 Oct 2025 would have 25 h of off-the-job training")


def test_a_retried_create_creates_once(client: Client, worlds: Any) -> None:
    own, _ = worlds
    client.force_login(own.apprentice)
    url = f"/api/apprenticeships/{own.apprenticeship.public_id}/otj/"
    first = _post(client, url, _body(), **{"Idempotency-Key": "otj-1"})
    again = _post(client, url, _body(), **{"Idempotency-Key": "otj-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert OtjActivity.objects.count() == 1
    # Without the key the same body is a second request, refused as an overlap.
    assert _post(client, url, _body()).status_code == 400


def test_decisions_and_their_refusals(client: Client, worlds: Any) -> None:
    own, _ = worlds
    entry = log(own)
    client.force_login(own.apprentice)
    assert _post(client, f"/api/otj/{entry.public_id}/approve/", {}).status_code == 403
    client.force_login(own.tutor)
    declined = _post(client, f"/api/otj/{entry.public_id}/decline/", {"comment": ""})
    assert (declined.status_code, declined.json()["details"]) == (
        400, {"comment": ["Write a comment saying why it is declined: the apprentice reads it."]},
    )  # fmt: skip
    approved = _post(client, f"/api/otj/{entry.public_id}/approve/", {"expected_version": 1})
    assert (approved.status_code, approved.json()["state"], approved.json()["decided_by"]["id"]) == (
        200, "approved", str(own.tutor.public_id),
    )  # fmt: skip
    twice = _post(client, f"/api/otj/{entry.public_id}/approve/", {})
    assert (twice.status_code, twice.json()["code"]) == (409, "wrong_state")
    reversed_ = _post(client, f"/api/otj/{entry.public_id}/reverse/", {"comment": "Logged twice."})
    assert (reversed_.status_code, reversed_.json()["state"]) == (200, "declined")
    client.force_login(own.apprentice)
    final = client.patch(f"/api/otj/{entry.public_id}/", {"minutes": 30}, content_type="application/json")
    assert (final.status_code, final.json()["code"]) == (409, "wrong_state")


def test_queue_and_bulk_approval(client: Client, worlds: Any) -> None:
    own, other = worlds
    entries = [log(own, on=D(2025, 10, day)) for day in (6, 7)]
    theirs = log(other)
    client.force_login(own.assessor)
    queue = client.get("/api/otj/queue/").json()["results"]
    assert [e["id"] for e in queue] == [str(e.public_id) for e in entries]
    by_tutor = client.get("/api/otj/queue/", {"tutor": str(own.tutor.public_id)}).json()["results"]
    assert by_tutor == []  # nobody is this apprenticeship's tutor yet
    body = {"items": [{"activity": str(e.public_id), "expected_version": 1} for e in entries]}
    body["items"].append({"activity": str(theirs.public_id)})
    result = _post(client, "/api/otj/queue/bulk-approve/", body).json()
    assert (result["done"], result["failed"]) == (2, 1)
    assert [r["outcome"] for r in result["results"]] == ["done", "done", "not_found"]
    client.force_login(own.apprentice)
    assert client.get("/api/otj/queue/").status_code == 403


def test_the_summary_speaks_in_minutes(client: Client, worlds: Any) -> None:
    own, _ = worlds
    client.force_login(own.admin)
    client.patch(
        f"/api/apprenticeships/{own.apprenticeship.public_id}/",
        {"otj_planned_hours": 400, "rpl_hours": 20, "rpl_reason": "Prior certificate."},
        content_type="application/json",
    )
    set_minimum = _post(
        client, f"/api/organisations/{own.provider.public_id}/otj-minimums/",
        {"standard": str(own.standard.public_id), "minimum_hours": 278},
    )  # fmt: skip
    assert set_minimum.status_code == 200
    assert set_minimum.json() == [
        {"standard": {"id": str(own.standard.public_id), "reference": own.standard.reference, "version": "2.0",
                      "title": "Test standard"}, "minimum_hours": 278, "apprenticeships": 1},
    ]  # fmt: skip
    summary = client.get(f"/api/apprenticeships/{own.apprenticeship.public_id}/otj/summary/").json()
    assert (summary["required_minutes"], summary["to_go_minutes"], summary["rpl_hours"]) == (258 * 60, 258 * 60, 20)
    assert (summary["planned_hours"], summary["tolerance"], summary["minimum_met"]) == (400, "0.100", False)
    assert summary["months_without_activity"][0] == "2025-09"
    assert OtjMinimum.objects.get().minimum_hours == 278


def test_breaks_over_the_api(client: Client, worlds: Any) -> None:
    own, _ = worlds
    client.force_login(own.admin)
    url = f"/api/apprenticeships/{own.apprenticeship.public_id}/breaks/"
    started = _post(client, url, {"started_on": "2026-01-05", "reason": "Illness"}, **{"Idempotency-Key": "b1"})
    assert started.status_code == 201
    again = _post(client, url, {"started_on": "2026-01-05", "reason": "Illness"}, **{"Idempotency-Key": "b1"})
    assert again.status_code == 201  # the retry gets the first answer
    refused = _post(client, url, {"started_on": "2026-02-01"})
    assert refused.json()["details"] == {"started_on": ["A break is already open: record its end first."]}
    ended = _post(client, f"{url}end/", {"ended_on": "2026-01-31"})
    assert ended.json() == {**started.json(), "ended_on": "2026-01-31"}
    assert client.get(f"/api/apprenticeships/{own.apprenticeship.public_id}/").json()["status"] == "in_learning"


def test_another_organisation_gets_404(client: Client, worlds: Any) -> None:
    own, other = worlds
    entry = log(own)
    for user in (other.apprentice, other.line_manager, other.tutor, other.admin):
        client.force_login(user)
        assert client.get(f"/api/apprenticeships/{own.apprenticeship.public_id}/otj/").status_code == 404
        assert client.get(f"/api/apprenticeships/{own.apprenticeship.public_id}/otj/summary/").status_code == 404
        assert client.get(f"/api/otj/{entry.public_id}/").status_code == 404
        assert _post(client, f"/api/otj/{entry.public_id}/decline/", {"comment": "No."}).status_code == 404
        assert client.get(f"/api/organisations/{own.provider.public_id}/otj-minimums/").status_code == 404
    assert OtjActivity.objects.get().state == "pending"
