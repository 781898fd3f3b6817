from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.people.models import Apprenticeship, Membership, Organisation, User
from portfolio.people.selectors import user_is_admin_of
from portfolio.people.services.breaks import status_change_records_break
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
    otj_planned_hours: int | None = UNSET,
    rpl_hours: int = UNSET,
    rpl_reason: str = UNSET,
    date_of_birth: datetime.date | None = UNSET,
    english_maths: str = UNSET,
    english_maths_reason: str = UNSET,
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
        "otj_planned_hours": otj_planned_hours,
        "rpl_hours": rpl_hours,
        "rpl_reason": rpl_reason.strip() if isinstance(rpl_reason, str) else rpl_reason,
        "date_of_birth": date_of_birth,
        "english_maths": english_maths,
        "english_maths_reason": english_maths_reason.strip()
        if isinstance(english_maths_reason, str)
        else english_maths_reason,
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
    apprenticeship_plan_check(apprenticeship=apprenticeship)
    after = _snapshot(apprenticeship)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if "status" in changes:
        # A break in learning is a dated record, not only a status: moving the status in or out of a break
        # opens or closes one today (the breaks page records other dates).
        status_change_records_break(actor=actor, apprenticeship=apprenticeship, from_status=before["status"])
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
        elif GATE_INPUTS & set(changes):  # the OTJ figures and the gateway's gates read these
            coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="plan changed")
    return apprenticeship


# Fields of the apprenticeship the gateway's gates and the OTJ figures read: a change is a coverage input.
GATE_INPUTS = frozenset(
    {
        "start_date",
        "planned_end_date",
        "status",
        "otj_planned_hours",
        "rpl_hours",
        "date_of_birth",
        "english_maths",
    }
)
MAX_PLAN_HOURS = 10000
YOUNGEST_AT_START = 15  # below this at the start date, the date of birth is surely mistyped


def apprenticeship_plan_check(*, apprenticeship: Apprenticeship) -> None:
    """The OTJ plan, RPL, date of birth and English and maths fields, each with what to do when wrong."""
    errors: dict[str, str] = {}
    planned = apprenticeship.otj_planned_hours
    if planned is not None and not 1 <= planned <= MAX_PLAN_HOURS:
        errors["otj_planned_hours"] = (
            f"Give the planned off-the-job hours as a whole number from 1 to {MAX_PLAN_HOURS}."
        )
    if not 0 <= apprenticeship.rpl_hours <= MAX_PLAN_HOURS:
        errors["rpl_hours"] = f"Give the RPL hours as a whole number from 0 to {MAX_PLAN_HOURS}."
    elif apprenticeship.rpl_hours and not apprenticeship.rpl_reason:
        errors["rpl_reason"] = "Say what prior learning was recognised: RPL hours need a reason for the audit trail."
    born = apprenticeship.date_of_birth
    if born is not None:
        start = apprenticeship.start_date
        age_at_start = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        if age_at_start < YOUNGEST_AT_START:
            errors["date_of_birth"] = (
                f"With this date of birth the apprentice would be {age_at_start} at the start "
                f"({start:%d %b %Y}): check the date (day, month, year)."
            )
    if apprenticeship.english_maths not in Apprenticeship.EnglishMaths.values:
        errors["english_maths"] = "Choose achieved, not required or not yet achieved."
    elif apprenticeship.english_maths == Apprenticeship.EnglishMaths.NOT_REQUIRED and not (
        apprenticeship.english_maths_reason
    ):
        errors["english_maths_reason"] = (
            "Say why English and maths are not required (for example: exempt through prior achievement)."
        )
    if errors:
        raise ValidationError(errors)


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
        "otj_planned_hours": apprenticeship.otj_planned_hours,
        "rpl_hours": apprenticeship.rpl_hours,
        "rpl_reason": apprenticeship.rpl_reason,
        "date_of_birth": apprenticeship.date_of_birth.isoformat() if apprenticeship.date_of_birth else None,
        "english_maths": apprenticeship.english_maths,
        "english_maths_reason": apprenticeship.english_maths_reason,
    }
