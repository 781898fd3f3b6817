from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.people.models import Apprenticeship, Membership, Organisation, User
from portfolio.people.selectors import user_is_admin_of
from portfolio.people.services.invitations import (
    IssuedInvitation,
    invitation_create,
    user_get_or_create_for_invitation,
)
from portfolio.standards.models import Option, Standard


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()

# Who may be assigned to which slot: the role they must hold, and at which side of the apprenticeship.
ASSIGNMENTS: dict[str, tuple[str, str]] = {
    "tutor": (Membership.Role.TUTOR, "provider"),
    "assessor": (Membership.Role.ASSESSOR, "provider"),
    "line_manager": (Membership.Role.LINE_MANAGER, "employer"),
    "mentor": (Membership.Role.MENTOR, "employer"),
}


def apprenticeship_route_check(*, standard: Standard, option: Option | None) -> None:
    """The option rule of the assessment plans: a standard with options needs exactly one of its own."""
    if option is not None and option.standard_id != standard.pk:
        raise ValidationError(
            {
                "option": f"{option.title!r} is an option of another standard, not {standard.reference} "
                f"v{standard.version}: choose one of this standard's options."
            }
        )
    if option is None and standard.options.exists():
        titles = ", ".join(standard.options.values_list("title", flat=True))
        raise ValidationError(
            {"option": f"{standard.reference} v{standard.version} has options; choose one: {titles}."}
        )


def _assignment_check(*, slot: str, person: User | None, provider: Organisation, employer: Organisation) -> None:
    if person is None:
        return
    role, side = ASSIGNMENTS[slot]
    label = Membership.Role(role).label.lower()
    organisation = provider if side == "provider" else employer
    if not Membership.objects.filter(user=person, organisation=organisation, role=role, is_active=True).exists():
        raise ValidationError({slot: f"{person.email} is not an active {label} at {organisation}."})


def _dates_check(start_date: datetime.date, planned_end_date: datetime.date) -> None:
    if planned_end_date <= start_date:
        raise ValidationError({"planned_end_date": "The planned end date must be after the start date."})


@transaction.atomic
def apprenticeship_create(
    *,
    actor: Any,
    provider: Organisation,
    employer: Organisation,
    apprentice_email: str,
    standard: Standard,
    option: Option | None,
    start_date: datetime.date,
    planned_end_date: datetime.date,
    apprentice_first_name: str = "",
    apprentice_last_name: str = "",
    tutor: User | None = None,
    assessor: User | None = None,
    line_manager: User | None = None,
    mentor: User | None = None,
) -> tuple[Apprenticeship, IssuedInvitation | None]:
    """Create an apprenticeship and, for a person without an account yet, invite them to set a password.

    A person who already has an account (from an earlier apprenticeship, say) is linked to it, not
    duplicated, and sees the new apprenticeship at their next sign-in.
    """
    if not provider.is_provider or not user_is_admin_of(user=actor, provider=provider):
        raise PermissionDenied("Only an admin of the provider can create its apprenticeships.")
    if employer.kind != Organisation.Kind.EMPLOYER or employer.provider_id != provider.pk:
        raise ValidationError({"employer": "Choose an employer this provider works with."})
    apprenticeship_route_check(standard=standard, option=option)
    _dates_check(start_date, planned_end_date)
    people = {"tutor": tutor, "assessor": assessor, "line_manager": line_manager, "mentor": mentor}
    for slot, person in people.items():
        _assignment_check(slot=slot, person=person, provider=provider, employer=employer)
    apprentice = user_get_or_create_for_invitation(
        email=apprentice_email, first_name=apprentice_first_name, last_name=apprentice_last_name
    )
    apprenticeship = Apprenticeship.objects.create(
        apprentice=apprentice,
        provider=provider,
        employer=employer,
        standard=standard,
        option=option,
        start_date=start_date,
        planned_end_date=planned_end_date,
        **people,
    )
    audit_record(
        actor=actor,
        action="apprenticeship.create",
        target=apprenticeship,
        changes=_snapshot(apprenticeship),
    )
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="apprenticeship created")
    issued = None
    if not apprentice.has_usable_password():
        issued = invitation_create(
            actor=actor,
            email=apprentice.email,
            role="apprentice",
            apprenticeship=apprenticeship,
        )
    return apprenticeship, issued


@transaction.atomic
def apprenticeship_update(
    *,
    actor: Any,
    apprenticeship: Apprenticeship,
    option: Option | None = UNSET,
    start_date: datetime.date = UNSET,
    planned_end_date: datetime.date = UNSET,
    status: str = UNSET,
    tutor: User | None = UNSET,
    assessor: User | None = UNSET,
    line_manager: User | None = UNSET,
    mentor: User | None = UNSET,
) -> Apprenticeship:
    """Change what may change. The standard, provider, employer and apprentice are fixed: a move to another
    standard version or provider is a new apprenticeship, so the evidence trail stays with its route."""
    if not user_is_admin_of(user=actor, provider=apprenticeship.provider):
        raise PermissionDenied("Only an admin of the provider can change its apprenticeships.")
    apprenticeship = Apprenticeship.objects.select_for_update().get(pk=apprenticeship.pk)
    before = _snapshot(apprenticeship)
    requested: dict[str, Any] = {
        "option": option,
        "start_date": start_date,
        "planned_end_date": planned_end_date,
        "status": status,
        "tutor": tutor,
        "assessor": assessor,
        "line_manager": line_manager,
        "mentor": mentor,
    }
    for field, value in requested.items():
        if value is UNSET:
            continue
        if field == "status" and value not in Apprenticeship.Status.values:
            raise ValidationError({"status": f"Unknown status {value!r}."})
        if field in ASSIGNMENTS:
            _assignment_check(
                slot=field, person=value, provider=apprenticeship.provider, employer=apprenticeship.employer
            )
        setattr(apprenticeship, field, value)
    apprenticeship_route_check(standard=apprenticeship.standard, option=apprenticeship.option)
    _dates_check(apprenticeship.start_date, apprenticeship.planned_end_date)
    after = _snapshot(apprenticeship)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        apprenticeship.save()
        audit_record(
            actor=actor,
            action="apprenticeship.update",
            target=apprenticeship,
            changes=changes,
        )
        if "option" in changes:  # the route changed: other AOs count now
            coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="option changed")
    return apprenticeship


def _snapshot(apprenticeship: Apprenticeship) -> dict[str, Any]:
    def pid(obj: Any) -> str | None:
        return str(obj.public_id) if obj is not None else None

    return {
        "apprentice": pid(apprenticeship.apprentice),
        "provider": pid(apprenticeship.provider),
        "employer": pid(apprenticeship.employer),
        "standard": pid(apprenticeship.standard),
        "option": pid(apprenticeship.option),
        "start_date": apprenticeship.start_date.isoformat(),
        "planned_end_date": apprenticeship.planned_end_date.isoformat(),
        "status": apprenticeship.status,
        "tutor": pid(apprenticeship.tutor),
        "assessor": pid(apprenticeship.assessor),
        "line_manager": pid(apprenticeship.line_manager),
        "mentor": pid(apprenticeship.mentor),
    }
