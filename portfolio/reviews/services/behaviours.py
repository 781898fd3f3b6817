"""Behaviours: under the reformed rules the employer confirms each behaviour statement once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.people.models import Apprenticeship
from portfolio.reviews.models import BehaviourConfirmation
from portfolio.reviews.roles import employer_reviewer_role
from portfolio.standards.models import Statement


def _require_employer_contact(actor: Any, apprenticeship: Apprenticeship, what: str) -> None:
    if employer_reviewer_role(user=actor, apprenticeship=apprenticeship) is None:
        raise PermissionDenied(f"Only a line manager or mentor at the apprentice's employer can {what} behaviours.")


@transaction.atomic
def behaviour_confirm(
    *,
    actor: Any,
    apprenticeship: Apprenticeship,
    statement_codes: Iterable[str],
    confirmed_on: datetime.date,
    comment: str,
) -> list[BehaviourConfirmation]:
    """Confirm behaviour statements (B codes of the apprenticeship's standard) with a date and a comment."""
    _require_employer_contact(actor, apprenticeship, "confirm")
    # The apprenticeship row is the lock: two contacts confirming at once queue here, and the second one is
    # told the behaviour is already confirmed instead of hitting the unique constraint.
    Apprenticeship.objects.select_for_update().get(pk=apprenticeship.pk)
    codes = list(dict.fromkeys(code.strip().upper() for code in statement_codes))
    comment = comment.strip()
    errors: dict[str, Any] = {}
    if not codes:
        errors["statements"] = "Choose at least one behaviour to confirm."
    if not comment:
        errors["comment"] = "Say what you saw: a confirmation needs a comment."
    if confirmed_on > timezone.localdate():
        errors["confirmed_on"] = "The date cannot be in the future."
    statements = {
        s.code: s
        for s in Statement.objects.filter(
            standard=apprenticeship.standard, kind=Statement.Kind.BEHAVIOUR, code__in=codes
        )
    }
    live = set(
        BehaviourConfirmation.objects.filter(
            apprenticeship=apprenticeship, withdrawn_at__isnull=True, statement__code__in=codes
        ).values_list("statement__code", flat=True)
    )
    per_code = {}
    for code in codes:
        if code not in statements:
            per_code[code] = f"{code} is not a behaviour of {apprenticeship.standard.reference}."
        elif code in live:
            per_code[code] = f"{code} is already confirmed; withdraw that confirmation first to confirm it again."
    if per_code:
        errors["statements"] = [per_code]
    if errors:
        raise ValidationError(errors)
    created = [
        BehaviourConfirmation.objects.create(
            apprenticeship=apprenticeship,
            statement=statements[code],
            confirmed_by=actor,
            confirmed_on=confirmed_on,
            comment=comment,
        )
        for code in codes
    ]
    for confirmation in created:
        audit_record(
            actor=actor,
            action="behaviour.confirmed",
            target=confirmation,
            target_repr=f"{confirmation.statement.code} for {apprenticeship}",
            changes={"statement": confirmation.statement.code, "confirmed_on": confirmed_on, "comment": comment},
        )
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="behaviour confirmed")
    return created


@transaction.atomic
def behaviour_confirmation_withdraw(*, actor: Any, confirmation: BehaviourConfirmation) -> BehaviourConfirmation:
    """Withdraw a confirmation: kept, marked withdrawn, so the record shows it was once given."""
    confirmation = (
        BehaviourConfirmation.objects.select_for_update()
        .select_related("apprenticeship", "statement")
        .get(pk=confirmation.pk)
    )
    _require_employer_contact(actor, confirmation.apprenticeship, "withdraw")
    if confirmation.withdrawn_at is not None:
        raise ValidationError({"confirmation": "This confirmation was already withdrawn."})
    confirmation.withdrawn_at = timezone.now()
    confirmation.withdrawn_by = actor
    confirmation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        action="behaviour.withdrawn",
        target=confirmation,
        target_repr=f"{confirmation.statement.code} for {confirmation.apprenticeship}",
        changes={"statement": confirmation.statement.code},
    )
    coverage_mark_dirty(apprenticeship_ids=[confirmation.apprenticeship_id], reason="behaviour withdrawn")
    return confirmation
