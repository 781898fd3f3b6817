"""Which parts (portfolio/progress/lifecycle.py's roles) a person plays towards one apprenticeship's reviews.

- The apprentice: the apprenticeship's apprentice.
- The employer: an active line manager or mentor of the apprenticeship's employer (the people who confirm its
  evidence: portfolio/reviews/roles.py), not only the one named on the review: the named one may be away.
- The assessor: an active assessor or tutor of the provider, who may record a scheduled review as held and so
  becomes its reviewer; the reviewer signs for the provider and writes the provider's words.
- Staff: assessors, tutors and admins of the provider schedule, reschedule and cancel.
Superusers and IQAs hold none of these: every record and signature names an accountable person.
"""

from __future__ import annotations

from typing import Any

from portfolio.people.models import Apprenticeship, Membership, User
from portfolio.people.selectors import organisation_members, user_roles_at
from portfolio.progress.lifecycle import SIGNER, Party, Role
from portfolio.progress.models import ProgressReview
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES, employer_reviewer_role

STAFF_ROLES = (*PROVIDER_REVIEWER_ROLES, Membership.Role.PROVIDER_ADMIN)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def provider_roles(*, user: Any, apprenticeship: Apprenticeship) -> set[str]:
    if not _active(user):
        return set()
    return user_roles_at(user=user, organisation_ids=[apprenticeship.provider_id], roles=STAFF_ROLES)


def roles_towards(*, user: Any, apprenticeship: Apprenticeship, review: ProgressReview | None = None) -> set[Role]:
    """Every part `user` plays towards the apprenticeship's reviews (towards `review`, for the reviewer's)."""
    if not _active(user):
        return set()
    found: set[Role] = set()
    if apprenticeship.apprentice_id == user.pk:
        found.add(Role.APPRENTICE)
    if employer_reviewer_role(user=user, apprenticeship=apprenticeship) is not None:
        found.add(Role.EMPLOYER)
    held = provider_roles(user=user, apprenticeship=apprenticeship)
    if held:
        found.add(Role.STAFF)
    if held & set(PROVIDER_REVIEWER_ROLES):
        found.add(Role.ASSESSOR)
        if review is not None and review.reviewer_id == user.pk:
            found.add(Role.REVIEWER)
    return found


def signer_role_name(*, user: Any, apprenticeship: Apprenticeship, party: Party) -> str:
    """The role a signature records: "apprentice", or the membership ("line_manager", "tutor", ...)."""
    if party == Party.APPRENTICE:
        return "apprentice"
    if party == Party.EMPLOYER:
        return employer_reviewer_role(user=user, apprenticeship=apprenticeship) or ""
    held = provider_roles(user=user, apprenticeship=apprenticeship)
    return next((role for role in PROVIDER_REVIEWER_ROLES if role in held), "")


def parties_of(roles: set[Role]) -> list[Party]:
    """The parties someone with these roles signs (and writes the words of)."""
    return [party for party, role in SIGNER.items() if role in roles]


def employer_contacts(*, apprenticeship: Apprenticeship) -> list[User]:
    return organisation_members(organisation_id=apprenticeship.employer_id, roles=EMPLOYER_REVIEWER_ROLES)


def provider_assessors(*, apprenticeship: Apprenticeship) -> list[User]:
    return organisation_members(organisation_id=apprenticeship.provider_id, roles=PROVIDER_REVIEWER_ROLES)


def is_employer_contact(*, user: User | None, apprenticeship: Apprenticeship) -> bool:
    return user is not None and employer_reviewer_role(user=user, apprenticeship=apprenticeship) is not None


def is_provider_assessor(*, user: User | None, apprenticeship: Apprenticeship) -> bool:
    if user is None:
        return False
    return bool(provider_roles(user=user, apprenticeship=apprenticeship) & set(PROVIDER_REVIEWER_ROLES))


def signers_for(*, review: ProgressReview, party: Party) -> list[User]:
    """Who a missing signature is asked of: the apprentice; the employer contact named on the review (else the
    apprenticeship's line manager, else its mentor, else every contact at the employer); the reviewer."""
    apprenticeship = review.apprenticeship
    if party == Party.APPRENTICE:
        return [apprenticeship.apprentice]
    if party == Party.PROVIDER:
        return [review.reviewer]
    for person in (review.employer_contact, apprenticeship.line_manager, apprenticeship.mentor):
        if person is not None and person.is_active and is_employer_contact(user=person, apprenticeship=apprenticeship):
            return [person]
    return employer_contacts(apprenticeship=apprenticeship)
