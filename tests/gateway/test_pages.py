"""The gateway pages: the checklist, ticks, both signatures and the referral from the page; the provider admin's
settings; what the start, progress and cohort pages say about the gateway."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from portfolio.coverage.models import CoverageSummary
from portfolio.coverage.services.compute import coverage_recompute, coverage_recompute_dirty
from portfolio.gateway.models import AssessmentReferral, GatewayPolicy, GatewaySignature, ManualGate, ManualGateTick
from portfolio.gateway.services.policy import manual_gate_create
from tests.gateway.helpers import gate_world, log_otj, set_apprenticeship

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_signing_ticking_and_referring_from_the_gateway_page(client: Client) -> None:
    g = gate_world()
    w, a = g.world, g.a
    gate = manual_gate_create(actor=w.admin, provider=w.provider, name="Mandatory qualification achieved")
    coverage_recompute(apprenticeship_ids=[a.pk])
    url = f"/gateway/{a.public_id}/"

    client.force_login(w.tutor)
    html = _page(client, url)
    assert "Not ready for gateway" in html
    assert "0 of 1 ticked: Mandatory qualification achieved still to tick." in html
    empty = client.post(url, {"action": "tick", "gate": str(gate.public_id), "note": " "})
    assert empty.status_code == 200
    assert "There is a problem" in empty.content.decode()
    assert not ManualGateTick.objects.exists()
    done = client.post(url, {"action": "tick", "gate": str(gate.public_id), "note": "Certificate 4471 seen"})
    assert done.status_code == 302
    coverage_recompute_dirty()

    client.force_login(w.line_manager)
    html = _page(client, url)
    assert "Ready for gateway" in html
    assert "For the employer, I confirm that" in html
    unticked = client.post(url, {"action": "sign", "side": "employer"})
    assert "Tick the box to confirm you sign the declaration." in unticked.content.decode()
    assert client.post(url, {"action": "sign", "side": "employer", "confirm": "on"}).status_code == 302
    assert "You signed the gateway declaration" in _page(client, url)
    assert "Sign the declaration" not in _page(client, url)  # signed: the form is gone

    client.force_login(w.assessor)
    assert client.post(url, {"action": "sign", "side": "provider", "confirm": "on"}).status_code == 302
    html = _page(client, url)
    assert "Gateway signed" in html
    client.post(url, {"action": "refer", "assessment_organisation": ""})
    assert not AssessmentReferral.objects.exists()
    client.post(url, {"action": "refer", "assessment_organisation": "Acme EPA", "note": "Booked for June"})
    assert "With <strong>Acme EPA</strong>" in _page(client, url)
    assert CoverageSummary.objects.get(apprenticeship=a).state == "with_assessment_organisation"
    assert GatewaySignature.objects.filter(invalidated_at__isnull=True).count() == 2

    client.force_login(w.apprentice)
    html = _page(client, url)
    assert "With the assessment organisation" in html
    assert 'value="sign"' not in html and 'value="tick"' not in html  # noqa: PT018 - neither form for them
    assert client.post(url, {"action": "sign", "side": "employer", "confirm": "on"}).status_code == 403


def test_a_refusal_is_shown_on_the_page(client: Client) -> None:
    g = gate_world(minimum_hours=300, approved_minutes=60)
    coverage_recompute(apprenticeship_ids=[g.a.pk])
    client.force_login(g.world.line_manager)
    response = client.post(f"/gateway/{g.a.public_id}/", {"action": "sign", "side": "employer", "confirm": "on"},
                           follow=True)  # fmt: skip
    assert "Not ready for gateway yet, so there is nothing to sign." in response.content.decode()
    assert not GatewaySignature.objects.exists()


def test_the_admin_sets_the_gates_and_manual_gates_from_the_settings_page(client: Client) -> None:
    g = gate_world()
    client.force_login(g.world.admin)
    html = _page(client, "/")
    assert 'href="/settings/gateway/"' in html
    html = _page(client, "/settings/gateway/")
    assert "Gateway settings: " + g.world.provider.name in html
    form = {"coverage_gate": "on", "behaviours_gate": "on", "otj_gate": "on", "english_maths_gate": "on",
            "minimum_practical_months": "0", "otj_tolerance_percent": "15"}  # fmt: skip
    bad = client.post("/settings/gateway/", form)
    assert "There is a problem" in bad.content.decode()
    assert not GatewayPolicy.objects.filter(provider=g.world.provider).exists()
    assert client.post("/settings/gateway/", {**form, "minimum_practical_months": "12"}).status_code == 302
    policy = GatewayPolicy.objects.get(provider=g.world.provider)
    assert (policy.practical_period_gate, policy.minimum_practical_months, policy.otj_tolerance_percent) == (
        False, 12, 15
    )  # fmt: skip
    coverage_recompute_dirty()
    assert CoverageSummary.objects.get(apprenticeship=g.a).gates["practical_period"]["enabled"] is False

    client.post("/settings/gateway/", {"action": "add_gate", "name": "Mandatory qualification achieved"})
    duplicate = client.post("/settings/gateway/", {"action": "add_gate", "name": "mandatory qualification achieved"})
    assert "already has a manual gate" in duplicate.content.decode()
    gate = ManualGate.objects.get()
    confirm = _page(client, f"/settings/gateway/gates/{gate.public_id}/retire/")
    assert "Retire the manual gate “Mandatory qualification achieved”?" in confirm
    assert ManualGate.objects.get().is_active is True  # asking retires nothing
    client.post(f"/settings/gateway/gates/{gate.public_id}/retire/")
    assert ManualGate.objects.get().is_active is False


def test_start_pages_say_gateway_to_sign_and_to_refer(client: Client) -> None:
    g = gate_world()
    coverage_recompute(apprenticeship_ids=[g.a.pk])
    name = g.a.apprentice.display_name
    client.force_login(g.world.mentor)
    html = _page(client, "/")
    assert "Gateway to sign" in html
    assert f'<a href="/gateway/{g.a.public_id}/">Sign the gateway of {name}</a>' in html
    client.force_login(g.world.assessor)
    assert f"Sign the gateway of {name}" in _page(client, "/")
    client.force_login(g.world.admin)  # an admin who is not an assessor or tutor does not sign
    assert f"Sign the gateway of {name}" not in _page(client, "/")
    client.force_login(g.world.line_manager)
    client.post(f"/gateway/{g.a.public_id}/", {"action": "sign", "side": "employer", "confirm": "on"})
    assert f"Sign the gateway of {name}" not in _page(client, "/")
    client.force_login(g.world.assessor)
    client.post(f"/gateway/{g.a.public_id}/", {"action": "sign", "side": "provider", "confirm": "on"})
    assert f"Refer {name} to the assessment organisation" in _page(client, "/")


def test_progress_and_cohort_explain_and_filter_by_the_gates(client: Client) -> None:
    g = gate_world(minimum_hours=300, approved_minutes=0)
    set_apprenticeship(
        g.a, rpl_hours=22, rpl_reason="Level 2 certificate in the same field",
        start_date=datetime.date(2026, 1, 1), planned_end_date=datetime.date(2027, 1, 1),
    )  # fmt: skip
    log_otj(g.a, 212 * 60)  # approved, from the new start
    coverage_recompute(apprenticeship_ids=[g.a.pk], today=datetime.date(2026, 7, 2))
    client.force_login(g.world.tutor)
    html = _page(client, f"/progress/{g.a.public_id}/")
    assert "Not ready for gateway yet" in html
    assert "OTJ 212 h of 278 h approved (300 h minimum less 22 h recognised prior learning): 66 h to go." in html
    assert "Practical period: 6 of 8 months." in html
    assert f'href="/gateway/{g.a.public_id}/"' in html
    name = g.a.apprentice.display_name
    assert name in _page(client, "/cohort/?blocked_by=otj")
    assert name in _page(client, "/cohort/?blocked_by=practical_period&state=not_ready")
    assert name not in _page(client, "/cohort/?blocked_by=english_maths")
    assert name not in _page(client, "/cohort/?otj=behind")  # 212 h approved; expected 182 / 365 of 400 h: 199 h
    csv = client.get("/cohort/?format=csv")
    body = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    assert "held back by" in body.splitlines()[0]
    assert "Off-the-job training hours; Minimum practical period" in body
