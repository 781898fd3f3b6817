from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.notifications import notify_for_state
from portfolio.reviews.roles import employer_reviewer_role, provider_reviewer_role
from portfolio.reviews.selectors.policy import review_policy_for_provider_id
from portfolio.reviews.services.decisions import (
    decision_check,
    decision_invalidate_live,
    decision_record,
    evidence_lock,
)
from portfolio.reviews.services.tags import tags_reset


@transaction.atomic
def evidence_return(*, actor: Any, evidence: Evidence, expected_version: int, comment: str) -> ReviewDecision:
    """Either reviewer sends the item back to the apprentice with a comment saying what to change."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Say what the apprentice should change: a return needs a comment."})
    evidence = evidence_lock(evidence=evidence, expected_version=expected_version)
    # Someone who is both takes the provider's part, whose returns reach further (see the lifecycle).
    part, role = lifecycle.Role.PROVIDER, provider_reviewer_role(user=actor, apprenticeship=evidence.apprenticeship)
    if role is None:
        part, role = lifecycle.Role.EMPLOYER, employer_reviewer_role(user=actor, apprenticeship=evidence.apprenticeship)
    if role is None:
        raise PermissionDenied("Only the apprentice's employer contacts, assessors or tutors can return evidence.")
    steps = review_policy_for_provider_id(provider_id=evidence.apprenticeship.provider_id).steps
    decision_check(evidence=evidence, action=ReviewDecision.Action.RETURN, role=part, steps=steps)
    decision_invalidate_live(evidence=evidence, reason=ReviewDecision.Invalidation.RETURNED)
    decision = decision_record(
        evidence=evidence,
        action=ReviewDecision.Action.RETURN,
        actor=actor,
        actor_role=role,
        to_state=lifecycle.lands_in(ReviewDecision.Action.RETURN, steps),
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
