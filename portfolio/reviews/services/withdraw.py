from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.roles import APPRENTICE_ROLE
from portfolio.reviews.services.decisions import decision_invalidate_live, decision_record, evidence_lock, wrong_state
from portfolio.reviews.services.tags import tags_reset

WITHDRAWABLE = (Evidence.State.SUBMITTED, Evidence.State.CONFIRMED, Evidence.State.ACCEPTED, Evidence.State.RETURNED)


@transaction.atomic
def evidence_withdraw(*, actor: Any, evidence: Evidence, expected_version: int, comment: str = "") -> ReviewDecision:
    """The apprentice withdraws evidence that was ever submitted. It is kept, with its history, and stops
    counting; it cannot be submitted again (a draft that was never submitted is deleted instead, by the
    evidence services)."""
    evidence = evidence_lock(evidence=evidence, expected_version=expected_version)
    if evidence.apprenticeship.apprentice_id != actor.pk:
        raise PermissionDenied("Only the apprentice can withdraw their evidence.")
    if evidence.state not in WITHDRAWABLE or not evidence.ever_submitted:
        raise wrong_state(evidence, "withdrawn", WITHDRAWABLE)
    decision_invalidate_live(evidence=evidence, reason=ReviewDecision.Invalidation.WITHDRAWN)
    decision = decision_record(
        evidence=evidence,
        action=ReviewDecision.Action.WITHDRAW,
        actor=actor,
        actor_role=APPRENTICE_ROLE,
        to_state=Evidence.State.WITHDRAWN,
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
