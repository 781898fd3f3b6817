from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.notifications import notify_for_state
from portfolio.reviews.roles import provider_reviewer_role
from portfolio.reviews.services.decisions import decision_check, decision_record, evidence_lock
from portfolio.reviews.services.policy import review_policy_get_or_create
from portfolio.reviews.services.tags import tags_decide, tags_with_statements


class TagVerdictsInvalid(ValidationError):
    """Bad per-statement verdicts: `per_tag` maps each statement code to what is wrong with it (the API
    answers that map under "tags"); the plain messages name the codes too, for anything else that reads them."""

    def __init__(self, per_tag: dict[str, str]) -> None:
        self.per_tag = per_tag
        super().__init__({"tags": list(per_tag.values())})


@dataclass(frozen=True)
class TagVerdict:
    statement: str  # the statement code, e.g. "K3"
    accepted: bool
    comment: str = ""


def _verdicts_by_tag(tagged: list[EvidenceTag], verdicts: Iterable[TagVerdict]) -> dict[int, tuple[bool, str]]:
    """Check the verdicts against the item's tags; one error per statement code, naming it."""
    tags = {tag.statement.code: tag.pk for tag in tagged}
    errors: dict[str, str] = {}
    decided: dict[int, tuple[bool, str]] = {}
    for verdict in verdicts:
        code, comment = verdict.statement, verdict.comment.strip()
        if code not in tags:
            errors[code] = f"{code} is not tagged on this evidence: decide only the statements it is tagged to."
        elif tags[code] in decided:
            errors[code] = f"{code} is given twice: decide each statement once."
        elif not verdict.accepted and not comment:
            errors[code] = f"Say why {code} is declined: a declined statement needs a comment for the apprentice."
        else:
            decided[tags[code]] = (verdict.accepted, comment)
    for code, pk in tags.items():
        if pk not in decided and code not in errors:
            errors[code] = f"{code} is tagged on this evidence but not decided: accept or decline it."
    if errors:
        raise TagVerdictsInvalid(errors)
    if not any(accepted for accepted, _ in decided.values()):
        raise ValidationError(
            {"tags": "Accept at least one statement. To decline them all, return the evidence with a comment."}
        )
    return decided


@transaction.atomic
def evidence_accept(
    *,
    actor: Any,
    evidence: Evidence,
    expected_version: int,
    tags: Iterable[TagVerdict],
    comment: str = "",
) -> ReviewDecision:
    """An assessor or tutor of the provider accepts the item for some statements and declines others.

    Only accepted tags count toward coverage. Every tag on the item must be decided, each declined one with
    a comment, so the apprentice always learns why.
    """
    evidence = evidence_lock(evidence=evidence, expected_version=expected_version)
    role = provider_reviewer_role(user=actor, apprenticeship=evidence.apprenticeship)
    if role is None:
        raise PermissionDenied("Only an assessor or tutor of the apprentice's training provider can accept evidence.")
    steps = review_policy_get_or_create(provider_id=evidence.apprenticeship.provider_id).steps
    decision_check(evidence=evidence, action=ReviewDecision.Action.ACCEPT, role=lifecycle.Role.PROVIDER, steps=steps)
    tagged = tags_with_statements(evidence=evidence)
    verdicts = _verdicts_by_tag(tagged, tags)
    decision = decision_record(
        evidence=evidence,
        action=ReviewDecision.Action.ACCEPT,
        actor=actor,
        actor_role=role,
        to_state=lifecycle.lands_in(ReviewDecision.Action.ACCEPT, steps),
        comment=comment.strip(),
    )
    decided = tags_decide(tags=tagged, decision=decision, actor=actor, verdicts=verdicts)
    coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence accepted")
    audit_record(
        actor=actor,
        action="evidence.accepted",
        target=evidence,
        changes={
            "state": [decision.from_state, decision.to_state],
            "version": evidence.version,
            "fingerprint": decision.fingerprint,
            "tags": {t.statement.code: t.accepted for t in decided},
        },
    )
    notify_for_state(evidence=evidence, actor=actor, comment=decision.comment, steps=steps)
    return decision
