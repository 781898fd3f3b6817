"""Reads for the provider admin's pages: the providers a person administers and what hangs off them.

Everything here is scoped to the providers where the user holds an active provider-admin membership (all of
them for a superuser). The pages use these for their choices (who may be assigned, which employer) and
lists (memberships, invitations); object fetches still go through `portfolio.people.selectors`, so a record
of another provider is a 404 there.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portfolio.people.models import Apprenticeship, Invitation, Membership, Organisation, User
from portfolio.people.selectors import (
    apprenticeship_list_for_user,
    invitation_list_for_user,
    user_provider_ids,
)

_ADMIN = frozenset({Membership.Role.PROVIDER_ADMIN})
# Apprenticeships still running: the ones that need an assessor and a line manager.
OPEN_STATUSES = (
    Apprenticeship.Status.IN_LEARNING,
    Apprenticeship.Status.READY,
    Apprenticeship.Status.IN_ASSESSMENT,
    Apprenticeship.Status.BREAK_IN_LEARNING,
)


def provider_list_administered_by(*, user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
    if user.is_superuser:
        return providers
    return providers.filter(pk__in=user_provider_ids(user=user, roles=_ADMIN))


def organisation_list_administered_by(*, user: Any) -> QuerySet[Organisation]:
    """The providers a person administers and the employers those providers manage."""
    providers = provider_list_administered_by(user=user)
    return Organisation.objects.select_related("provider").filter(
        Q(pk__in=providers.values("pk")) | Q(provider_id__in=providers.values("pk"))
    )


def employer_list_administered_by(*, user: Any) -> QuerySet[Organisation]:
    return organisation_list_administered_by(user=user).filter(kind=Organisation.Kind.EMPLOYER)


def assignable_people(*, user: Any, role: str) -> QuerySet[User]:
    """People who may fill a slot (tutor, assessor, line manager, mentor) on one of this admin's
    apprenticeships: active members in that role at an organisation the admin administers. The service
    checks the exact organisation (this provider, that employer) when the form is saved."""
    organisations = organisation_list_administered_by(user=user).values("pk")
    members = Membership.objects.filter(organisation_id__in=organisations, role=role, is_active=True)
    return User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by(
        "first_name", "last_name", "email"
    )


def membership_list_administered_by(*, user: Any) -> QuerySet[Membership]:
    organisations = organisation_list_administered_by(user=user).values("pk")
    return (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation_id__in=organisations)
        .order_by("organisation__kind", "organisation__name", "-is_active", "user__email", "role")
    )


def invitation_list_pending(*, user: Any) -> QuerySet[Invitation]:
    return invitation_list_for_user(user=user).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def apprenticeship_list_administered_by(*, user: Any) -> QuerySet[Apprenticeship]:
    providers = provider_list_administered_by(user=user).values("pk")
    return apprenticeship_list_for_user(user=user).filter(provider_id__in=providers)


def apprenticeship_list_missing(*, user: Any, slot: str) -> QuerySet[Apprenticeship]:
    """Running apprenticeships of this admin's providers with nobody in `slot` (assessor, line_manager)."""
    if slot not in {"assessor", "line_manager"}:
        raise ValueError(f"unknown slot {slot!r}")
    return apprenticeship_list_administered_by(user=user).filter(status__in=OPEN_STATUSES, **{f"{slot}__isnull": True})


def admin_counts(*, user: Any) -> dict[str, int]:
    """The start page's numbers, in two queries whatever the size of the provider."""
    counts = apprenticeship_list_administered_by(user=user).aggregate(
        without_assessor=Count("pk", filter=Q(status__in=OPEN_STATUSES, assessor__isnull=True)),
        without_line_manager=Count("pk", filter=Q(status__in=OPEN_STATUSES, line_manager__isnull=True)),
    )
    counts["pending_invitations"] = invitation_list_pending(user=user).count()
    return counts
