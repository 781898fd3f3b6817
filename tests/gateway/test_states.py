"""The readiness states (portfolio/coverage/readiness_states.py) through the gateway services: not ready -> ready for
gateway -> signed by both sides -> with the assessment organisation, each change one event with its causes, and a
later change that breaks a gate invalidating the signatures and the referral."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portfolio.audit.models import AuditEntry
from portfolio.core.errors import Conflict
from portfolio.coverage.models import CoverageSummary, ReadinessEvent
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.gateway.models import AssessmentReferral, GatewaySignature
from portfolio.gateway.services.signatures import gateway_refer, gateway_sign, gateway_snapshot
from portfolio.notify.models import Notification
from portfolio.people.models import Apprenticeship
from portfolio.reviews.fingerprint import fingerprint_of
from portfolio.webhooks.models import WebhookDelivery
from portfolio.webhooks.services import webhook_endpoint_create
from tests.factories import BehaviourConfirmationFactory, MembershipFactory, ProviderFactory
from tests.gateway.helpers import gate_world, gates_of, log_otj, withdraw_behaviour

pytestmark = pytest.mark.django_db
EMPLOYER, PROVIDER = GatewaySignature.Side.EMPLOYER, GatewaySignature.Side.PROVIDER


def _events(a: Apprenticeship) -> list[tuple[str, str, list[str]]]:
    events = ReadinessEvent.objects.filter(apprenticeship=a).order_by("sequence")
    return list(events.values_list("previous_state", "state", "causes"))


def test_the_whole_way_from_ready_to_the_assessment_organisation_and_back() -> None:
    g = gate_world()
    w, a = g.world, g.a
    webhook_endpoint_create(actor=w.admin, provider=w.provider, url="https://example.org/hook")
    assert gates_of(a).state == ReadinessState.READY
    assert _events(a) == [("not_ready", "ready", [])]

    employer = gateway_sign(actor=w.line_manager, apprenticeship=a, side=EMPLOYER)
    assert CoverageSummary.objects.get(apprenticeship=a).state == ReadinessState.READY  # one signature: still ready
    assert (employer.signer_role, employer.invalidated_at) == ("line_manager", None)
    # The fingerprint is the review decisions' digest of the snapshot: coverage, the OTJ total and every gate.
    assert employer.fingerprint == fingerprint_of(employer.snapshot)
    assert employer.snapshot["otj_approved_minutes"] == 300 * 60
    assert employer.snapshot["gates"]["practical_period"]["months"] >= 8
    assert (employer.snapshot["covered"], employer.snapshot["mapped"]) == (6, 6)

    provider = gateway_sign(actor=w.assessor, apprenticeship=a, side=PROVIDER)
    assert provider.signer_role == "assessor"
    assert CoverageSummary.objects.get(apprenticeship=a).state == ReadinessState.SIGNED
    assert _events(a)[-1] == ("ready", "gateway_signed", ["signatures"])
    signed = ReadinessEvent.objects.get(apprenticeship=a, state="gateway_signed")
    assert (signed.ready, signed.kind) == (True, "readiness.gateway_signed")
    assert {s["side"] for s in signed.coverage["signatures"]} == {"employer", "provider"}
    own = Notification.objects.get(recipient=w.apprentice, kind="readiness.gateway_signed")
    assert own.title.startswith("Your gateway is signed")
    delivery = WebhookDelivery.objects.get(event="readiness.gateway_signed")
    assert (delivery.payload["state"], delivery.payload["previous_state"]) == ("gateway_signed", "ready")

    referral = gateway_refer(actor=w.tutor, apprenticeship=a, assessment_organisation="  Acme   EPA  ", note="Booked")
    assert referral.assessment_organisation == "Acme EPA"
    assert gates_of(a).state == ReadinessState.WITH_ASSESSMENT_ORGANISATION
    assert _events(a)[-1] == ("gateway_signed", "with_assessment_organisation", ["referral"])

    # More OTJ after signing changes no gate's verdict: the signatures stand.
    log_otj(a, 120)
    assert gates_of(a).state == ReadinessState.WITH_ASSESSMENT_ORGANISATION
    assert GatewaySignature.objects.filter(apprenticeship=a, invalidated_at__isnull=True).count() == 2

    # A behaviour withdrawn breaks a gate: not ready, the signatures and the referral invalidated, with the gate.
    withdraw_behaviour(apprenticeship=a, statement=g.catalogue.statements["B1"], by=w.mentor)
    summary = gates_of(a)
    assert (summary.state, summary.ready, summary.blocking) == ("not_ready", False, ["behaviours_confirmed"])
    assert _events(a)[-1] == ("with_assessment_organisation", "not_ready", ["behaviours_confirmed"])
    ended: list[Any] = [*GatewaySignature.objects.filter(apprenticeship=a)]
    ended += AssessmentReferral.objects.filter(apprenticeship=a)
    assert len(ended) == 3
    for row in ended:
        assert (row.invalidation_reason, row.invalidated_gates) == ("gate_failed", ["behaviours_confirmed"])
        assert row.invalidated_at == ReadinessEvent.objects.get(apprenticeship=a, state="not_ready").occurred_at
    assert summary.ready_since is None

    # Mended: ready again, but not signed: the declaration must be signed afresh.
    BehaviourConfirmationFactory.create(apprenticeship=a, statement=g.catalogue.statements["B1"], confirmed_by=w.mentor)
    assert gates_of(a).state == ReadinessState.READY
    assert _events(a)[-1] == ("not_ready", "ready", ["behaviours_confirmed"])
    assert [event.sequence for event in ReadinessEvent.objects.filter(apprenticeship=a).order_by("sequence")] == [
        1, 2, 3, 4, 5
    ]  # fmt: skip
    gateway_sign(actor=w.mentor, apprenticeship=a, side=EMPLOYER)
    assert GatewaySignature.objects.filter(apprenticeship=a, side=EMPLOYER).count() == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"gateway.signed", "gateway.referred"} <= actions


def test_signing_is_refused_while_a_gate_stands_and_says_which() -> None:
    g = gate_world(minimum_hours=300, approved_minutes=60)
    with pytest.raises(Conflict) as refused:
        gateway_sign(actor=g.world.line_manager, apprenticeship=g.a, side=EMPLOYER)
    assert refused.value.code == "not_ready"
    assert refused.value.details == {"blocking": ["otj"]}
    assert "OTJ 1 h of 300 h approved: 299 h to go." in refused.value.message
    assert not GatewaySignature.objects.exists()


def test_a_gate_broken_just_before_signing_is_seen_by_the_signature() -> None:
    # The change is committed and marked, but no recompute has run: the service computes before it signs.
    g = gate_world()
    assert gates_of(g.a).state == ReadinessState.READY
    withdraw_behaviour(apprenticeship=g.a, statement=g.catalogue.statements["B2"], by=g.world.line_manager)
    with pytest.raises(Conflict):
        gateway_sign(actor=g.world.line_manager, apprenticeship=g.a, side=EMPLOYER)


def test_who_may_sign_and_refer() -> None:
    g = gate_world()
    w, a = g.world, g.a
    gates_of(a)
    for person, side in [(w.apprentice, EMPLOYER), (w.assessor, EMPLOYER), (w.line_manager, PROVIDER),
                         (w.admin, PROVIDER), (w.iqa, PROVIDER)]:  # fmt: skip
        with pytest.raises(PermissionDenied):
            gateway_sign(actor=person, apprenticeship=a, side=side)
    with pytest.raises(ValidationError):
        gateway_sign(actor=w.assessor, apprenticeship=a, side="apprentice")
    gateway_sign(actor=w.line_manager, apprenticeship=a, side=EMPLOYER)
    with pytest.raises(Conflict) as twice:
        gateway_sign(actor=w.mentor, apprenticeship=a, side=EMPLOYER)
    assert twice.value.code == "already_signed"
    with pytest.raises(Conflict) as early:
        gateway_refer(actor=w.assessor, apprenticeship=a, assessment_organisation="Acme EPA")
    assert early.value.code == "not_signed"
    gateway_sign(actor=w.tutor, apprenticeship=a, side=PROVIDER)
    for person in (w.line_manager, w.iqa, w.apprentice):
        with pytest.raises(PermissionDenied):
            gateway_refer(actor=person, apprenticeship=a, assessment_organisation="Acme EPA")
    with pytest.raises(ValidationError):
        gateway_refer(actor=w.admin, apprenticeship=a, assessment_organisation="   ")
    other_assessor = MembershipFactory.create(organisation=ProviderFactory.create(), role="assessor").user
    with pytest.raises(PermissionDenied):
        gateway_sign(actor=other_assessor, apprenticeship=a, side=PROVIDER)
    gateway_refer(actor=w.admin, apprenticeship=a, assessment_organisation="Acme EPA")
    with pytest.raises(Conflict):
        gateway_refer(actor=w.admin, apprenticeship=a, assessment_organisation="Acme EPA")


def test_the_signature_snapshot_is_the_summary_at_that_moment() -> None:
    g = gate_world()
    gates_of(g.a)
    signature = gateway_sign(actor=g.world.line_manager, apprenticeship=g.a, side=EMPLOYER)
    summary = CoverageSummary.objects.get(apprenticeship=g.a)
    assert signature.snapshot == gateway_snapshot(summary=summary)
