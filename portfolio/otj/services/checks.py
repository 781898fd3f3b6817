"""The rules every logged or re-approved entry must keep, each refused with a message that says what to do.

- Minutes from 1 to 1,440 (24 hours); a description; one of the activity types.
- Not before the apprenticeship's start date, and over by now (its end is not in the future).
- No overlap in time with another entry of the same apprenticeship that is pending or approved. Times are
  wall-clock times on the entry's date; an entry may run past midnight, so the entries of the day before and
  the day after are compared too.
- The pending and approved entries dated on one day total at most 24 hours.
- Linked evidence belongs to the same apprenticeship.

`entry_check_fields` needs no lock. `entry_check_against_others` must run after the caller has locked the
apprenticeship row (`apprenticeship_lock`): two entries written at once then queue, and the second sees the
first, so two overlapping entries can never both be saved.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from portfolio.evidence.models import Evidence
from portfolio.otj.lifecycle import COUNTED_FOR_RULES
from portfolio.otj.models import MINUTES_PER_DAY, OtjActivity
from portfolio.people.models import Apprenticeship

DATE_FORMAT = "%-d %b %Y"


def describe_minutes(minutes: int) -> str:
    """1,530 -> "25 h 30 min", 45 -> "45 min", 120 -> "2 h"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _span(date: datetime.date, start_time: datetime.time, minutes: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(date, start_time)
    return start, start + datetime.timedelta(minutes=minutes)


def _clock(moment: datetime.datetime, date: datetime.date) -> str:
    text = moment.strftime("%H:%M")
    return text if moment.date() == date else f"{text} on {moment.strftime(DATE_FORMAT)}"


def apprenticeship_lock(*, apprenticeship: Apprenticeship) -> Apprenticeship:
    """Lock the apprenticeship row until the transaction ends: the one lock every OTJ write takes first."""
    return Apprenticeship.objects.select_for_update().get(pk=apprenticeship.pk)


def entry_check_fields(
    *,
    apprenticeship: Apprenticeship,
    date: datetime.date,
    start_time: datetime.time,
    minutes: int,
    activity_type: str,
    description: str,
    now: datetime.datetime | None = None,
) -> None:
    """The rules one entry keeps on its own."""
    errors: dict[str, str] = {}
    if activity_type not in OtjActivity.ActivityType.values:
        labels = ", ".join(label.lower() for label in OtjActivity.ActivityType.labels)
        errors["activity_type"] = f"Choose the kind of activity: {labels}."
    if not description.strip():
        errors["description"] = "Say what you did and what you learned."
    if minutes < 1:
        errors["minutes"] = "Give the time spent: at least 1 minute."
    elif minutes > MINUTES_PER_DAY:
        errors["minutes"] = (
            f"One entry can be at most 24 hours; you gave {describe_minutes(minutes)}. Log a longer activity as "
            "one entry per day."
        )
    if date < apprenticeship.start_date:
        errors["date"] = (
            f"{date.strftime(DATE_FORMAT)} is before the apprenticeship started "
            f"({apprenticeship.start_date.strftime(DATE_FORMAT)}): off-the-job training counts from the start date."
        )
    elif "minutes" not in errors:
        local_now = timezone.localtime(now or timezone.now()).replace(tzinfo=None)
        start, end = _span(date, start_time, minutes)
        if start > local_now:
            errors["date"] = (
                f"{start.strftime(DATE_FORMAT)} at {start:%H:%M} is in the future: log an activity once it has "
                "happened."
            )
        elif end > local_now:
            errors["start_time"] = (
                f"This activity would end at {_clock(end, date)}, which is still to come: log it once it is over, "
                "or shorten it."
            )
    if errors:
        raise ValidationError(errors)


def entry_check_against_others(
    *,
    apprenticeship: Apprenticeship,
    date: datetime.date,
    start_time: datetime.time,
    minutes: int,
    exclude: OtjActivity | None = None,
) -> None:
    """No overlap with the apprenticeship's other pending or approved entries, and at most 24 hours a day.
    Call with the apprenticeship locked."""
    others = OtjActivity.objects.filter(
        apprenticeship=apprenticeship,
        state__in=COUNTED_FOR_RULES,
        date__range=(date - datetime.timedelta(days=1), date + datetime.timedelta(days=1)),
    ).order_by("date", "start_time", "pk")
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    start, end = _span(date, start_time, minutes)
    day_total = minutes
    for other in others:
        other_start, other_end = _span(other.date, other.start_time, other.minutes)
        if other_start < end and start < other_end:
            raise ValidationError(
                {
                    "start_time": (
                        f"This overlaps the {other.get_activity_type_display().lower()} logged for "
                        f"{other.date.strftime(DATE_FORMAT)} from {other_start:%H:%M} to "
                        f"{_clock(other_end, other.date)} ({other.get_state_display().lower()}): entries cannot "
                        "overlap in time. Change the start time or the duration, or change that entry."
                    )
                },
                code="overlap",
            )
        if other.date == date:
            day_total += other.minutes
    if day_total > MINUTES_PER_DAY:
        raise ValidationError(
            {
                "minutes": (
                    f"{date.strftime(DATE_FORMAT)} would have {describe_minutes(day_total)} of off-the-job training "
                    "logged, more than the 24 hours in a day. Check the durations of that day's entries."
                )
            },
            code="day_total",
        )


def evidence_for_entry(*, apprenticeship: Apprenticeship, evidence_ids: Iterable[uuid.UUID | str]) -> list[Evidence]:
    """The linked evidence items, which must all be in this apprenticeship's portfolio."""
    wanted: list[str] = []
    for value in evidence_ids:
        try:
            wanted.append(str(uuid.UUID(str(value))))
        except ValueError:
            raise ValidationError({"evidence": f"{str(value)[:64]!r} is not an evidence id."}) from None
    wanted = list(dict.fromkeys(wanted))
    found = {str(e.public_id): e for e in Evidence.objects.filter(apprenticeship=apprenticeship, public_id__in=wanted)}
    missing = [value for value in wanted if value not in found]
    if missing:
        # The same words for an item of another apprenticeship and for no item at all: nothing leaks.
        raise ValidationError(
            {
                "evidence": f"No evidence item {', '.join(missing)} in this apprenticeship's portfolio: link only "
                "evidence of the same apprenticeship."
            }
        )
    return [found[value] for value in wanted]


def snapshot(activity: OtjActivity, evidence: Iterable[Any] | None = None) -> dict[str, Any]:
    """What the audit log records of an entry."""
    items = evidence if evidence is not None else activity.evidence.all()
    return {
        "date": activity.date.isoformat(),
        "start_time": activity.start_time.strftime("%H:%M"),
        "minutes": activity.minutes,
        "activity_type": activity.activity_type,
        "description": activity.description,
        "evidence": sorted(str(e.public_id) for e in items),
        "state": activity.state,
    }
