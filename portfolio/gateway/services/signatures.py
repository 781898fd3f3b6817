"""The gateway declaration, signed by the employer contact and by a provider assessor or tutor.

Each signature stores who, when, in which role, the words signed, and a fingerprint (the review decisions'
digest, portfolio/reviews/fingerprint.py) of the coverage, the approved OTJ total and every gate at that moment.
Both signatures together move the apprenticeship to "gateway signed"; a later change that makes a gate fail
invalidates them (the engine does, portfolio/coverage/services/readiness.py), and they must be given again.

The service runs the engine for the apprenticeship first, in its own transaction: the summary row is then locked
until commit and current, so nobody signs gates that a change just broke; and again after the signature, so the
change of state is recorded (once, by the engine) before the answer goes back.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.errors import Conflict
from portfolio.coverage.gates import GATE_NAMES, gate_explain
from portfolio.coverage.models import CoverageSummary
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.gateway.models import AssessmentReferral, GatewaySignature
from portfolio.gateway.roles import signer_role, staff_role
from portfolio.people.models import Apprenticeship
from portfolio.reviews.fingerprint import fingerprint_of

FINGERPRINT_VERSION = 1  # inside the snapshot: a future change of what is counted cannot match an old digest

DECLARATIONS = {
    GatewaySignature.Side.EMPLOYER: (
        "For the employer, I confirm that {name} has completed the off-the-job training and the minimum practical "
        "period, has met the English and maths requirement where it applies, demonstrates the behaviours of the "
        "standard, and is ready for end-point assessment."
    ),
    GatewaySignature.Side.PROVIDER: (
        "For the training provider, I confirm that {name}'s evidence, approved off-the-job training hours, "
        "practical period and English and maths meet the gateway requirements, and that {name} is ready for "
        "end-point assessment."
    ),
}


def gateway_declaration(*, apprenticeship: Apprenticeship, side: str) -> str:
    apprentice = apprenticeship.apprentice
    return DECLARATIONS[GatewaySignature.Side(side)].format(name=apprentice.display_name)


def gateway_snapshot(*, summary: CoverageSummary) -> dict[str, Any]:
    """What a signature covers: the coverage, the approved OTJ total and every gate, as stored now."""
    return {
        "fingerprint_version": FINGERPRINT_VERSION,
        "covered": summary.covered,
        "mapped": summary.mapped,
        "percent": summary.percent,
        "otj_approved_minutes": (summary.gates.get("otj") or {}).get("approved_minutes", 0),
        "gates": summary.gates,
    }


def _current_summary(apprenticeship: Apprenticeship) -> CoverageSummary:
    """Recompute now (locking the summary until commit) and read what was stored."""
    coverage_recompute(apprenticeship_ids=[apprenticeship.pk])
    return CoverageSummary.objects.get(apprenticeship_id=apprenticeship.pk)


def _not_ready(summary: CoverageSummary) -> Conflict:
    standing = [f"{GATE_NAMES[key]}: {gate_explain(key, summary.gates[key])}" for key in summary.blocking]
    return Conflict(
        "Not ready for gateway yet, so there is nothing to sign. " + " ".join(standing),
        code="not_ready",
        details={"blocking": summary.blocking},
    )


def _record_state(apprenticeship: Apprenticeship, reason: str) -> None:
    # The mark first (the durable fact), then the pass that records the change of state in this transaction.
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason=reason)
    coverage_recompute(apprenticeship_ids=[apprenticeship.pk])


@transaction.atomic
def gateway_sign(*, actor: Any, apprenticeship: Apprenticeship, side: str) -> GatewaySignature:
    if side not in GatewaySignature.Side.values:
        raise ValidationError({"side": "Sign for the employer or for the training provider."})
    role = signer_role(user=actor, apprenticeship=apprenticeship, side=side)
    if role is None:
        who = "a line manager or mentor at the apprentice's employer" if side == "employer" else (
            "an assessor or tutor of the apprentice's training provider"
        )  # fmt: skip
        raise PermissionDenied(f"The {side}'s signature is given by {who}.")
    summary = _current_summary(apprenticeship)
    if summary.state == ReadinessState.NOT_READY:
        raise _not_ready(summary)
    live = GatewaySignature.objects.filter(apprenticeship=apprenticeship, side=side, invalidated_at__isnull=True)
    signed = live.select_related("signed_by").first()
    if signed is not None:
        raise Conflict(
            f"The {side} has already signed: {signed.signed_by.display_name}, "
            f"{timezone.localtime(signed.signed_at):%d %b %Y %H:%M}.",
            code="already_signed",
            details={"side": side, "signature": str(signed.public_id)},
        )
    snapshot = gateway_snapshot(summary=summary)
    signature = GatewaySignature.objects.create(
        apprenticeship=apprenticeship,
        side=side,
        signed_by=actor,
        signer_role=role,
        signed_at=timezone.now(),
        declaration=gateway_declaration(apprenticeship=apprenticeship, side=side),
        fingerprint=fingerprint_of(snapshot),
        snapshot=snapshot,
    )
    audit_record(
        actor=actor,
        action="gateway.signed",
        target=signature,
        target_repr=f"{signature.get_side_display()} signature for {apprenticeship}",
        changes={"side": side, "role": role, "fingerprint": signature.fingerprint},
    )
    _record_state(apprenticeship, "gateway signed")
    return signature


@transaction.atomic
def gateway_refer(
    *, actor: Any, apprenticeship: Apprenticeship, assessment_organisation: str, note: str = ""
) -> AssessmentReferral:
    """Provider staff record that the signed gateway went to the assessment organisation."""
    if staff_role(user=actor, apprenticeship=apprenticeship) is None:
        raise PermissionDenied(
            "Only an assessor, tutor or admin of the apprentice's training provider can refer them for assessment."
        )
    name = " ".join(assessment_organisation.split())
    if not name:
        raise ValidationError({"assessment_organisation": "Name the assessment organisation the apprentice goes to."})
    if len(name) > 200:
        raise ValidationError({"assessment_organisation": "Keep the name to 200 characters."})
    summary = _current_summary(apprenticeship)
    if summary.state == ReadinessState.WITH_ASSESSMENT_ORGANISATION:
        raise Conflict("Already with the assessment organisation.", code="already_referred")
    if summary.state != ReadinessState.SIGNED:
        if summary.state == ReadinessState.NOT_READY:
            raise _not_ready(summary)
        raise Conflict(
            "The gateway is not signed yet: the employer contact and a provider assessor or tutor both sign it first.",
            code="not_signed",
        )
    referral = AssessmentReferral.objects.create(
        apprenticeship=apprenticeship,
        assessment_organisation=name,
        note=note.strip(),
        referred_by=actor,
        referred_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="gateway.referred",
        target=referral,
        target_repr=f"{apprenticeship} to {name}",
        changes={"assessment_organisation": name, "note": referral.note},
    )
    _record_state(apprenticeship, "referred for assessment")
    return referral
