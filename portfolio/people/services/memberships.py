from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.people.models import Membership, Organisation, User
from portfolio.people.selectors import user_is_admin_of


def membership_role_check(*, organisation: Organisation, role: str) -> None:
    if role not in Membership.roles_for(organisation.kind):
        allowed = ", ".join(sorted(Membership.roles_for(organisation.kind)))
        where = "a training provider" if organisation.is_provider else "an employer"
        raise ValidationError({"role": f"{role!r} is not a role at {where}: use {allowed}."})


@transaction.atomic
def membership_grant(*, actor: Any, user: User, organisation: Organisation, role: str) -> Membership:
    """Give a person a role at an organisation (idempotent: an existing membership is reactivated).

    Callers have already checked the right to grant: an accepted invitation, or the demo loader.
    """
    membership_role_check(organisation=organisation, role=role)
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created or not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="membership.grant",
            target=membership,
            changes={"user": str(user.public_id), "organisation": str(organisation.public_id), "role": role},
        )
    return membership


@transaction.atomic
def membership_set_active(*, actor: Any, membership: Membership, is_active: bool) -> Membership:
    if not user_is_admin_of(user=actor, provider=membership.organisation):
        raise PermissionDenied("Only an admin of the provider can change this membership.")
    if membership.user_id == actor.pk and not is_active and membership.role == Membership.Role.PROVIDER_ADMIN:
        # Removing your own admin role could leave a provider with nobody able to manage it.
        raise ValidationError({"is_active": "You cannot remove your own admin role; ask another admin."})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active != is_active:
        membership.is_active = is_active
        membership.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="membership.activate" if is_active else "membership.deactivate",
            target=membership,
            changes={"is_active": [not is_active, is_active]},
        )
    return membership
