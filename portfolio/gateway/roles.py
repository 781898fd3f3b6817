"""Who may do what at the gateway (portfolio/coverage/readiness_states.py has the states themselves).

- The employer's signature: an active line manager or workplace mentor of the apprenticeship's employer (the
  same people who confirm evidence and behaviours: portfolio/reviews/roles.py).
- The provider's signature: an active assessor or tutor of the apprenticeship's provider. Provider admins and
  IQAs do not sign, as they do not sign evidence off.
- Manual gate ticks and the referral to the assessment organisation: provider staff who act on apprenticeships
  (admin, assessor, tutor) at the apprenticeship's provider. IQAs sample; they do not tick.
- Gate settings and manual gates: the provider's admins.
Superusers hold none of these roles: every tick and signature names an accountable person.
"""

from __future__ import annotations

from typing import Any

from portfolio.gateway.models import GatewaySignature
from portfolio.people.models import Apprenticeship, Membership
from portfolio.reviews.roles import employer_reviewer_role, provider_reviewer_role

STAFF_ROLES = (Membership.Role.ASSESSOR, Membership.Role.TUTOR, Membership.Role.PROVIDER_ADMIN)


def signer_role(*, user: Any, apprenticeship: Apprenticeship, side: str) -> str | None:
    """The role `user` signs in for `side`, or None when they may not sign it."""
    if side == GatewaySignature.Side.EMPLOYER:
        return employer_reviewer_role(user=user, apprenticeship=apprenticeship)
    if side == GatewaySignature.Side.PROVIDER:
        return provider_reviewer_role(user=user, apprenticeship=apprenticeship)
    return None


def sides_for(*, user: Any, apprenticeship: Apprenticeship) -> list[str]:
    sides = GatewaySignature.Side.values
    return [side for side in sides if signer_role(user=user, apprenticeship=apprenticeship, side=side)]


def staff_role(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    """The role in which `user` ticks manual gates and refers the apprentice, or None."""
    held = set(
        Membership.objects.filter(
            user=user, organisation_id=apprenticeship.provider_id, is_active=True, role__in=STAFF_ROLES
        ).values_list("role", flat=True)
    )
    return next((role for role in STAFF_ROLES if role in held), None)
