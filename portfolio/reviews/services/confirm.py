from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.notifications import notify_for_state
from portfolio.reviews.roles import employer_reviewer_role
from portfolio.reviews.services.decisions import decision_check, decision_record, evidence_lock
from portfolio.reviews.services.policy import review_policy_get_or_create
from portfolio.reviews.services.tags import tags_accept_all


@transaction.atomic
def evidence_confirm(*, actor: Any, evidence: Evidence, expected_version: int, comment: str = "") -> ReviewDecision:
    """An employer contact of the apprenticeship's employer vouches that the evidence is genuine."""
    evidence = evidence_lock(evidence=evidence, expected_version=expected_version)
    role = employer_reviewer_role(user=actor, apprenticeship=evidence.apprenticeship)
    if role is None:
        raise PermissionDenied("Only a line manager or mentor at the apprentice's employer can confirm evidence.")
    steps = review_policy_get_or_create(provider_id=evidence.apprenticeship.provider_id).steps
    decision_check(evidence=evidence, action=ReviewDecision.Action.CONFIRM, role=lifecycle.Role.EMPLOYER, steps=steps)
    to_state = lifecycle.lands_in(ReviewDecision.Action.CONFIRM, steps)
    decision = decision_record(
        evidence=evidence,
        action=ReviewDecision.Action.CONFIRM,
        actor=actor,
        actor_role=role,
        to_state=to_state,
        comment=comment.strip(),
    )
    if to_state == Evidence.State.ACCEPTED:
        tags_accept_all(
            evidence=evidence, decision=decision, actor=actor, comment="Accepted on confirmation: no provider step."
        )
        coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence accepted")
    audit_record(
        actor=actor,
        action="evidence.confirmed",
        target=evidence,
        changes={
            "state": [decision.from_state, to_state],
            "version": evidence.version,
            "fingerprint": decision.fingerprint,
        },
    )
    notify_for_state(evidence=evidence, actor=actor, comment=decision.comment, steps=steps)
    return decision
