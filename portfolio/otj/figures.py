"""The OTJ figures of one apprenticeship, as pure functions of plain values (no database): easy to check by hand.

Days are counted as half-open ranges of dates, [first, last): an apprenticeship starting on 1 September has 0
days in learning on 1 September and 30 on 1 October. A break in learning covers its first day through its last
day (`ended_on`, included); an open break runs through today.

- Planned days = planned end date - start date, less the days of breaks inside that range. The planned end date
  itself is not moved by a break: when the provider agrees a new end date with the apprentice on their return,
  they change it on the apprenticeship's page.
- Days in learning so far = min(today, planned end date) - start date, less the days of breaks inside that range.
- Expected to date = planned volume x days in learning so far / planned days.
- Behind: approved < expected x (1 - tolerance).
- Required = the standard version's minimum less RPL, never below 0.
- Monthly activity: every calendar month of the practical period (start date to min(today, planned end date))
  that is over (or in which the period ended), leaving out months spent wholly on a break, must show approved
  OTJ or an evidence item created or submitted in it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

DEFAULT_TOLERANCE = Decimal("0.10")
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Break:
    started_on: datetime.date
    ended_on: datetime.date | None  # the last day of the break; None: open, runs through today


def _break_ranges(breaks: Iterable[Break], today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Each break as a half-open range [first day, day after the last), merged where they touch or overlap."""
    ranges = sorted((b.started_on, (b.ended_on or max(today, b.started_on)) + ONE_DAY) for b in breaks)
    merged: list[tuple[datetime.date, datetime.date]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def break_days(*, breaks: Iterable[Break], first: datetime.date, last: datetime.date, today: datetime.date) -> int:
    """Days of [first, last) that fall inside a break."""
    days = 0
    for start, end in _break_ranges(breaks, today):
        overlap = (min(end, last) - max(start, first)).days
        days += max(overlap, 0)
    return days


def learning_days(*, breaks: Iterable[Break], first: datetime.date, last: datetime.date, today: datetime.date) -> int:
    """Days of [first, last) not on a break (0 when last is not after first)."""
    if last <= first:
        return 0
    return (last - first).days - break_days(breaks=breaks, first=first, last=last, today=today)


def planned_days(
    *, start_date: datetime.date, planned_end_date: datetime.date, breaks: Iterable[Break], today: datetime.date
) -> int:
    return learning_days(breaks=breaks, first=start_date, last=planned_end_date, today=today)


def days_in_learning(
    *, start_date: datetime.date, planned_end_date: datetime.date, breaks: Iterable[Break], today: datetime.date
) -> int:
    return learning_days(breaks=breaks, first=start_date, last=min(today, planned_end_date), today=today)


def expected_minutes(*, planned_hours: int | None, days_so_far: int, days_planned: int) -> int | None:
    """Planned volume x days so far / planned days, in whole minutes (rounded down); None without a plan."""
    if planned_hours is None:
        return None
    if days_planned <= 0:
        return 0
    return planned_hours * 60 * min(days_so_far, days_planned) // days_planned


def required_minutes(*, minimum_hours: int | None, rpl_hours: int) -> int | None:
    """The minimum less recognised prior learning, never below 0; None while no minimum is set."""
    if minimum_hours is None:
        return None
    return max(minimum_hours - rpl_hours, 0) * 60


def is_behind(*, approved: int, expected: int | None, tolerance: Decimal) -> bool:
    """Approved below expected by more than the tolerance (a share, 0.10 = 10 %)."""
    if not expected:
        return False
    return Decimal(approved) < Decimal(expected) * (1 - tolerance)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_without_activity(
    *,
    start_date: datetime.date,
    planned_end_date: datetime.date,
    today: datetime.date,
    breaks: Iterable[Break],
    active_months: set[datetime.date],
) -> list[datetime.date]:
    """The first day of each month of the practical period with no activity (see the module's docstring).

    `active_months` holds the first day of every month with approved OTJ or an evidence item created or
    submitted in it. A month still running is judged once it is over, unless the practical period ended in it.
    """
    breaks = list(breaks)
    period_end = min(today, planned_end_date)  # the practical period so far: [start_date, period_end]
    period_over = planned_end_date < today
    found = []
    month = month_start(start_date)
    while month <= period_end:
        following = _next_month(month)
        month_over = following <= today
        first, last = max(month, start_date), min(following, period_end + ONE_DAY)
        on_break_all_month = learning_days(breaks=breaks, first=first, last=last, today=today) == 0
        if (month_over or period_over) and not on_break_all_month and month not in active_months:
            found.append(month)
        month = following
    return found


@dataclass(frozen=True)
class OtjFigures:
    """Everything the pages and the API show about one apprenticeship's OTJ hours (minutes throughout)."""

    approved_minutes: int
    pending_minutes: int
    planned_hours: int | None
    minimum_hours: int | None
    rpl_hours: int
    required_minutes: int | None
    planned_days: int
    days_in_learning: int
    expected_minutes: int | None
    tolerance: Decimal
    behind: bool
    months_without_activity: list[datetime.date] = field(default_factory=list)

    @property
    def to_go_minutes(self) -> int | None:
        if self.required_minutes is None:
            return None
        return max(self.required_minutes - self.approved_minutes, 0)

    @property
    def tolerance_percent(self) -> str:
        return format((self.tolerance * 100).normalize(), "f")

    @property
    def minimum_met(self) -> bool | None:
        return None if self.required_minutes is None else self.approved_minutes >= self.required_minutes


def otj_figures(
    *,
    start_date: datetime.date,
    planned_end_date: datetime.date,
    today: datetime.date,
    breaks: Iterable[Break],
    approved_minutes: int,
    pending_minutes: int = 0,
    planned_hours: int | None,
    minimum_hours: int | None,
    rpl_hours: int = 0,
    active_months: set[datetime.date] | None = None,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> OtjFigures:
    breaks = list(breaks)
    days_planned = planned_days(start_date=start_date, planned_end_date=planned_end_date, breaks=breaks, today=today)
    so_far = days_in_learning(start_date=start_date, planned_end_date=planned_end_date, breaks=breaks, today=today)
    expected = expected_minutes(planned_hours=planned_hours, days_so_far=so_far, days_planned=days_planned)
    return OtjFigures(
        approved_minutes=approved_minutes,
        pending_minutes=pending_minutes,
        planned_hours=planned_hours,
        minimum_hours=minimum_hours,
        rpl_hours=rpl_hours,
        required_minutes=required_minutes(minimum_hours=minimum_hours, rpl_hours=rpl_hours),
        planned_days=days_planned,
        days_in_learning=so_far,
        expected_minutes=expected,
        tolerance=tolerance,
        behind=is_behind(approved=approved_minutes, expected=expected, tolerance=tolerance),
        months_without_activity=months_without_activity(
            start_date=start_date,
            planned_end_date=planned_end_date,
            today=today,
            breaks=breaks,
            active_months=active_months or set(),
        ),
    )
