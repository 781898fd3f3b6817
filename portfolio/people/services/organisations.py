from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.people.models import Organisation
from portfolio.people.selectors import user_is_admin_of


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    kind: str,
    name: str,
    ukprn: str = "",
    provider: Organisation | None = None,
) -> Organisation:
    """Providers are created by a superuser; employers and assessment organisations by an admin of the
    provider that works with them."""
    if kind == Organisation.Kind.PROVIDER:
        if not actor.is_superuser:
            raise PermissionDenied("Only a site administrator can add a training provider.")
        if provider is not None:
            raise ValidationError({"provider": "A training provider is not managed by another provider."})
    elif kind in (Organisation.Kind.EMPLOYER, Organisation.Kind.ASSESSMENT_ORGANISATION):
        label = Organisation.Kind(kind).label.lower()
        if provider is None or not provider.is_provider:
            raise ValidationError({"provider": f"An {label} needs the training provider that works with it."})
        if not user_is_admin_of(user=actor, provider=provider):
            raise PermissionDenied(f"Only an admin of this provider can add an {label}.")
    else:
        raise ValidationError({"kind": f"Unknown kind {kind!r}: use provider, employer or assessment_org."})
    if not name.strip():
        raise ValidationError({"name": "Give the organisation's name."})
    organisation = Organisation.objects.create(kind=kind, name=name.strip(), ukprn=ukprn, provider=provider)
    audit_record(
        actor=actor,
        action="organisation.create",
        target=organisation,
        changes={"kind": kind, "name": organisation.name, "ukprn": ukprn, "provider": _pid(provider)},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: Any,
    organisation: Organisation,
    name: str | None = None,
    ukprn: str | None = None,
) -> Organisation:
    if not user_is_admin_of(user=actor, provider=organisation):
        raise PermissionDenied("Only an admin of the provider can change this organisation.")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes: dict[str, list[str]] = {}
    if name is not None and name.strip() != organisation.name:
        if not name.strip():
            raise ValidationError({"name": "Give the organisation's name."})
        changes["name"] = [organisation.name, name.strip()]
        organisation.name = name.strip()
    if ukprn is not None and ukprn != organisation.ukprn:
        changes["ukprn"] = [organisation.ukprn, ukprn]
        organisation.ukprn = ukprn
    if changes:
        organisation.save()
        audit_record(actor=actor, action="organisation.update", target=organisation, changes=changes)
    return organisation


def _pid(obj: Any) -> str | None:
    return str(obj.public_id) if obj is not None else None
