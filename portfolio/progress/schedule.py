"""When the next progress review is due, as pure functions of plain values (no database): easy to check by hand.

The 2025-26 funding rules: a review at least every three calendar months. A review is due by the last day of the
third calendar month after the month of the previous review, or of the start date for the first: a review on
1 August is due again by 30 November, one on 30 November by 28 February (29 in a leap year).

- The interval: the provider's (`ProgressReviewPolicy.interval_months`, 3 unless it chose a shorter one), or the
  apprenticeship's own longer interval agreed with the employer, with its reason (`AgreedReviewInterval`), which
  wins.
- Breaks in learning pause the clock: each day on a break between the previous review and the due date moves the
  due date one day later (and a break the move reaches moves it further). Days on a break after the due date do
  not move it: a review already late stays late. While a break is open nothing is due.
- Withdrawn and completed apprenticeships have none due.

Days of a break are counted as in portfolio/otj/figures.py: a break covers its first through its last day.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from portfolio.otj.figures import Break, break_days

DEFAULT_INTERVAL_MONTHS = 3
# A provider may review more often (1 or 2 months), never less often: a longer interval needs an apprenticeship's
# own agreed reason.
PROVIDER_INTERVALS = (1, 3)
AGREED_INTERVALS = (4, 12)
ONE_DAY = datetime.timedelta(days=1)

# Statuses with no review due (people.Apprenticeship.Status values).
NONE_DUE_STATUSES = {"withdrawn": "withdrawn", "completed": "completed"}
# Statuses that pause the clock whatever breaks are recorded: nothing is due while the status says so.
PAUSED_STATUSES = ("break_in_learning",)


def month_index(day: datetime.date) -> int:
    """The months from year 0 to the month of `day`: months apart are indexes apart.

    The month-end rule's date has passed exactly when its month comes before today's:
    `month_end_after(anchor, months) < today` when `month_index(anchor) + months < month_index(today)`. Breaks only
    move a due date later, so no review is overdue unless this holds. With no break recorded and a status in neither
    NONE_DUE_STATUSES nor PAUSED_STATUSES, the month-end rule's date is the due date itself (`next_due`), so this
    alone decides. Lists narrow the apprenticeships that could be overdue with it in SQL, take those it decides as
    they are, and pass only the others to `next_due` (progress.selectors.overdue_ids)."""
    return day.year * 12 + (day.month - 1)


@functools.lru_cache(maxsize=4096)  # a pure function of two values, called for every apprenticeship of a list
def month_end_after(day: datetime.date, months: int) -> datetime.date:
    """The last day of the calendar month `months` after the month of `day` (1 August, 3: 30 November)."""
    year, month = divmod(month_index(day) + months, 12)
    return datetime.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def due_date(
    *, anchor: datetime.date, interval_months: int, breaks: Iterable[Break], today: datetime.date
) -> datetime.date:
    """The day the next review is due by: the month-end rule from `anchor` (the previous review, or the start
    date), moved a day later for each day on a break from the anchor up to the due date."""
    breaks = list(breaks)
    base = month_end_after(anchor, interval_months)
    due = base
    # Each pass counts the break days up to the current due date; moving it may bring more break days in, so
    # repeat until it stands. It only grows, and breaks are finite, so it stops.
    while True:
        paused = break_days(breaks=breaks, first=anchor, last=due + ONE_DAY, today=today)
        moved = base + datetime.timedelta(days=paused)
        if moved == due:
            return due
        due = moved


@dataclass(frozen=True)
class Due:
    """Where an apprenticeship stands: when its next review is due, or why none is."""

    due_on: datetime.date | None
    anchor: datetime.date  # the previous review, or the start date
    interval_months: int
    paused: bool = False  # on a break in learning: the clock stands still
    none_due: str = ""  # "withdrawn" or "completed": no review is due at all

    def overdue(self, today: datetime.date) -> bool:
        return self.due_on is not None and self.due_on < today

    def days_overdue(self, today: datetime.date) -> int:
        return (today - self.due_on).days if self.due_on is not None and self.due_on < today else 0

    def explain(self, today: datetime.date) -> str:
        """In words, for pages and the CSV."""
        if self.none_due:
            return f"None due: the apprenticeship is {self.none_due}."
        if self.paused or self.due_on is None:
            return "Paused: on a break in learning."
        if self.overdue(today):
            days = self.days_overdue(today)
            return f"Overdue: was due by {day_text(self.due_on)} ({days} day{'s' if days != 1 else ''} ago)."
        return f"Due by {day_text(self.due_on)}."


def next_due(
    *,
    status: str,
    start_date: datetime.date,
    last_held_on: datetime.date | None,
    interval_months: int,
    breaks: Iterable[Break],
    today: datetime.date,
) -> Due:
    """The next review's due date for an apprenticeship in `status`, its last review held on `last_held_on`."""
    breaks = list(breaks)
    anchor = last_held_on or start_date
    if status in NONE_DUE_STATUSES:
        return Due(None, anchor, interval_months, none_due=NONE_DUE_STATUSES[status])
    open_break = any(b.ended_on is None and b.started_on <= today for b in breaks)
    if status in PAUSED_STATUSES or open_break:
        return Due(None, anchor, interval_months, paused=True)
    if not breaks:  # nothing paused the clock: the month-end rule alone (a list of thousands reads most this way)
        return Due(month_end_after(anchor, interval_months), anchor, interval_months)
    return Due(due_date(anchor=anchor, interval_months=interval_months, breaks=breaks, today=today), anchor,
               interval_months)  # fmt: skip


def day_text(day: datetime.date) -> str:
    """1 Aug 2025, as the pages write a date."""
    return f"{day.day} {day:%b %Y}"


def interval_for(*, provider_months: int | None, agreed_months: int | None) -> int:
    """The apprenticeship's agreed interval when it has one, else its provider's, else three months."""
    return agreed_months or provider_months or DEFAULT_INTERVAL_MONTHS
