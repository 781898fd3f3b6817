"""The OTJ figures, worked by hand (portfolio/otj/figures.py: pure functions, no database).

The running example: start 1 Sep 2025, planned end 1 Sep 2027 (730 days: 2026 and 2027 are not leap years),
400 planned hours, a break in learning through January 2026 (1-31 Jan, 31 days), today 1 Mar 2026.
Days so far: Sep 30 + Oct 31 + Nov 30 + Dec 31 + Jan 31 + Feb 28 = 181, less the 31 of the break = 150.
Planned days: 730 - 31 = 699. Expected: 400 h x 60 x 150 / 699 = 3,600,000 / 699 = 5,150.2 -> 5,150 minutes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portfolio.otj.figures import (
    Break,
    break_days,
    days_in_learning,
    expected_minutes,
    is_behind,
    months_without_activity,
    otj_figures,
    planned_days,
    required_minutes,
)

D = datetime.date
START, END, TODAY = D(2025, 9, 1), D(2027, 9, 1), D(2026, 3, 1)
JANUARY_BREAK = Break(D(2026, 1, 1), D(2026, 1, 31))


def test_days_in_learning_and_planned_days_leave_out_the_break() -> None:
    assert days_in_learning(start_date=START, planned_end_date=END, breaks=[], today=TODAY) == 181
    assert days_in_learning(start_date=START, planned_end_date=END, breaks=[JANUARY_BREAK], today=TODAY) == 150
    assert planned_days(start_date=START, planned_end_date=END, breaks=[], today=TODAY) == 730
    assert planned_days(start_date=START, planned_end_date=END, breaks=[JANUARY_BREAK], today=TODAY) == 699


def test_expected_to_date_with_a_break_in_learning() -> None:
    figures = otj_figures(
        start_date=START, planned_end_date=END, today=TODAY, breaks=[JANUARY_BREAK], approved_minutes=0,
        planned_hours=400, minimum_hours=None,
    )  # fmt: skip
    assert (figures.days_in_learning, figures.planned_days) == (150, 699)
    assert figures.expected_minutes == 5150  # 3,600,000 / 699 = 5,150.2, rounded down
    # Without the break: 400 x 60 x 181 / 730 = 4,344,000 / 730 = 5,950.7
    no_break = otj_figures(
        start_date=START, planned_end_date=END, today=TODAY, breaks=[], approved_minutes=0, planned_hours=400,
        minimum_hours=None,
    )  # fmt: skip
    assert no_break.expected_minutes == 5950


def test_an_open_break_runs_through_today() -> None:
    # Open since 1 Feb: so far it covers 1-28 Feb (today is not yet a day so far), in the plan 1 Feb-1 Mar.
    open_break = [Break(D(2026, 2, 1), None)]
    assert break_days(breaks=open_break, first=START, last=TODAY, today=TODAY) == 28
    assert days_in_learning(start_date=START, planned_end_date=END, breaks=open_break, today=TODAY) == 181 - 28
    assert planned_days(start_date=START, planned_end_date=END, breaks=open_break, today=TODAY) == 730 - 29
    # 400 x 60 x 153 / 701 = 3,672,000 / 701 = 5,238.2
    assert expected_minutes(planned_hours=400, days_so_far=153, days_planned=701) == 5238


def test_overlapping_breaks_are_counted_once() -> None:
    breaks = [Break(D(2026, 1, 1), D(2026, 1, 20)), Break(D(2026, 1, 10), D(2026, 1, 31))]
    assert break_days(breaks=breaks, first=START, last=TODAY, today=TODAY) == 31


def test_on_the_start_date_nothing_is_expected_and_at_the_planned_end_everything() -> None:
    assert days_in_learning(start_date=START, planned_end_date=END, breaks=[], today=START) == 0
    assert days_in_learning(start_date=START, planned_end_date=END, breaks=[], today=D(2030, 1, 1)) == 730
    assert expected_minutes(planned_hours=400, days_so_far=730, days_planned=730) == 24000
    assert expected_minutes(planned_hours=None, days_so_far=10, days_planned=730) is None
    # A plan spent wholly on a break expects nothing rather than dividing by zero.
    assert expected_minutes(planned_hours=400, days_so_far=0, days_planned=0) == 0


def test_required_is_the_minimum_less_rpl_never_below_zero() -> None:
    assert required_minutes(minimum_hours=278, rpl_hours=0) == 278 * 60
    assert required_minutes(minimum_hours=278, rpl_hours=20) == 258 * 60
    assert required_minutes(minimum_hours=278, rpl_hours=300) == 0
    assert required_minutes(minimum_hours=None, rpl_hours=20) is None


def test_to_go_with_rpl() -> None:
    # "OTJ 212 of 278 h: 66 h to go" without RPL; with 20 h RPL the required is 258 h: 46 h to go.
    common = {"start_date": START, "planned_end_date": END, "today": TODAY, "breaks": [], "planned_hours": 400}
    plain = otj_figures(approved_minutes=212 * 60, minimum_hours=278, **common)  # type: ignore[arg-type]
    assert (plain.required_minutes, plain.to_go_minutes, plain.minimum_met) == (278 * 60, 66 * 60, False)
    rpl = otj_figures(approved_minutes=212 * 60, minimum_hours=278, rpl_hours=20, **common)  # type: ignore[arg-type]
    assert (rpl.required_minutes, rpl.to_go_minutes) == (258 * 60, 46 * 60)
    done = otj_figures(approved_minutes=260 * 60, minimum_hours=278, rpl_hours=20, **common)  # type: ignore[arg-type]
    assert (done.to_go_minutes, done.minimum_met) == (0, True)


@pytest.mark.parametrize(
    ("approved", "tolerance", "behind"),
    [
        (4635, Decimal("0.10"), False),  # exactly 90 % of 5,150: not more than 10 % short
        (4634, Decimal("0.10"), True),
        (5149, Decimal("0"), True),  # no tolerance: any shortfall
        (5150, Decimal("0"), False),
        (2575, Decimal("0.50"), False),
        (2574, Decimal("0.50"), True),
    ],
)
def test_behind_is_more_than_the_tolerance_short_of_expected(approved: int, tolerance: Decimal, behind: bool) -> None:
    assert is_behind(approved=approved, expected=5150, tolerance=tolerance) is behind


def test_nothing_expected_is_never_behind() -> None:
    assert is_behind(approved=0, expected=None, tolerance=Decimal("0.10")) is False
    assert is_behind(approved=0, expected=0, tolerance=Decimal("0.10")) is False


def test_months_without_activity_skip_whole_months_on_a_break_and_the_running_month() -> None:
    # Start 15 Sep 2025; today 10 Mar 2026 (March is still running). A break through December and January.
    # Active: September and November. Judged: Sep-Feb; December and January were wholly on a break.
    months = months_without_activity(
        start_date=D(2025, 9, 15), planned_end_date=D(2027, 9, 1), today=D(2026, 3, 10),
        breaks=[Break(D(2025, 12, 1), D(2026, 1, 31))], active_months={D(2025, 9, 1), D(2025, 11, 1)},
    )  # fmt: skip
    assert months == [D(2025, 10, 1), D(2026, 2, 1)]


def test_a_month_partly_on_a_break_still_needs_activity() -> None:
    months = months_without_activity(
        start_date=D(2025, 9, 1), planned_end_date=D(2027, 9, 1), today=D(2026, 1, 5),
        breaks=[Break(D(2025, 10, 10), D(2025, 12, 31))], active_months={D(2025, 9, 1)},
    )  # fmt: skip
    assert months == [D(2025, 10, 1)]  # November and December wholly on the break


def test_the_month_the_practical_period_ended_is_judged_at_once() -> None:
    # Planned end 10 Feb 2026, today 20 Feb: February is still running but the period is over.
    months = months_without_activity(
        start_date=D(2025, 12, 1), planned_end_date=D(2026, 2, 10), today=D(2026, 2, 20), breaks=[],
        active_months={D(2025, 12, 1), D(2026, 1, 1)},
    )  # fmt: skip
    assert months == [D(2026, 2, 1)]
    # On 1 March, the months after the planned end are not part of the period.
    later = months_without_activity(
        start_date=D(2025, 12, 1), planned_end_date=D(2026, 2, 10), today=D(2026, 5, 1), breaks=[],
        active_months={D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)},
    )  # fmt: skip
    assert later == []


def test_the_tolerance_reads_as_a_percentage() -> None:
    common = {"start_date": START, "planned_end_date": END, "today": TODAY, "breaks": [], "approved_minutes": 0}
    assert otj_figures(planned_hours=1, minimum_hours=1, **common).tolerance_percent == "10"  # type: ignore[arg-type]
    one = otj_figures(planned_hours=1, minimum_hours=1, tolerance=Decimal("1"), **common)  # type: ignore[arg-type]
    assert one.tolerance_percent == "100"
    half = otj_figures(planned_hours=1, minimum_hours=1, tolerance=Decimal("0.125"), **common)  # type: ignore[arg-type]
    assert half.tolerance_percent == "12.5"
