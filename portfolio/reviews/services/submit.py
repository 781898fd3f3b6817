from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.evidence.roles import submitter_role
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.notifications import notify_for_state
from portfolio.reviews.services.decisions import (
    decision_check,
    decision_invalidate_live,
    decision_record,
    evidence_lock,
)
from portfolio.reviews.services.policy import review_policy_get_or_create
from portfolio.reviews.services.tags import tags_accept_all


def _readiness_errors(evidence: Evidence) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not evidence.tags.exists():
        errors["tags"] = ["Tag the evidence to at least one statement it shows before submitting it."]
    file_errors = []
    for file in evidence.files.exclude(state=EvidenceFile.State.VERIFIED).order_by("created_at", "id"):
        if file.state == EvidenceFile.State.REJECTED:
            reason = f": {file.rejection_reason}" if file.rejection_reason else ""
            file_errors.append(
                f"'{file.original_name}' was rejected{reason}. Remove it (the Remove button beside it on the "
                "evidence page, or DELETE the file in the API), then upload a corrected file if you need one."
            )
        else:
            file_errors.append(
                f"'{file.original_name}' is still being uploaded or checked. Wait until it is verified, or remove it."
            )
    if file_errors:
        errors["files"] = file_errors
    return errors


@transaction.atomic
def evidence_submit(*, actor: Any, evidence: Evidence, expected_version: int) -> ReviewDecision:
    """The apprentice (or the author of a witness testimony or observation record) submits for review.

    Needs at least one tag and every file verified: an unverified file is bytes nobody has checked, so
    nobody may vouch for it. Where the provider's policy drops a step, the item skips it.
    """
    evidence = evidence_lock(evidence=evidence, expected_version=expected_version)
    role = submitter_role(user=actor, evidence=evidence)
    if role is None:
        raise PermissionDenied("Only the apprentice (or the author of a witness statement) can submit this evidence.")
    steps = review_policy_get_or_create(provider_id=evidence.apprenticeship.provider_id).steps
    decision_check(evidence=evidence, action=ReviewDecision.Action.SUBMIT, role=role, steps=steps)
    errors = _readiness_errors(evidence)
    if errors:
        raise ValidationError(errors)
    to_state = lifecycle.lands_in(ReviewDecision.Action.SUBMIT, steps)
    decision_invalidate_live(evidence=evidence, reason=ReviewDecision.Invalidation.RESUBMITTED)
    decision = decision_record(
        evidence=evidence, action=ReviewDecision.Action.SUBMIT, actor=actor, actor_role=role, to_state=to_state
    )
    Evidence.objects.filter(pk=evidence.pk).update(ever_submitted=True, submitted_at=timezone.now())
    if to_state == Evidence.State.ACCEPTED:
        tags_accept_all(
            evidence=evidence, decision=decision, actor=actor, comment="Accepted on submission: no review steps."
        )
        coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence accepted")
    evidence.refresh_from_db()
    audit_record(
        actor=actor,
        action="evidence.submitted",
        target=evidence,
        changes={
            "state": [decision.from_state, to_state],
            "version": evidence.version,
            "fingerprint": decision.fingerprint,
        },
    )
    notify_for_state(evidence=evidence, actor=actor)
    return decision
