"""Each gateway gate worked out by hand, through the engine (one SQL pass), from a world where every gate passes
(tests/gateway/helpers.py): each test breaks or mends one gate and checks the stored figures and verdict.

TODAY is 2 July 2026 unless a test says otherwise; the apprentice started on 1 September 2025.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from portfolio.coverage.gates import gate_explain
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.evidence.models import Evidence
from portfolio.gateway.services.policy import manual_gate_create, manual_gate_update
from portfolio.gateway.services.ticks import manual_gate_tick, manual_gate_tick_withdraw
from portfolio.otj.models import OtjActivity
from portfolio.otj.services.decisions import otj_activity_reverse
from portfolio.people.models import Apprenticeship
from tests.factories import EvidenceFactory
from tests.gateway.helpers import (
    add_break,
    gate_world,
    gates_of,
    log_otj,
    set_apprenticeship,
    set_gateway_policy,
    set_minimum,
    withdraw_behaviour,
)

pytestmark = pytest.mark.django_db
D = datetime.date
LONDON = zoneinfo.ZoneInfo("Europe/London")  # the site's time zone (settings.TIME_ZONE)


def test_the_world_passes_every_gate_under_the_defaults() -> None:
    g = gate_world()
    summary = gates_of(g.a)
    assert summary.blocking == []
    assert summary.ready is True
    assert summary.state == ReadinessState.READY
    assert {key: gate["passed"] for key, gate in summary.gates.items()} == {
        "coverage": True, "behaviours_confirmed": True, "otj": True, "practical_period": True, "english_maths": True,
        "manual": True,
    }  # fmt: skip
    assert summary.gates["manual"]["enabled"] is False  # the provider has no manual gates


# --- Off-the-job hours: approved minutes >= (minimum - RPL) x 60 ---------------------------------------------------


def test_otj_212_of_278_hours_with_rpl_pending_and_declined_entries() -> None:
    g = gate_world(minimum_hours=300, approved_minutes=0)
    set_apprenticeship(g.a, rpl_hours=22, rpl_reason="Level 2 certificate in the same field")
    log_otj(g.a, 212 * 60)  # approved
    log_otj(g.a, 120, state=OtjActivity.State.PENDING)
    log_otj(g.a, 600, state=OtjActivity.State.DECLINED)

    otj = gates_of(g.a).gates["otj"]

    # required = (300 - 22) h = 278 h = 16,680 min; approved = 12,720 min; pending and declined do not count
    assert (otj["approved_minutes"], otj["required_minutes"], otj["pending_minutes"]) == (12720, 16680, 120)
    assert (otj["minimum_hours"], otj["rpl_hours"], otj["passed"]) == (300, 22, False)
    assert gate_explain("otj", otj) == (
        "OTJ 212 h of 278 h approved (300 h minimum less 22 h recognised prior learning): 66 h to go. "
        "2 h awaiting approval."
    )
    assert gates_of(g.a).blocking == ["otj"]


def test_otj_passes_at_exactly_the_required_minutes_and_not_one_minute_before() -> None:
    g = gate_world(minimum_hours=300, approved_minutes=0)
    set_apprenticeship(g.a, rpl_hours=22, rpl_reason="Level 2 certificate in the same field")
    log_otj(g.a, 16679)
    assert gates_of(g.a).gates["otj"]["passed"] is False
    log_otj(g.a, 1)
    summary = gates_of(g.a)
    assert (summary.gates["otj"]["approved_minutes"], summary.gates["otj"]["passed"]) == (16680, True)
    assert summary.state == ReadinessState.READY


def test_otj_without_a_minimum_for_the_standard_version_stands_and_says_who_sets_it() -> None:
    g = gate_world(minimum_hours=0, approved_minutes=500 * 60)
    otj = gates_of(g.a).gates["otj"]
    assert (otj["required_minutes"], otj["minimum_hours"], otj["passed"]) == (None, None, False)
    assert "no minimum OTJ hours are recorded for this standard version" in gate_explain("otj", otj)
    set_minimum(g.world, 400)
    assert gates_of(g.a).gates["otj"]["passed"] is True


def test_rpl_above_the_minimum_leaves_nothing_to_do() -> None:
    g = gate_world(minimum_hours=100, approved_minutes=0)
    set_apprenticeship(g.a, rpl_hours=150, rpl_reason="Degree in the subject")
    otj = gates_of(g.a).gates["otj"]
    assert (otj["required_minutes"], otj["passed"]) == (0, True)


def test_an_approval_withdrawn_later_makes_the_gate_fail_again() -> None:
    g = gate_world(minimum_hours=10, approved_minutes=0)
    [entry] = log_otj(g.a, 600)
    assert gates_of(g.a).gates["otj"]["passed"] is True
    otj_activity_reverse(actor=g.world.tutor, activity=entry, comment="The workshop was part of the day job.")
    assert gates_of(g.a).gates["otj"]["passed"] is False


def test_the_otj_gate_off_lets_an_apprentice_without_hours_through() -> None:
    g = gate_world(minimum_hours=300, approved_minutes=0)
    assert gates_of(g.a).ready is False
    set_gateway_policy(g.world, otj_gate=False)
    summary = gates_of(g.a)
    assert summary.gates["otj"]["enabled"] is False
    assert summary.ready is True


# --- Expected OTJ to date and "behind" -----------------------------------------------------------------------------


def test_expected_to_date_and_behind_with_the_tolerance() -> None:
    # Days are half-open, as portfolio/otj/figures.py counts them: planned 400 h over 1 Jan - 31 Dec 2026 is 364
    # planned days; on 2 July, 182 days in learning: expected = 24,000 x 182 / 364 = 12,000 min. Behind when
    # approved < 90 % of that: 10,800 min.
    g = gate_world(approved_minutes=0)
    set_apprenticeship(g.a, start_date=D(2026, 1, 1), planned_end_date=D(2026, 12, 31), otj_planned_hours=400)
    log_otj(g.a, 10799)
    otj = gates_of(g.a).gates["otj"]
    assert (otj["expected_minutes"], otj["tolerance_percent"], otj["behind"]) == (12000, 10, True)
    log_otj(g.a, 1)
    assert gates_of(g.a).gates["otj"]["behind"] is False
    set_gateway_policy(g.world, otj_tolerance_percent=5)  # now behind under 11,400 min
    assert gates_of(g.a).gates["otj"]["behind"] is True


def test_expected_to_date_leaves_out_the_days_of_a_break_in_learning() -> None:
    # A 30-day break (1-30 March) comes off both: 152 of 334 days, 24,000 x 152 / 334 = 10,922 min (rounded down).
    g = gate_world(approved_minutes=0)
    set_apprenticeship(g.a, start_date=D(2026, 1, 1), planned_end_date=D(2026, 12, 31), otj_planned_hours=400)
    add_break(g.a, D(2026, 3, 1), D(2026, 3, 30))
    assert gates_of(g.a).gates["otj"]["expected_minutes"] == 10922


def test_on_the_start_date_nothing_is_expected_yet_and_past_the_end_everything_is() -> None:
    g = gate_world(approved_minutes=0)
    set_apprenticeship(g.a, start_date=D(2026, 7, 2), planned_end_date=D(2027, 7, 2), otj_planned_hours=400)
    otj = gates_of(g.a).gates["otj"]
    assert (otj["expected_minutes"], otj["behind"]) == (0, False)
    set_apprenticeship(g.a, start_date=D(2025, 1, 1), planned_end_date=D(2026, 1, 1))
    assert gates_of(g.a).gates["otj"]["expected_minutes"] == 24000


def test_no_planned_hours_means_no_expected_figure_and_never_behind() -> None:
    g = gate_world(approved_minutes=0)
    set_apprenticeship(g.a, otj_planned_hours=None)
    otj = gates_of(g.a).gates["otj"]
    assert (otj["expected_minutes"], otj["behind"]) == (None, False)


# --- Activity last calendar month: approved OTJ or evidence ---------------------------------------------------------


def test_no_activity_last_month_then_an_approved_entry_on_its_last_day() -> None:
    g = gate_world(approved_minutes=0)  # its evidence is dated 1 Oct 2025; TODAY's last month is June 2026
    assert gates_of(g.a).gates["otj"]["active_last_month"] is False
    log_otj(g.a, 60, state=OtjActivity.State.PENDING, on=D(2026, 6, 30))  # not approved: no activity yet
    log_otj(g.a, 60, on=D(2026, 7, 1))  # this month: not last month
    assert gates_of(g.a).gates["otj"]["active_last_month"] is False
    log_otj(g.a, 60, on=D(2026, 6, 30))
    assert gates_of(g.a).gates["otj"]["active_last_month"] is True


def test_evidence_created_or_submitted_last_month_counts_as_activity() -> None:
    g = gate_world(approved_minutes=0)
    # Submitted today (after TODAY's July): its dates are then moved to the ones each step says.
    item = EvidenceFactory.create(apprenticeship=g.a, state=Evidence.State.SUBMITTED)
    june = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=LONDON)
    Evidence.objects.filter(pk=item.pk).update(created_at=june - datetime.timedelta(days=60), occurred_on=D(2026, 6, 1))
    assert gates_of(g.a).gates["otj"]["active_last_month"] is False  # the date it happened is not when it came in
    Evidence.objects.filter(pk=item.pk).update(submitted_at=june)
    assert gates_of(g.a).gates["otj"]["active_last_month"] is True
    # Local midnight bounds the month: 1 July 00:30 in London is still 30 June in UTC, and is July's.
    Evidence.objects.filter(pk=item.pk).update(submitted_at=datetime.datetime(2026, 7, 1, 0, 30, tzinfo=LONDON))
    assert gates_of(g.a).gates["otj"]["active_last_month"] is False


def test_last_month_does_not_apply_before_the_start_or_over_a_whole_month_break() -> None:
    g = gate_world(approved_minutes=0)
    add_break(g.a, D(2026, 5, 20), D(2026, 6, 29))  # back on 30 June: one day of June in learning
    assert gates_of(g.a).gates["otj"]["active_last_month"] is False
    add_break(g.a, D(2026, 6, 30), D(2026, 6, 30))  # and 30 June too
    assert gates_of(g.a).gates["otj"]["active_last_month"] is None  # all of June on a break
    set_apprenticeship(g.a, start_date=D(2026, 7, 1), planned_end_date=D(2027, 7, 1))
    assert gates_of(g.a).gates["otj"]["active_last_month"] is None  # not started in June
    set_apprenticeship(g.a, start_date=D(2025, 1, 1), planned_end_date=D(2026, 5, 31))
    assert gates_of(g.a).gates["otj"]["active_last_month"] is None  # the practical period ended in May


# --- Practical period: whole months from the start, breaks excluded -------------------------------------------------


def test_practical_period_from_31_january_reaches_8_months_on_1_october() -> None:
    g = gate_world()
    set_apprenticeship(g.a, start_date=D(2025, 1, 31), planned_end_date=D(2026, 12, 31))
    period = gates_of(g.a, today=D(2025, 9, 30)).gates["practical_period"]
    assert (period["months"], period["minimum_months"], period["passed"]) == (7, 8, False)
    assert gate_explain("practical_period", period) == "Practical period: 7 of 8 months."
    period = gates_of(g.a, today=D(2025, 10, 1)).gates["practical_period"]
    assert (period["months"], period["passed"]) == (8, True)


def test_a_month_is_complete_on_the_same_day_of_the_month() -> None:
    g = gate_world()
    set_apprenticeship(g.a, start_date=D(2025, 1, 15), planned_end_date=D(2026, 12, 31))
    assert gates_of(g.a, today=D(2025, 9, 14)).gates["practical_period"]["months"] == 7
    assert gates_of(g.a, today=D(2025, 9, 15)).gates["practical_period"]["months"] == 8
    assert gates_of(g.a, today=D(2024, 12, 1)).gates["practical_period"]["months"] == 0  # not started: none


def test_a_break_in_learning_puts_the_practical_period_back_by_its_days() -> None:
    g = gate_world()
    set_apprenticeship(g.a, start_date=D(2025, 1, 31), planned_end_date=D(2026, 12, 31))
    add_break(g.a, D(2025, 3, 1), D(2025, 3, 10))  # 10 days, both ends counted
    period = gates_of(g.a, today=D(2025, 10, 1)).gates["practical_period"]
    assert (period["months"], period["break_days"], period["passed"]) == (7, 10, False)  # as on 21 September
    assert gate_explain("practical_period", period) == (
        "Practical period: 7 of 8 months (10 days on a break in learning not counted)."
    )
    period = gates_of(g.a, today=D(2025, 10, 11)).gates["practical_period"]
    assert (period["months"], period["passed"]) == (8, True)  # as on 1 October


def test_an_open_break_stops_the_clock_and_says_so() -> None:
    g = gate_world(approved_minutes=0)  # no OTJ before the later start
    set_apprenticeship(g.a, start_date=D(2025, 11, 1), planned_end_date=D(2027, 8, 31))
    add_break(g.a, D(2026, 6, 1), None)  # open: 1 June to TODAY (2 July) is 32 days
    period = gates_of(g.a).gates["practical_period"]
    assert (period["break_days"], period["on_break"], period["months"]) == (32, True, 6)  # as on 31 May
    assert period["passed"] is False


def test_the_minimum_practical_period_is_the_provider_s_to_set() -> None:
    g = gate_world()  # 10 months by TODAY
    set_gateway_policy(g.world, minimum_practical_months=12)
    period = gates_of(g.a).gates["practical_period"]
    assert (period["months"], period["minimum_months"], period["passed"]) == (10, 12, False)
    set_gateway_policy(g.world, practical_period_gate=False)
    assert gates_of(g.a).gates["practical_period"]["passed"] is True


# --- English and maths: where 16 <= age < 19 on the start date ------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "start", "age", "applies"),
    [
        (D(2010, 9, 1), D(2026, 9, 1), 16, True),  # the 16th birthday is the start date
        (D(2010, 9, 2), D(2026, 9, 1), 15, False),  # a day short of 16
        (D(2007, 9, 1), D(2026, 9, 1), 19, False),  # the 19th birthday is the start date
        (D(2007, 9, 2), D(2026, 9, 1), 18, True),  # the day before the 19th birthday
        (D(2008, 2, 29), D(2027, 2, 28), 18, True),  # born on 29 February: not yet 19 on 28 February...
        (D(2008, 2, 29), D(2027, 3, 1), 19, False),  # ...19 on 1 March of a year without a 29th
        (D(2008, 2, 29), D(2024, 2, 29), 16, True),  # 16 on the day itself in a leap year
        (D(2008, 2, 29), D(2024, 2, 28), 15, False),
    ],
)
def test_age_at_the_start_decides_whether_english_and_maths_apply(
    born: datetime.date, start: datetime.date, age: int, applies: bool
) -> None:
    g = gate_world(approved_minutes=0)  # no OTJ before the later starts
    set_apprenticeship(g.a, date_of_birth=born, start_date=start, planned_end_date=start + datetime.timedelta(days=900))
    gate = gates_of(g.a).gates["english_maths"]
    assert (gate["age_at_start"], gate["applies"], gate["passed"]) == (age, applies, not applies)
    if applies:
        assert gate_explain("english_maths", gate) == f"{age} at the start: English and maths still to achieve."


@pytest.mark.parametrize(
    ("status", "passed"),
    [(Apprenticeship.EnglishMaths.PENDING, False), (Apprenticeship.EnglishMaths.ACHIEVED, True),
     (Apprenticeship.EnglishMaths.NOT_REQUIRED, True)],
)  # fmt: skip
def test_a_17_year_old_passes_once_english_and_maths_are_achieved_or_not_required(status: str, passed: bool) -> None:
    g = gate_world()
    set_apprenticeship(g.a, date_of_birth=D(2008, 3, 1), english_maths=status, english_maths_reason="GCSEs held")
    assert gates_of(g.a).gates["english_maths"]["passed"] is passed


def test_no_date_of_birth_with_english_and_maths_pending_stands_and_says_why() -> None:
    g = gate_world()
    set_apprenticeship(g.a, date_of_birth=None)
    summary = gates_of(g.a)
    gate = summary.gates["english_maths"]
    assert (gate["age_at_start"], gate["applies"], gate["passed"]) == (None, None, False)
    assert "the date of birth is not recorded" in gate_explain("english_maths", gate)
    assert summary.blocking == ["english_maths"]
    set_apprenticeship(g.a, english_maths=Apprenticeship.EnglishMaths.ACHIEVED)
    assert gates_of(g.a).gates["english_maths"]["passed"] is True


# --- Manual gates, coverage and behaviours ---------------------------------------------------------------------------


def test_a_manual_gate_holds_everyone_back_until_ticked_and_frees_them_when_retired() -> None:
    g = gate_world()
    gate = manual_gate_create(actor=g.world.admin, provider=g.world.provider, name="Mandatory qualification achieved")
    manual = gates_of(g.a).gates["manual"]
    assert (manual["enabled"], manual["total"], manual["ticked"], manual["passed"]) == (True, 1, 0, False)
    assert manual["missing"] == ["Mandatory qualification achieved"]
    tick = manual_gate_tick(actor=g.world.assessor, apprenticeship=g.a, gate=gate, note="Certificate 4471 seen")
    assert gates_of(g.a).gates["manual"]["passed"] is True
    manual_gate_tick_withdraw(actor=g.world.tutor, tick=tick)
    assert gates_of(g.a).gates["manual"]["missing"] == ["Mandatory qualification achieved"]
    manual_gate_update(actor=g.world.admin, gate=gate, active=False)
    manual = gates_of(g.a).gates["manual"]
    assert (manual["enabled"], manual["passed"]) == (False, True)


def test_coverage_and_behaviours_gates_as_before_and_off() -> None:
    g = gate_world()
    withdraw_behaviour(apprenticeship=g.a, statement=g.catalogue.statements["B2"], by=g.world.line_manager)
    summary = gates_of(g.a)
    assert summary.gates["behaviours_confirmed"]["missing"] == ["B2"]
    assert summary.blocking == ["behaviours_confirmed"]
    set_gateway_policy(g.world, behaviours_gate=False)
    assert gates_of(g.a).ready is True
    set_apprenticeship(g.a, option=g.catalogue.route_b)  # S4 is not covered on Route B
    summary = gates_of(g.a)
    assert (summary.gates["coverage"]["covered"], summary.gates["coverage"]["mapped"]) == (6, 7)
    assert summary.blocking == ["coverage"]
    set_gateway_policy(g.world, coverage_gate=False)
    assert gates_of(g.a).ready is True


def test_blocking_lists_every_failing_gate_in_checklist_order() -> None:
    g = gate_world(minimum_hours=0, approved_minutes=0)
    set_apprenticeship(g.a, date_of_birth=None, start_date=D(2026, 5, 1), planned_end_date=D(2027, 5, 1))
    assert gates_of(g.a).blocking == ["otj", "practical_period", "english_maths"]
