"""Who is told when evidence lands in their queue, or when their evidence is decided. Nobody else.

Queue owners are the people assigned to the apprenticeship when there are any, else everyone who may act:
an unassigned apprenticeship must not leave evidence waiting unseen.
"""

from __future__ import annotations

from typing import Any

from portfolio.evidence.models import Evidence
from portfolio.notify.services.notifications import notify_users
from portfolio.people.models import Apprenticeship, User
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.policy import review_policy_for_provider_id


def _members(organisation_id: int, roles: tuple[str, ...]) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id=organisation_id, memberships__role__in=roles, memberships__is_active=True
        ).distinct()
    )


def employer_reviewers(*, apprenticeship: Apprenticeship) -> list[User]:
    assigned = [u for u in (apprenticeship.line_manager, apprenticeship.mentor) if u is not None]
    return assigned or _members(apprenticeship.employer_id, EMPLOYER_REVIEWER_ROLES)


def provider_reviewers(*, apprenticeship: Apprenticeship) -> list[User]:
    assigned = [u for u in (apprenticeship.tutor, apprenticeship.assessor) if u is not None]
    return assigned or _members(apprenticeship.provider_id, PROVIDER_REVIEWER_ROLES)


def _link(evidence: Evidence) -> str:
    return f"/reviews/evidence/{evidence.public_id}/"


def notify_for_state(*, evidence: Evidence, actor: Any, comment: str = "") -> None:
    """Tell whoever the item's new state concerns; never the person who acted."""
    apprenticeship = evidence.apprenticeship
    apprentice = apprenticeship.apprentice
    name = apprentice.display_name
    state = evidence.state
    policy = review_policy_for_provider_id(provider_id=apprenticeship.provider_id)
    if state == Evidence.State.SUBMITTED and not policy.require_employer_confirmation:
        # Without an employer step, submitted evidence waits in the provider's acceptance queue.
        state = Evidence.State.CONFIRMED
    if state == Evidence.State.SUBMITTED:
        recipients = employer_reviewers(apprenticeship=apprenticeship)
        kind, title = "evidence.awaiting_confirmation", f"Evidence to confirm: {name}, '{evidence.title}'"
        link = _link(evidence)  # employer contacts open the item itself: its files, confirm or return
    elif state == Evidence.State.CONFIRMED:
        recipients = provider_reviewers(apprenticeship=apprenticeship)
        kind, title = "evidence.awaiting_acceptance", f"Evidence to accept: {name}, '{evidence.title}'"
        link = _link(evidence)
    elif state == Evidence.State.ACCEPTED:
        recipients = [apprentice]
        kind, title = "evidence.accepted", f"Your evidence '{evidence.title}' was accepted"
        link = f"/apprenticeships/{apprenticeship.public_id}/"
    elif state == Evidence.State.RETURNED:
        recipients = [apprentice]
        kind, title = "evidence.returned", f"Your evidence '{evidence.title}' was returned for changes"
        # Straight to the item, where the comment is shown first: the list of returned items is one tap too far.
        link = f"/evidence/{evidence.public_id}/"
    else:
        return
    recipients = [user for user in recipients if user.pk != getattr(actor, "pk", None)]
    notify_users(recipients=recipients, kind=kind, title=title, body=comment, link=link)
