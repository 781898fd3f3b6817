"""The gateway endpoints: the explained checklist, signing (with an Idempotency-Key), manual ticks, the referral,
the provider's settings and manual gates, the coverage API's gates and the cohort's gateway filters."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from portfolio.coverage.models import CoverageDirty
from portfolio.coverage.services.compute import coverage_recompute, coverage_recompute_dirty
from portfolio.gateway.models import GatewayPolicy, GatewaySignature, ManualGate
from portfolio.otj.models import OtjActivity
from tests.factories import ApprenticeshipFactory
from tests.gateway.helpers import gate_world, log_otj, set_apprenticeship

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_the_checklist_explains_each_gate_and_what_the_viewer_may_do(client: Client) -> None:
    g = gate_world(minimum_hours=300, approved_minutes=212 * 60)
    set_apprenticeship(g.a, rpl_hours=22, rpl_reason="Level 2 certificate in the same field")
    coverage_recompute(apprenticeship_ids=[g.a.pk])
    client.force_login(g.world.line_manager)
    body = client.get(f"/api/apprenticeships/{g.a.public_id}/gateway/").json()
    assert (body["state"], body["state_label"], body["ready"], body["blocking"]) == (
        "not_ready", "Not ready for gateway", False, ["otj"]
    )  # fmt: skip
    otj = next(gate for gate in body["gates"] if gate["key"] == "otj")
    assert otj["explanation"].startswith("OTJ 212 h of 278 h approved")
    assert otj["explanation"].endswith(": 66 h to go.")
    assert (otj["figures"]["approved_minutes"], otj["figures"]["required_minutes"]) == (12720, 16680)
    assert [gate["key"] for gate in body["gates"]] == [
        "coverage", "behaviours_confirmed", "otj", "practical_period", "english_maths", "manual"
    ]  # fmt: skip
    assert body["signatures"] == {"employer": None, "provider": None}
    assert body["declarations"]["employer"].startswith("For the employer, I confirm that")
    assert (body["can_sign"], body["can_tick"], body["can_refer"]) == ([], False, False)  # not ready: nothing to sign


def test_signing_through_the_api_once_with_a_retried_request(client: Client) -> None:
    g = gate_world()
    coverage_recompute(apprenticeship_ids=[g.a.pk])
    url = f"/api/apprenticeships/{g.a.public_id}/gateway/signatures/"
    client.force_login(g.world.line_manager)
    assert client.get(f"/api/apprenticeships/{g.a.public_id}/gateway/").json()["can_sign"] == ["employer"]
    first = _post(client, url, {"side": "employer"}, **{"Idempotency-Key": "sign-1"})
    assert first.status_code == 201
    again = _post(client, url, {"side": "employer"}, **{"Idempotency-Key": "sign-1"})
    assert (again.status_code, again.headers.get("Idempotent-Replayed"), again.json()) == (201, "true", first.json())
    assert GatewaySignature.objects.count() == 1
    twice = _post(client, url, {"side": "employer"})
    assert (twice.status_code, twice.json()["code"]) == (409, "already_signed")
    assert _post(client, url, {"side": "nobody"}).status_code == 400

    client.force_login(g.world.assessor)
    signed = _post(client, url, {"side": "provider"}).json()
    assert len(signed["fingerprint"]) == 64
    status = client.get(f"/api/apprenticeships/{g.a.public_id}/gateway/").json()
    assert (status["state"], status["can_refer"]) == ("gateway_signed", True)
    assert status["signatures"]["employer"]["signed_by"]["email"] == g.world.line_manager.email
    referral = _post(client, f"/api/apprenticeships/{g.a.public_id}/gateway/referral/", {"assessment_organisation": ""})
    assert (referral.status_code, list(referral.json()["details"])) == (400, ["assessment_organisation"])
    referral = _post(
        client, f"/api/apprenticeships/{g.a.public_id}/gateway/referral/", {"assessment_organisation": "Acme EPA"}
    )
    assert referral.status_code == 201
    events = client.get(f"/api/apprenticeships/{g.a.public_id}/readiness-events/").json()["results"]
    assert [(e["state"], e["previous_state"], e["type"]) for e in events][:2] == [
        ("with_assessment_organisation", "gateway_signed", "readiness.with_assessment_organisation"),
        ("gateway_signed", "ready", "readiness.gateway_signed"),
    ]


def test_manual_gates_set_by_the_admin_and_ticked_by_staff(client: Client) -> None:
    g = gate_world()
    provider = g.world.provider.public_id
    client.force_login(g.world.admin)
    created = _post(client, f"/api/organisations/{provider}/manual-gates/", {"name": "  Mandatory   qualification "})
    assert (created.status_code, created.json()["name"]) == (201, "Mandatory qualification")
    duplicate = _post(client, f"/api/organisations/{provider}/manual-gates/", {"name": "mandatory QUALIFICATION"})
    assert (duplicate.status_code, list(duplicate.json()["details"])) == (400, ["name"])
    gate_id = created.json()["id"]
    # Every apprentice of the provider is marked in the same transaction, and recomputed in batches.
    assert CoverageDirty.objects.filter(apprenticeship=g.a).exists()
    coverage_recompute_dirty()

    client.force_login(g.world.tutor)
    url = f"/api/apprenticeships/{g.a.public_id}/gateway/ticks/"
    empty = _post(client, url, {"gate": gate_id, "note": "   "})
    assert (empty.status_code, list(empty.json()["details"])) == (400, ["note"])
    tick = _post(client, url, {"gate": gate_id, "note": "Level 3 certificate 4471 seen"})
    assert tick.status_code == 201
    coverage_recompute_dirty()
    manual = client.get(f"/api/apprenticeships/{g.a.public_id}/coverage/").json()["summary"]["gates"]["manual"]
    assert (manual["ticked"], manual["passed"]) == (1, True)
    withdrawn = _post(client, f"{url}{tick.json()['id']}/withdraw/", {})
    assert withdrawn.json()["withdrawn_by"]["email"] == g.world.tutor.email

    client.force_login(g.world.admin)
    retired = _patch(client, f"/api/organisations/{provider}/manual-gates/{gate_id}/", {"active": False})
    assert (retired.status_code, retired.json()["active"]) == (200, False)
    listed = client.get(f"/api/organisations/{provider}/manual-gates/").json()["results"]
    assert [(row["name"], row["active"]) for row in listed] == [("Mandatory qualification", False)]
    assert (
        _patch(client, f"/api/organisations/{provider}/manual-gates/{gate_id}/", {"name": "Again"}).status_code == 400
    )
    assert ManualGate.objects.count() == 1


def test_the_gateway_policy_patch_checks_its_figures_and_recomputes_the_provider(client: Client) -> None:
    g = gate_world()
    url = f"/api/organisations/{g.world.provider.public_id}/gateway-policy/"
    client.force_login(g.world.admin)
    body = client.get(url).json()
    assert {key: value for key, value in body.items() if key != "updated_at"} == {
        "coverage_gate": True, "behaviours_gate": True, "otj_gate": True, "practical_period_gate": True,
        "minimum_practical_months": 8, "english_maths_gate": True, "otj_tolerance_percent": 10,
    }  # fmt: skip
    assert not GatewayPolicy.objects.filter(provider=g.world.provider).exists()  # reading creates nothing
    bad = _patch(client, url, {"minimum_practical_months": 0, "otj_tolerance_percent": 101})
    assert (bad.status_code, sorted(bad.json()["details"])) == (
        400,
        ["minimum_practical_months", "otj_tolerance_percent"],
    )
    coverage_recompute_dirty()
    assert _patch(client, url, {"minimum_practical_months": 12}).json()["minimum_practical_months"] == 12
    assert CoverageDirty.objects.filter(apprenticeship=g.a).exists()
    coverage_recompute_dirty(today=datetime.date(2026, 7, 2))
    coverage = client.get(f"/api/apprenticeships/{g.a.public_id}/coverage/").json()["summary"]
    assert (coverage["state"], coverage["blocking"]) == ("not_ready", ["practical_period"])
    check = next(row for row in coverage["checklist"] if row["key"] == "practical_period")
    assert check["explanation"] == "Practical period: 10 of 12 months."
    review = _patch(client, f"/api/organisations/{g.world.provider.public_id}/review-policy/",
                    {"require_behaviours_confirmed": False})  # fmt: skip
    assert review.status_code == 400
    assert "gateway-policy" in review.json()["details"]["require_behaviours_confirmed"][0]


def test_the_cohort_filters_by_state_blocking_gate_otj_behind_and_idle(client: Client) -> None:
    g = gate_world()  # ready; planned 400 h from 1 Sep 2025: expected by 2 July 2026 is 167 h; 300 h approved
    slow = ApprenticeshipFactory.create(
        provider=g.world.provider, employer=g.world.employer, standard=g.catalogue.standard
    )
    set_apprenticeship(slow, otj_planned_hours=400, date_of_birth=datetime.date(2000, 1, 1))
    log_otj(slow, 60, state=OtjActivity.State.APPROVED, on=datetime.date(2026, 6, 10))
    coverage_recompute(apprenticeship_ids=[g.a.pk, slow.pk], today=datetime.date(2026, 7, 2))
    client.force_login(g.world.tutor)

    def ids(query: str) -> set[str]:
        return {row["id"] for row in client.get(f"/api/cohort/?{query}").json()["results"]}

    ready, behind = str(g.a.public_id), str(slow.public_id)
    assert ids("state=ready") == {ready}
    assert ids("state=not_ready") == {behind}
    assert ids("blocked_by=otj") == {behind}
    assert ids("blocked_by=english_maths") == set()
    assert ids("behind_on_otj=true") == {behind}
    assert ids("behind_on_otj=false") == {ready}
    assert ids("no_activity_last_month=true") == {ready}  # its OTJ is dated 2025; the slow one logged in June
    assert ids("no_activity_last_month=false") == {behind}
    assert client.get("/api/cohort/?blocked_by=nothing").status_code == 400
    row = next(r for r in client.get("/api/cohort/").json()["results"] if r["id"] == behind)
    assert (row["state"], "otj" in row["blocking"], row["gates"]["otj"]["behind"]) == ("not_ready", True, True)
