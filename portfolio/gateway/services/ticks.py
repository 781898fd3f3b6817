"""Manual gates ticked per apprenticeship by provider staff, with a note; withdrawn, never deleted."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.gateway.models import ManualGate, ManualGateTick
from portfolio.gateway.roles import staff_role
from portfolio.people.models import Apprenticeship


def _require_staff(actor: Any, apprenticeship: Apprenticeship) -> None:
    if staff_role(user=actor, apprenticeship=apprenticeship) is None:
        raise PermissionDenied(
            "Only an assessor, tutor or admin of the apprentice's training provider can tick its manual gates."
        )


@transaction.atomic
def manual_gate_tick(*, actor: Any, apprenticeship: Apprenticeship, gate: ManualGate, note: str) -> ManualGateTick:
    _require_staff(actor, apprenticeship)
    # The apprenticeship row is the lock: two people ticking the same gate at once queue here, and the second
    # is told it is ticked already instead of meeting the unique constraint.
    Apprenticeship.objects.select_for_update().get(pk=apprenticeship.pk)
    note = note.strip()
    errors = {}
    if gate.provider_id != apprenticeship.provider_id or not gate.is_active:
        errors["gate"] = "Choose one of the manual gates your provider uses now."
    elif ManualGateTick.objects.filter(gate=gate, apprenticeship=apprenticeship, withdrawn_at__isnull=True).exists():
        errors["gate"] = f"“{gate.name}” is already ticked; withdraw that tick first to tick it again."
    if not note:
        errors["note"] = "Say what you checked: a tick needs a note (the certificate's number, say)."
    if errors:
        raise ValidationError(errors)
    tick = ManualGateTick.objects.create(
        gate=gate, apprenticeship=apprenticeship, ticked_by=actor, ticked_at=timezone.now(), note=note
    )
    audit_record(
        actor=actor,
        action="manual_gate.ticked",
        target=tick,
        target_repr=f"{gate.name} for {apprenticeship}",
        changes={"gate": gate.name, "note": note},
    )
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="manual gate ticked")
    return tick


@transaction.atomic
def manual_gate_tick_withdraw(*, actor: Any, tick: ManualGateTick) -> ManualGateTick:
    tick = ManualGateTick.objects.select_for_update().select_related("apprenticeship", "gate").get(pk=tick.pk)
    _require_staff(actor, tick.apprenticeship)
    if tick.withdrawn_at is not None:
        raise ValidationError({"tick": "This tick was already withdrawn."})
    tick.withdrawn_at = timezone.now()
    tick.withdrawn_by = actor
    tick.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        action="manual_gate.tick_withdrawn",
        target=tick,
        target_repr=f"{tick.gate.name} for {tick.apprenticeship}",
        changes={"gate": tick.gate.name},
    )
    coverage_mark_dirty(apprenticeship_ids=[tick.apprenticeship_id], reason="manual gate tick withdrawn")
    return tick
