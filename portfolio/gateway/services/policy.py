"""A provider's gateway settings and its manual gates: provider admins change them; every change marks the
provider's apprenticeships dirty in its transaction (one statement), and they are recomputed in batches after
commit, so a gate turned on or off shows in every summary, and moves readiness, without a per-apprentice loop."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_provider_dirty
from portfolio.gateway.models import GatewayPolicy, ManualGate
from portfolio.people.models import Organisation
from portfolio.people.selectors import user_is_admin_of

EDITABLE = (
    "coverage_gate",
    "behaviours_gate",
    "otj_gate",
    "practical_period_gate",
    "minimum_practical_months",
    "english_maths_gate",
    "otj_tolerance_percent",
)
MONTHS = (1, 60)
NAME_LENGTH = 120


def _require_admin(actor: Any, provider: Organisation) -> None:
    if not provider.is_provider:
        raise ValidationError({"provider": f"{provider} is an employer; gateway settings belong to providers."})
    if not user_is_admin_of(user=actor, provider=provider):
        raise PermissionDenied("Only an admin of this training provider can change its gateway settings.")


def gateway_policy_get_or_create(*, provider: Organisation) -> GatewayPolicy:
    """Created on demand with the defaults (every gate on, 8 months, 10 %)."""
    policy, _ = GatewayPolicy.objects.get_or_create(provider=provider)
    return policy


@transaction.atomic
def gateway_policy_update(*, actor: Any, provider: Organisation, **changes: Any) -> GatewayPolicy:
    _require_admin(actor, provider)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This setting cannot be changed here."))
    errors = {}
    months = changes.get("minimum_practical_months")
    if months is not None and not MONTHS[0] <= months <= MONTHS[1]:
        errors["minimum_practical_months"] = f"Give a number of months from {MONTHS[0]} to {MONTHS[1]}."
    tolerance = changes.get("otj_tolerance_percent")
    if tolerance is not None and not 0 <= tolerance <= 100:
        errors["otj_tolerance_percent"] = "Give a percentage from 0 to 100."
    if errors:
        raise ValidationError(errors)
    policy = GatewayPolicy.objects.select_for_update().filter(provider=provider).first()
    policy = policy or GatewayPolicy.objects.create(provider=provider)
    before = {name: getattr(policy, name) for name in EDITABLE}
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.save()
    diff = {name: [before[name], getattr(policy, name)] for name in EDITABLE if before[name] != getattr(policy, name)}
    if diff:
        audit_record(actor=actor, action="gateway_policy.updated", target=provider, changes=diff)
        coverage_mark_provider_dirty(provider_id=provider.pk, reason="gateway policy changed")
    return policy


def _clean_name(name: str, provider: Organisation, exclude: ManualGate | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Name the requirement, e.g. “Mandatory qualification achieved”."})
    if len(name) > NAME_LENGTH:
        raise ValidationError({"name": f"Keep the name to {NAME_LENGTH} characters; put details in the description."})
    clash = ManualGate.objects.filter(provider=provider, is_active=True, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": f"Your provider already has a manual gate named “{name}”."})
    return name


@transaction.atomic
def manual_gate_create(*, actor: Any, provider: Organisation, name: str, description: str = "") -> ManualGate:
    _require_admin(actor, provider)
    # The provider's policy row (created on demand) serialises concurrent changes to its gates.
    GatewayPolicy.objects.select_for_update().filter(pk=gateway_policy_get_or_create(provider=provider).pk).get()
    name = _clean_name(name, provider)
    position = (ManualGate.objects.filter(provider=provider).aggregate(last=Max("position"))["last"] or 0) + 1
    gate = ManualGate.objects.create(provider=provider, name=name, description=description.strip(), position=position)
    audit_record(actor=actor, action="manual_gate.created", target=gate, changes={"name": name})
    coverage_mark_provider_dirty(provider_id=provider.pk, reason="manual gate added")
    return gate


@transaction.atomic
def manual_gate_update(
    *, actor: Any, gate: ManualGate, name: str | None = None, description: str | None = None,
    active: bool | None = None,
) -> ManualGate:  # fmt: skip
    """Rename or describe a manual gate, or retire it (`active=False`: it no longer holds anyone back; its ticks
    stay on record). A retired gate is not brought back: add a new one."""
    gate = ManualGate.objects.select_for_update().select_related("provider").get(pk=gate.pk)
    _require_admin(actor, gate.provider)
    if not gate.is_active:
        raise ValidationError({"gate": "This manual gate was retired; add a new one instead."})
    changes: dict[str, Any] = {}
    if name is not None and " ".join(name.split()) != gate.name:
        changes["name"] = [gate.name, _clean_name(name, gate.provider, exclude=gate)]
        gate.name = changes["name"][1]
    if description is not None and description.strip() != gate.description:
        changes["description"] = [gate.description, description.strip()]
        gate.description = description.strip()
    if active is False:
        changes["active"] = [True, False]
        gate.is_active = False
        gate.retired_at = timezone.now()
    if changes:
        gate.save()
        audit_record(actor=actor, action="manual_gate.updated", target=gate, changes=changes)
        # The name is stored in the summaries of those still missing it, and retiring it may free them.
        coverage_mark_provider_dirty(provider_id=gate.provider_id, reason="manual gate changed")
    return gate
