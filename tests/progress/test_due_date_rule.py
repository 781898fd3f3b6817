"""The due-date rule (portfolio/progress/schedule.py), worked by hand: due by the last day of the third calendar
month after the month of the previous review (or of the start), breaks in learning pausing the clock."""

from __future__ import annotations

import datetime

import pytest

from portfolio.otj.figures import Break
from portfolio.progress.schedule import (
    NONE_DUE_STATUSES,
    PAUSED_STATUSES,
    due_date,
    interval_for,
    month_end_after,
    month_index,
    next_due,
)

D = datetime.date


@pytest.mark.parametrize(
    ("anchor", "months", "due"),
    [
        (D(2025, 8, 1), 3, D(2025, 11, 30)),  # the rule's own example
        (D(2025, 8, 31), 3, D(2025, 11, 30)),  # the day of the month does not matter, only the month
        (D(2025, 10, 31), 3, D(2026, 1, 31)),  # into the next year
        (D(2025, 12, 1), 3, D(2026, 3, 31)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),  # February of a common year
        (D(2027, 11, 15), 3, D(2028, 2, 29)),  # February of a leap year
        (D(2099, 11, 1), 3, D(2100, 2, 28)),  # 2100 is not a leap year (divisible by 100, not by 400)
        (D(2025, 8, 1), 2, D(2025, 10, 31)),  # a provider's shorter interval
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2025, 8, 1), 6, D(2026, 2, 28)),  # a longer interval agreed with the employer
        (D(2025, 8, 1), 12, D(2026, 8, 31)),
    ],
)
def test_due_by_the_last_day_of_the_nth_month_after(anchor: D, months: int, due: D) -> None:
    assert month_end_after(anchor, months) == due
    assert due_date(anchor=anchor, interval_months=months, breaks=[], today=D(2025, 8, 2)) == due


def test_the_first_review_counts_from_the_start_date() -> None:
    due = next_due(status="in_learning", start_date=D(2025, 9, 1), last_held_on=None, interval_months=3, breaks=[],
                   today=D(2025, 9, 10))  # fmt: skip
    assert (due.due_on, due.anchor) == (D(2025, 12, 31), D(2025, 9, 1))


def test_a_later_review_counts_from_the_last_one_held() -> None:
    due = next_due(status="in_learning", start_date=D(2025, 9, 1), last_held_on=D(2026, 2, 10), interval_months=3,
                   breaks=[], today=D(2026, 3, 1))  # fmt: skip
    assert due.due_on == D(2026, 5, 31)


def test_days_on_a_break_move_the_due_date_later() -> None:
    # Review on 1 Aug 2025: due 30 Nov. A break 1-14 Oct (14 days, both ends included): due 14 Dec.
    breaks = [Break(D(2025, 10, 1), D(2025, 10, 14))]
    assert due_date(anchor=D(2025, 8, 1), interval_months=3, breaks=breaks, today=D(2026, 1, 1)) == D(2025, 12, 14)


def test_a_break_the_move_reaches_moves_it_further() -> None:
    # A break 20 Nov - 9 Dec (20 days). Up to 30 Nov it holds 11 days (20-30 Nov): 11 Dec. Up to 11 Dec it holds all
    # 20: 20 Dec. Up to 20 Dec still 20: it stands. The clock was stopped for the 20 days of the break.
    breaks = [Break(D(2025, 11, 20), D(2025, 12, 9))]
    assert due_date(anchor=D(2025, 8, 1), interval_months=3, breaks=breaks, today=D(2026, 1, 1)) == D(2025, 12, 20)


def test_a_break_after_the_due_date_or_before_the_last_review_does_not_move_it() -> None:
    after = [Break(D(2025, 12, 1), D(2025, 12, 10))]
    before = [Break(D(2025, 6, 1), D(2025, 7, 15))]
    for breaks in (after, before):
        assert due_date(anchor=D(2025, 8, 1), interval_months=3, breaks=breaks, today=D(2026, 1, 1)) == D(2025, 11, 30)


def test_two_breaks_add_up() -> None:
    breaks = [Break(D(2025, 9, 1), D(2025, 9, 10)), Break(D(2025, 10, 1), D(2025, 10, 5))]  # 10 + 5 days
    assert due_date(anchor=D(2025, 8, 1), interval_months=3, breaks=breaks, today=D(2026, 1, 1)) == D(2025, 12, 15)


def test_while_a_break_is_open_nothing_is_due() -> None:
    open_break = [Break(D(2025, 10, 1), None)]
    due = next_due(status="in_learning", start_date=D(2025, 8, 1), last_held_on=None, interval_months=3,
                   breaks=open_break, today=D(2025, 12, 5))  # fmt: skip
    assert (due.due_on, due.paused, due.overdue(D(2025, 12, 5))) == (None, True, False)
    on_break = next_due(status="break_in_learning", start_date=D(2025, 8, 1), last_held_on=None, interval_months=3,
                        breaks=[], today=D(2025, 12, 5))  # fmt: skip
    assert on_break.paused
    assert on_break.due_on is None


@pytest.mark.parametrize("status", ["withdrawn", "completed"])
def test_withdrawn_and_completed_apprenticeships_have_none_due(status: str) -> None:
    due = next_due(status=status, start_date=D(2025, 8, 1), last_held_on=None, interval_months=3, breaks=[],
                   today=D(2026, 6, 1))  # fmt: skip
    assert (due.due_on, due.none_due, due.overdue(D(2026, 6, 1))) == (None, status, False)
    assert status in due.explain(D(2026, 6, 1))


def test_overdue_from_the_day_after_the_due_date() -> None:
    due = next_due(status="in_learning", start_date=D(2025, 8, 1), last_held_on=None, interval_months=3, breaks=[],
                   today=D(2025, 11, 30))  # fmt: skip
    assert due.due_on == D(2025, 11, 30)
    assert not due.overdue(D(2025, 11, 30))
    assert due.overdue(D(2025, 12, 1))
    assert due.days_overdue(D(2025, 12, 8)) == 8
    assert due.explain(D(2025, 12, 8)) == "Overdue: was due by 30 Nov 2025 (8 days ago)."
    assert due.explain(D(2025, 11, 2)) == "Due by 30 Nov 2025."


def test_an_agreed_interval_wins_over_the_provider_s() -> None:
    assert interval_for(provider_months=2, agreed_months=6) == 6
    assert interval_for(provider_months=2, agreed_months=None) == 2
    assert interval_for(provider_months=None, agreed_months=None) == 3


@pytest.mark.parametrize("today", [D(2026, 1, 1), D(2026, 2, 28), D(2026, 3, 1), D(2026, 3, 10), D(2028, 2, 29)])
def test_the_month_end_date_has_passed_exactly_when_its_month_is_before_today_s(today: D) -> None:
    # The fact lists narrow the overdue with in SQL (progress.selectors.overdue_ids), for every anchor and interval.
    anchors = [D(2024, 1, 1) + datetime.timedelta(days=n) for n in range(4 * 366)]
    for months in range(1, 13):
        for anchor in anchors:
            passed = month_end_after(anchor, months) < today
            assert passed == (month_index(anchor) + months < month_index(today)), (anchor, months)


@pytest.mark.parametrize("status", ["in_learning", "ready", "in_assessment", "break_in_learning", "withdrawn", "x"])
def test_with_no_break_and_a_running_status_the_month_end_date_is_the_due_date(status: str) -> None:
    # The fact lists count the overdue by in SQL, reading only the others (progress.selectors.overdue_count).
    today = D(2026, 3, 10)
    running = status not in NONE_DUE_STATUSES and status not in PAUSED_STATUSES
    for months in (1, 3, 4, 12):
        for anchor in (D(2025, 1, 31), D(2025, 11, 15), D(2026, 2, 28), D(2026, 3, 1)):
            due = next_due(
                status=status, start_date=anchor, last_held_on=None, interval_months=months, breaks=[], today=today
            )
            assert (due.due_on == month_end_after(anchor, months)) is running, (status, anchor, months)
