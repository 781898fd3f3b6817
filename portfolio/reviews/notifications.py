"""Who is told when evidence lands in their queue, or when their evidence is decided. Nobody else.

Queue owners are the people assigned to the apprenticeship when there are any, else everyone who may act:
an unassigned apprenticeship must not leave evidence waiting unseen.
"""

from __future__ import annotations

from typing import Any

from portfolio.core.compiled import CompiledIdsQuery
from portfolio.evidence.lifecycle import Role, Steps, waits_for
from portfolio.evidence.models import Evidence
from portfolio.notify.services.notifications import notify_users
from portfolio.people.models import Apprenticeship, User
from portfolio.people.selectors import organisation_members
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.policy import review_policy_for_provider_id

# The two people assigned to one reviewer's part, read by a query compiled once per process (`CompiledIdsQuery`).
_PEOPLE = CompiledIdsQuery(lambda ids: User.objects.filter(pk__in=ids).order_by(), size=2)


def _assigned(apprenticeship: Apprenticeship, *parts: str) -> list[User]:
    """The people assigned to these parts (tutor and assessor, say), in that order: read in one query, not one
    each."""
    ids = [getattr(apprenticeship, f"{part}_id") for part in parts]
    people: list[User] = _PEOPLE.objects(pk for pk in ids if pk is not None)  # type: ignore[assignment]
    found = {person.pk: person for person in people}
    return [found[pk] for pk in ids if pk in found]


def employer_reviewers(*, apprenticeship: Apprenticeship) -> list[User]:
    assigned = _assigned(apprenticeship, "line_manager", "mentor")
    return assigned or organisation_members(organisation_id=apprenticeship.employer_id, roles=EMPLOYER_REVIEWER_ROLES)


def provider_reviewers(*, apprenticeship: Apprenticeship) -> list[User]:
    assigned = _assigned(apprenticeship, "tutor", "assessor")
    return assigned or organisation_members(organisation_id=apprenticeship.provider_id, roles=PROVIDER_REVIEWER_ROLES)


def _link(evidence: Evidence) -> str:
    return f"/reviews/evidence/{evidence.public_id}/"


def notify_for_state(*, evidence: Evidence, actor: Any, comment: str = "", steps: Steps | None = None) -> None:
    """Tell whoever the item's new state concerns; never the person who acted. `steps`: the provider's policy's,
    when the caller read the policy in this transaction (a decision does, to check it), so it is not read twice."""
    apprenticeship = evidence.apprenticeship
    apprentice = apprenticeship.apprentice
    name = apprentice.display_name
    state = evidence.state
    if steps is None:
        steps = review_policy_for_provider_id(provider_id=apprenticeship.provider_id).steps
    # Whose queue the item is now in, under the provider's current policy (the lifecycle's rule: with no
    # employer step, submitted evidence waits for the provider).
    waiting = waits_for(state, steps)
    if waiting == Role.EMPLOYER:
        recipients = employer_reviewers(apprenticeship=apprenticeship)
        kind, title = "evidence.awaiting_confirmation", f"Evidence to confirm: {name}, '{evidence.title}'"
        link = _link(evidence)  # employer contacts open the item itself: its files, confirm or return
    elif waiting == Role.PROVIDER:
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
