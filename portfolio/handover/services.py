"""Grant and revoke an assessment organisation's read-only access to one portfolio, and record each look."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.handover.models import PortfolioGrant
from portfolio.people.models import Apprenticeship, Membership, Organisation

# Who at the provider may hand a portfolio over: its admins and assessors.
GRANTING_ROLES = frozenset({Membership.Role.PROVIDER_ADMIN, Membership.Role.ASSESSOR})


def _may_grant(user: Any, apprenticeship: Apprenticeship) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, is_active=True, role__in=GRANTING_ROLES, organisation_id=apprenticeship.provider_id
    ).exists()


@transaction.atomic
def grant_create(
    *,
    actor: Any,
    apprenticeship: Apprenticeship,
    organisation: Organisation,
    starts_at: datetime | None = None,
    expires_at: datetime | None = None,
    note: str = "",
) -> PortfolioGrant:
    if not _may_grant(actor, apprenticeship):
        raise PermissionDenied("Only an admin or an assessor of the provider can grant access to this portfolio.")
    if (
        organisation.kind != Organisation.Kind.ASSESSMENT_ORGANISATION
        or organisation.provider_id != apprenticeship.provider_id
    ):
        raise ValidationError({"organisation": "Choose one of your provider's assessment organisations."})
    now = timezone.now()
    starts_at = starts_at or now
    expires_at = expires_at or starts_at + timedelta(days=settings.HANDOVER_GRANT_DAYS)
    if expires_at <= starts_at:
        raise ValidationError({"expires_at": "The access must end after it starts."})
    if expires_at <= now:
        raise ValidationError({"expires_at": "The access would already have ended: choose a later date."})
    grant = PortfolioGrant.objects.create(
        apprenticeship=apprenticeship,
        organisation=organisation,
        granted_by=actor,
        starts_at=starts_at,
        expires_at=expires_at,
        note=note.strip(),
    )
    audit_record(
        actor=actor,
        action="handover.grant",
        target=grant,
        target_repr=f"{organisation} may see {apprenticeship}",
        changes={
            "apprenticeship": str(apprenticeship.public_id),
            "organisation": str(organisation.public_id),
            "starts_at": starts_at,
            "expires_at": expires_at,
        },
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: Any, grant: PortfolioGrant) -> PortfolioGrant:
    grant = PortfolioGrant.objects.select_for_update().select_related("apprenticeship").get(pk=grant.pk)
    if not _may_grant(actor, grant.apprenticeship):
        raise PermissionDenied("Only an admin or an assessor of the provider can revoke access to this portfolio.")
    if grant.revoked_at is not None:
        return grant  # revoking twice changes nothing
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, action="handover.revoke", target=grant, target_repr=str(grant))
    return grant


def handover_access_record(*, actor: Any, apprenticeship: Apprenticeship, what: str, target: Any = None) -> None:
    """An assessment organisation's user looked at (`what`="view") or downloaded ("download", "export")
    something of a granted portfolio: the provider sees each in the audit log."""
    audit_record(
        actor=actor,
        action=f"handover.{what}",
        target=target if target is not None else apprenticeship,
        target_repr=str(target if target is not None else apprenticeship),
        changes={"apprenticeship": str(apprenticeship.public_id)},
    )
