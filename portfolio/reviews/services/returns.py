from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.notifications import notify_for_state
from portfolio.reviews.roles import employer_reviewer_role, provider_reviewer_role
from portfolio.reviews.services.decisions import (
    decision_invalidate_live,
    decision_record,
    evidence_lock,
    wrong_state,
)
from portfolio.reviews.services.tags import tags_reset

# An employer contact returns what waits for them; the provider may also take back what it accepted
# (an assessor who finds a problem later must be able to stop it counting).
EMPLOYER_RETURNABLE = (Evidence.State.SUBMITTED,)
PROVIDER_RETURNABLE = (Evidence.State.SUBMITTED, Evidence.State.CONFIRMED, Evidence.State.ACCEPTED)


@transaction.atomic
def evidence_return(*, actor: Any, evidence: Evidence, expected_version: int, comment: str) -> ReviewDecision:
    """Either reviewer sends the item back to the apprentice with a comment saying what to change."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Say what the apprentice should change: a return needs a comment."})
    evidence = evidence_lock(evidence=evidence, expected_version=expected_version)
    role = provider_reviewer_role(user=actor, apprenticeship=evidence.apprenticeship)
    allowed: tuple[str, ...] = PROVIDER_RETURNABLE
    if role is None:
        role = employer_reviewer_role(user=actor, apprenticeship=evidence.apprenticeship)
        allowed = EMPLOYER_RETURNABLE
    if role is None:
        raise PermissionDenied("Only the apprentice's employer contacts, assessors or tutors can return evidence.")
    if evidence.state not in allowed:
        raise wrong_state(evidence, "returned", allowed)
    decision_invalidate_live(evidence=evidence, reason=ReviewDecision.Invalidation.RETURNED)
    decision = decision_record(
        evidence=evidence,
        action=ReviewDecision.Action.RETURN,
        actor=actor,
        actor_role=role,
        to_state=Evidence.State.RETURNED,
        comment=comment,
    )
    if tags_reset(evidence=evidence):
        coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="accepted evidence returned")
    audit_record(
        actor=actor,
        action="evidence.returned",
        target=evidence,
        changes={"state": [decision.from_state, decision.to_state], "version": evidence.version, "comment": comment},
    )
    notify_for_state(evidence=evidence, actor=actor, comment=comment)
    return decision
