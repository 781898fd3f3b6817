"""The review queues: what waits for this person, at their organisations, under the current policies.

The policy is read at query time, so changing it moves waiting items to the right queue at once: with no
employer step, submitted items wait for the provider.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from portfolio.evidence.models import Evidence
from portfolio.people.models import Membership
from portfolio.reviews.models import ReviewDecision, ReviewPolicy
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES


def _org_ids(user: Any, roles: tuple[str, ...]) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user=user, is_active=True, role__in=roles).values("organisation_id")


def _base() -> QuerySet[Evidence]:
    return Evidence.objects.select_related(
        "apprenticeship__apprentice", "apprenticeship__employer", "apprenticeship__provider", "author"
    ).prefetch_related("tags__statement")


def _no_employer_step() -> Exists:
    return Exists(
        ReviewPolicy.objects.filter(
            provider_id=OuterRef("apprenticeship__provider_id"), require_employer_confirmation=False
        )
    )


def confirmation_queue_for_user(*, user: Any) -> QuerySet[Evidence]:
    """Submitted evidence at the employers where the user is a line manager or mentor, oldest first."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    return (
        _base()
        .filter(state=Evidence.State.SUBMITTED, apprenticeship__employer_id__in=_org_ids(user, EMPLOYER_REVIEWER_ROLES))
        .exclude(_no_employer_step())
        .order_by("submitted_at", "id")
    )


def acceptance_queue_for_user(*, user: Any) -> QuerySet[Evidence]:
    """Confirmed evidence (or submitted, where the provider has no employer step) at the user's providers."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    return (
        _base()
        .filter(apprenticeship__provider_id__in=_org_ids(user, PROVIDER_REVIEWER_ROLES))
        .filter(Q(state=Evidence.State.CONFIRMED) | Q(_no_employer_step(), state=Evidence.State.SUBMITTED))
        .order_by("submitted_at", "id")
    )


def returned_list_for_user(*, user: Any) -> QuerySet[Evidence]:
    """The apprentice's evidence returned for changes, with the comment of the return that sent it back."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    last_return = ReviewDecision.objects.filter(evidence=OuterRef("pk"), action=ReviewDecision.Action.RETURN).order_by(
        "-decided_at", "-id"
    )
    return (
        _base()
        .filter(state=Evidence.State.RETURNED, apprenticeship__apprentice=user)
        .annotate(
            return_comment=Subquery(last_return.values("comment")[:1]),
            returned_at=Subquery(last_return.values("decided_at")[:1]),
        )
        .order_by("-returned_at", "-id")
    )
