"""The review page's decisions: who may do what on it, and the form posted to it, turned into service calls.

One page serves both reviewers. An employer contact (line manager, mentor) confirms a submitted item or
returns it with a comment; an assessor or tutor decides each statement (or accepts them all) or returns it.
Errors come back keyed by the id of the field to fix, so the page can list them in an error summary that
links to each field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from portfolio.core.errors import Conflict
from portfolio.evidence.lifecycle import Action, Role, allowed
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.reviews.roles import employer_reviewer_role, provider_reviewer_role
from portfolio.reviews.selectors.policy import review_policy_for_provider_id
from portfolio.reviews.services.accept import TagVerdict, TagVerdictsInvalid, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.returns import evidence_return

EMPLOYER = "employer"
PROVIDER = "provider"


@dataclass
class Reviewer:
    """What the signed-in person may do on this item, now."""

    side: str  # EMPLOYER or PROVIDER
    can_confirm: bool = False
    can_accept: bool = False
    can_return: bool = False

    @property
    def can_act(self) -> bool:
        return self.can_confirm or self.can_accept or self.can_return


@dataclass
class Outcome:
    """The result of a POST: a success message, or errors keyed by field id (and the choices to show again)."""

    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)


def reviewer_for(*, user: Any, evidence: Evidence) -> Reviewer:
    """PermissionDenied for anyone who is neither reviewer of the apprenticeship (the item is in scope). The
    buttons are the lifecycle's: exactly the decisions the services would take."""
    apprenticeship = evidence.apprenticeship
    # Someone who is both takes the provider's part, as the return service does.
    if provider_reviewer_role(user=user, apprenticeship=apprenticeship) is not None:
        role, side = Role.PROVIDER, PROVIDER
    elif employer_reviewer_role(user=user, apprenticeship=apprenticeship) is not None:
        role, side = Role.EMPLOYER, EMPLOYER
    else:
        raise PermissionDenied("Only the apprentice's employer contacts, assessors and tutors review evidence.")
    steps = review_policy_for_provider_id(provider_id=apprenticeship.provider_id).steps
    return Reviewer(
        side=side,
        can_confirm=allowed(evidence.state, Action.CONFIRM, role, steps),
        can_accept=allowed(evidence.state, Action.ACCEPT, role, steps),
        can_return=allowed(evidence.state, Action.RETURN, role, steps),
    )


def review_decide(*, request: HttpRequest, reviewer: Reviewer, evidence: Evidence, tags: list[EvidenceTag]) -> Outcome:
    """Run the posted decision through its service. PermissionDenied for an action of the other side."""
    post = request.POST
    action = post.get("action", "")
    try:
        version = int(post.get("expected_version", ""))
    except ValueError:
        version = 0
    chosen = {t.statement.code: post.get(f"verdict-{t.statement.code}", "") for t in tags}
    try:
        if action == "return":
            evidence_return(
                actor=request.user, evidence=evidence, expected_version=version,
                comment=post.get("return_comment", ""),
            )  # fmt: skip
            return Outcome(message=f"Returned “{evidence.title}” to the apprentice with your comment.")
        if action == "confirm" and reviewer.side == EMPLOYER:
            evidence_confirm(
                actor=request.user, evidence=evidence, expected_version=version,
                comment=post.get("comment", ""),
            )  # fmt: skip
            return Outcome(message=f"Confirmed “{evidence.title}”.")
        if action in {"accept", "accept_all"} and reviewer.side == PROVIDER:
            every = action == "accept_all"
            verdicts = [
                TagVerdict(code, every or choice == "accept", post.get(f"comment-{code}", ""))
                for code, choice in chosen.items()
                # An undecided statement is left out, so the service names it as not decided.
                if every or choice in {"accept", "decline"}
            ]
            evidence_accept(
                actor=request.user, evidence=evidence, expected_version=version, tags=verdicts,
                comment=post.get("comment", ""),
            )  # fmt: skip
            return Outcome(message=f"Accepted “{evidence.title}”.")
    except TagVerdictsInvalid as exc:
        errors = {
            (f"comment-{code}" if chosen.get(code) == "decline" else f"accept-{code}"): message
            for code, message in exc.per_tag.items()
        }
        return Outcome(errors=errors, chosen=chosen)
    except ValidationError as exc:
        where = "return_comment" if action == "return" else "verdicts"
        return Outcome(errors={where: " ".join(exc.messages)}, chosen=chosen)
    except Conflict as exc:
        return Outcome(errors={"state": exc.message}, chosen=chosen)
    raise PermissionDenied("That decision is not yours to take on this item.")


@dataclass
class StatementRow:
    """One statement of the item on the page: the choice and comment to show again, and its error."""

    tag: EvidenceTag
    choice: str  # "", "accept" or "decline": nothing is chosen until the reviewer chooses
    comment: str
    error: str
    error_field: str  # the id the error is about, for aria-describedby and the summary's link


def statement_rows(*, tags: list[EvidenceTag], outcome: Outcome, post: Any) -> list[StatementRow]:
    rows = []
    for tag in tags:
        code = tag.statement.code
        error_field = next((f for f in (f"accept-{code}", f"comment-{code}") if f in outcome.errors), "")
        rows.append(
            StatementRow(
                tag=tag,
                choice=outcome.chosen.get(code, ""),
                comment=post.get(f"comment-{code}", "") if post else "",
                error=outcome.errors.get(error_field, ""),
                error_field=error_field,
            )
        )
    return rows
