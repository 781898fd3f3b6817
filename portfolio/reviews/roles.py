"""Which memberships play the reviewers' parts (the lifecycle's EMPLOYER and PROVIDER roles) on an apprenticeship.

Employer confirmation: any active line manager or mentor of the apprenticeship's employer (not only the
ones assigned: the assigned person may be away). Provider acceptance and returns: any active assessor or
tutor of the apprenticeship's provider. Provider admins and IQAs do not decide: an admin administers and an
IQA samples decisions, so neither may sign evidence off; someone who is also an assessor or tutor may, in
that role. Superusers hold no role here: a sign-off must name an accountable person of the apprenticeship.
The apprentice's and the author's parts are evidence's (portfolio/evidence/roles.py: submitter_role).
"""

from __future__ import annotations

from typing import Any

from portfolio.evidence.lifecycle import Role
from portfolio.people.models import Apprenticeship, Membership
from portfolio.people.selectors import user_roles_at

# The memberships that play each reviewer's part, first the one a decision records when someone holds both.
REVIEWER_MEMBERSHIPS: dict[Role, tuple[str, ...]] = {
    Role.EMPLOYER: (Membership.Role.LINE_MANAGER, Membership.Role.MENTOR),
    Role.PROVIDER: (Membership.Role.ASSESSOR, Membership.Role.TUTOR),
}
EMPLOYER_REVIEWER_ROLES = REVIEWER_MEMBERSHIPS[Role.EMPLOYER]
PROVIDER_REVIEWER_ROLES = REVIEWER_MEMBERSHIPS[Role.PROVIDER]


def reviewer_organisation_id(*, role: Role, apprenticeship: Apprenticeship) -> int:
    """The organisation whose members play `role` for this apprenticeship."""
    return apprenticeship.employer_id if role == Role.EMPLOYER else apprenticeship.provider_id


def reviewer_membership(*, user: Any, role: Role, apprenticeship: Apprenticeship) -> str | None:
    """The membership role in which `user` plays `role` for the apprenticeship (the one its decisions record)."""
    roles = REVIEWER_MEMBERSHIPS[role]
    organisation_id = reviewer_organisation_id(role=role, apprenticeship=apprenticeship)
    held = user_roles_at(user=user, organisation_ids=[organisation_id], roles=roles)
    # The first role in the given order wins, so the role a decision records is stable.
    return next((membership for membership in roles if membership in held), None)


def employer_reviewer_role(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    return reviewer_membership(user=user, role=Role.EMPLOYER, apprenticeship=apprenticeship)


def provider_reviewer_role(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    return reviewer_membership(user=user, role=Role.PROVIDER, apprenticeship=apprenticeship)
