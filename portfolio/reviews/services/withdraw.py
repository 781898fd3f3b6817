from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.selectors.policy import review_policy_for_provider_id
from portfolio.reviews.services.decisions import (
    decision_check,
    decision_invalidate_live,
    decision_record,
    evidence_lock,
)
from portfolio.reviews.services.tags import tags_reset


@transaction.atomic
def evidence_withdraw(*, actor: Any, evidence: Evidence, expected_version: int, comment: str = "") -> ReviewDecision:
    """The apprentice withdraws evidence that was ever submitted. It is kept, with its history, and stops
    counting; it cannot be submitted again (a draft that was never submitted is deleted instead, by the
    evidence services)."""
    evidence = evidence_lock(evidence=evidence, expected_version=expected_version)
    if evidence.apprenticeship.apprentice_id != actor.pk:
        raise PermissionDenied("Only the apprentice can withdraw their evidence.")
    steps = review_policy_for_provider_id(provider_id=evidence.apprenticeship.provider_id).steps
    decision_check(
        evidence=evidence, action=ReviewDecision.Action.WITHDRAW, role=lifecycle.Role.APPRENTICE, steps=steps
    )
    decision_invalidate_live(evidence=evidence, reason=ReviewDecision.Invalidation.WITHDRAWN)
    decision = decision_record(
        evidence=evidence,
        action=ReviewDecision.Action.WITHDRAW,
        actor=actor,
        actor_role=lifecycle.Role.APPRENTICE,
        to_state=lifecycle.lands_in(ReviewDecision.Action.WITHDRAW, steps),
        comment=comment.strip(),
    )
    if tags_reset(evidence=evidence):
        coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence withdrawn")
    audit_record(
        actor=actor,
        action="evidence.withdrawn",
        target=evidence,
        changes={"state": [decision.from_state, decision.to_state], "version": evidence.version},
    )
    return decision
