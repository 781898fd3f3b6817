"""Who may take which review decision on an apprenticeship's evidence, and in which role.

Employer confirmation: any active line manager or mentor of the apprenticeship's employer (not only the
ones assigned: the assigned person may be away). Provider acceptance and returns: any active assessor or
tutor of the apprenticeship's provider. Provider admins and IQAs do not decide: an admin administers and an
IQA samples decisions, so neither may sign evidence off; someone who is also an assessor or tutor may, in
that role. Superusers hold no role here: a sign-off must name an accountable person of the apprenticeship.
"""

from __future__ import annotations

from typing import Any

from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, Membership

EMPLOYER_REVIEWER_ROLES = (Membership.Role.LINE_MANAGER, Membership.Role.MENTOR)
PROVIDER_REVIEWER_ROLES = (Membership.Role.ASSESSOR, Membership.Role.TUTOR)
APPRENTICE_ROLE = "apprentice"
AUTHOR_ROLE = "author"
# Evidence another person writes about the apprentice: its author may submit it.
AUTHORED_KINDS = frozenset({Evidence.Kind.WITNESS_TESTIMONY, Evidence.Kind.OBSERVATION_RECORD})


def _role_at(user: Any, organisation_id: int, roles: tuple[str, ...]) -> str | None:
    held = set(
        Membership.objects.filter(
            user=user, organisation_id=organisation_id, is_active=True, role__in=roles
        ).values_list("role", flat=True)
    )
    # The first role in the given order wins, so the role a decision records is stable.
    return next((role for role in roles if role in held), None)


def employer_reviewer_role(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    return _role_at(user, apprenticeship.employer_id, EMPLOYER_REVIEWER_ROLES)


def provider_reviewer_role(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    return _role_at(user, apprenticeship.provider_id, PROVIDER_REVIEWER_ROLES)


def submitter_role(*, user: Any, evidence: Evidence) -> str | None:
    if evidence.apprenticeship.apprentice_id == user.pk:
        return APPRENTICE_ROLE
    if evidence.author_id == user.pk and evidence.kind in AUTHORED_KINDS:
        return AUTHOR_ROLE
    return None
