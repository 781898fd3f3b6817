"""Breaks in learning: a provider admin records when a break starts and when it ends.

Starting a break sets the apprenticeship's status to `break_in_learning`; ending it sets it back to
`in_learning`. The days of a break are left out of the OTJ figures and the minimum duration, so every change
marks coverage dirty in its transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.people.models import Apprenticeship, BreakInLearning
from portfolio.people.selectors import user_is_admin_of

Status = Apprenticeship.Status
# A finished or withdrawn apprenticeship has no learning to pause.
NO_BREAK_FROM = frozenset({Status.COMPLETED, Status.WITHDRAWN})


def _day(date: datetime.date) -> str:
    return date.strftime("%-d %b %Y")


def _require_admin(actor: Any, apprenticeship: Apprenticeship) -> None:
    if not user_is_admin_of(user=actor, provider=apprenticeship.provider):
        raise PermissionDenied("Only an admin of the apprenticeship's provider can record a break in learning.")


def _lock(apprenticeship: Apprenticeship) -> Apprenticeship:
    return Apprenticeship.objects.select_for_update().select_related("provider").get(pk=apprenticeship.pk)


def _open_break(apprenticeship: Apprenticeship) -> BreakInLearning | None:
    return BreakInLearning.objects.filter(apprenticeship=apprenticeship, ended_on__isnull=True).first()


def _start_check(apprenticeship: Apprenticeship, started_on: datetime.date) -> None:
    if apprenticeship.status in NO_BREAK_FROM:
        raise ValidationError(
            {"status": f"The apprenticeship is {apprenticeship.get_status_display().lower()}: it cannot take a break."}
        )
    if _open_break(apprenticeship) is not None:
        raise ValidationError({"started_on": "A break is already open: record its end first."})
    if started_on < apprenticeship.start_date:
        raise ValidationError(
            {"started_on": f"A break cannot start before the apprenticeship did ({_day(apprenticeship.start_date)})."}
        )
    if started_on > timezone.localdate():
        raise ValidationError(
            {"started_on": "A break is recorded once it has started: the date cannot be in the future."}
        )
    latest = BreakInLearning.objects.filter(apprenticeship=apprenticeship).order_by("-started_on").first()
    if latest is not None and latest.ended_on is not None and started_on <= latest.ended_on:
        raise ValidationError(
            {
                "started_on": f"The last break ran from {_day(latest.started_on)} to {_day(latest.ended_on)}: a new "
                "break starts after it ended."
            }
        )


@transaction.atomic
def break_in_learning_start(
    *,
    actor: Any,
    apprenticeship: Apprenticeship,
    started_on: datetime.date,
    reason: str = "",
) -> BreakInLearning:
    """Open a break from `started_on` and set the status to break in learning."""
    _require_admin(actor, apprenticeship)
    apprenticeship = _lock(apprenticeship)
    _start_check(apprenticeship, started_on)
    record = BreakInLearning.objects.create(
        apprenticeship=apprenticeship, started_on=started_on, reason=reason.strip(), recorded_by=actor
    )
    before = apprenticeship.status
    apprenticeship.status = Status.BREAK_IN_LEARNING
    apprenticeship.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="apprenticeship.break_started",
        target=apprenticeship,
        changes={"started_on": started_on, "reason": record.reason, "status": [before, apprenticeship.status]},
    )
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="break started")
    return record


def _end_check(record: BreakInLearning | None, ended_on: datetime.date) -> BreakInLearning:
    if record is None:
        raise ValidationError({"ended_on": "There is no open break to end."})
    if ended_on < record.started_on:
        raise ValidationError(
            {
                "ended_on": f"The break started on {_day(record.started_on)}: its last day cannot be before that. "
                "If the apprentice never took it, end it on its first day."
            }
        )
    if ended_on > timezone.localdate():
        raise ValidationError(
            {"ended_on": "Record the end of a break once it is over: the date cannot be in the future."}
        )
    return record


@transaction.atomic
def break_in_learning_end(
    *,
    actor: Any,
    apprenticeship: Apprenticeship,
    ended_on: datetime.date,
) -> BreakInLearning:
    """Close the open break on `ended_on` (its last day) and set the status back to in learning."""
    _require_admin(actor, apprenticeship)
    apprenticeship = _lock(apprenticeship)
    record = _end_check(_open_break(apprenticeship), ended_on)
    record.ended_on = ended_on
    record.save(update_fields=["ended_on"])
    before = apprenticeship.status
    if apprenticeship.status == Status.BREAK_IN_LEARNING:
        apprenticeship.status = Status.IN_LEARNING
        apprenticeship.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="apprenticeship.break_ended",
        target=apprenticeship,
        changes={"started_on": record.started_on, "ended_on": ended_on, "status": [before, apprenticeship.status]},
    )
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="break ended")
    return record


def status_change_records_break(
    *, actor: Any, apprenticeship: Apprenticeship, from_status: str, request: HttpRequest | None = None
) -> None:
    """For apprenticeship_update (which holds the row lock and writes the status and the audit entry): a status
    moved into a break opens one today; moved out of a break closes the open one (its last day yesterday, or
    today when it started today)."""
    today = timezone.localdate()
    if apprenticeship.status == Status.BREAK_IN_LEARNING and from_status != Status.BREAK_IN_LEARNING:
        if from_status in NO_BREAK_FROM:
            raise ValidationError(
                {"status": f"A {Status(from_status).label.lower()} apprenticeship cannot take a break in learning."}
            )
        if _open_break(apprenticeship) is None:
            _start_check(apprenticeship, today)
            BreakInLearning.objects.create(apprenticeship=apprenticeship, started_on=today, recorded_by=actor)
    elif from_status == Status.BREAK_IN_LEARNING and apprenticeship.status != Status.BREAK_IN_LEARNING:
        record = _open_break(apprenticeship)
        if record is not None:
            record.ended_on = max(record.started_on, today - datetime.timedelta(days=1))
            record.save(update_fields=["ended_on"])
    else:
        return
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="break status changed")
