"""Who may see which granted portfolio, and when: the one place that decides it for assessment organisations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portfolio.exports.models import PortfolioExport
from portfolio.handover.models import PortfolioGrant
from portfolio.people.models import Apprenticeship, Membership
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    apprenticeship_list_for_user,
    user_assessment_organisation_ids,
)


def _active(now: datetime) -> Q:
    return Q(revoked_at__isnull=True, starts_at__lte=now, expires_at__gt=now)


def grant_list_for_assessment_user(*, user: Any, now: datetime | None = None) -> QuerySet[PortfolioGrant]:
    """The grants in force now to the assessment organisations where the user is an active member."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return PortfolioGrant.objects.none()
    return (
        PortfolioGrant.objects.filter(_active(now or timezone.now()))
        .filter(organisation_id__in=user_assessment_organisation_ids(user=user))
        .select_related("organisation", "apprenticeship__apprentice", "apprenticeship__standard")
    )


def granted_apprenticeship_get(*, user: Any, public_id: uuid.UUID | str, now: datetime | None = None) -> Apprenticeship:
    """The apprenticeship, when a grant in force lets the user see it; Http404 otherwise (before the grant
    starts, after it expires or is revoked, for another organisation, or an id that does not exist)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    grants = grant_list_for_assessment_user(user=user, now=now).filter(apprenticeship__public_id=key)
    apprenticeship = (
        Apprenticeship.objects.filter(pk__in=grants.values("apprenticeship_id"))
        .select_related("apprentice", "provider", "employer", "standard", "option")
        .first()
    )
    if apprenticeship is None:
        raise Http404
    return apprenticeship


def grant_list_for_provider_user(*, user: Any) -> QuerySet[PortfolioGrant]:
    """Every grant (past and present) on the apprenticeships the user sees as provider staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return PortfolioGrant.objects.none()
    visible = apprenticeship_list_for_user(user=user)
    if not user.is_superuser:
        staff_of = Membership.objects.filter(user=user, is_active=True, role__in=Membership.PROVIDER_ROLES)
        visible = visible.filter(provider_id__in=staff_of.values("organisation_id"))
    return PortfolioGrant.objects.filter(apprenticeship__in=visible.values("pk")).select_related(
        "organisation", "granted_by", "revoked_by", "apprenticeship__apprentice"
    )


def grant_is_active(grant: PortfolioGrant, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return grant.revoked_at is None and grant.starts_at <= now < grant.expires_at


def user_is_staff_of(*, user: Any, provider_id: int, roles: frozenset[str] = Membership.PROVIDER_ROLES) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user_id=user.pk, is_active=True, role__in=roles, organisation_id=provider_id
    ).exists()


def staff_apprenticeship_get(*, user: Any, public_id: uuid.UUID | str) -> Apprenticeship:
    """The apprenticeship, when the user is staff of its provider; Http404 for everyone else."""
    apprenticeship = apprenticeship_get_for_user(user=user, public_id=public_id)
    if not user_is_staff_of(user=user, provider_id=apprenticeship.provider_id):
        raise Http404
    return apprenticeship


def export_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> PortfolioExport:
    """The export, for provider staff of its apprenticeship, or for the assessment organisation's user who
    asked for it while their grant lasts; Http404 for everyone else."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    export = PortfolioExport.objects.select_related("apprenticeship__apprentice").filter(public_id=key).first()
    if export is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if user_is_staff_of(user=user, provider_id=export.apprenticeship.provider_id):
        return export
    if export.requested_by_id == user.pk:
        granted_apprenticeship_get(user=user, public_id=export.apprenticeship.public_id)  # 404 once it ends
        return export
    raise Http404
