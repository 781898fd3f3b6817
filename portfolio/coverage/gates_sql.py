# ruff: noqa: S608 - the SQL is built from this module's constants; every value is a query parameter.
"""The gateway gates and the readiness state as SQL, for the summary statement of portfolio/coverage/sql.py.

Every gate of a whole batch is worked out in the same pass as its coverage, with one aggregate per input table
(OTJ month totals, breaks in learning, last month's evidence, manual gate ticks, signatures) and no query per
apprenticeship. The rules are in portfolio/coverage/gates.py; the figures each gate stores are listed there.

Dates come from the `dates` CTE (today and last calendar month, in the site's time zone, set by the caller), so
a whole pass uses one "today" and a test can choose it. Time-dependent figures (the practical period, expected
OTJ to date, last month's activity) are refreshed by the daily pass (`coverage.refresh_daily`).

The OTJ figures follow portfolio/otj/figures.py, which the OTJ pages compute for one apprenticeship, so the cohort's
"behind" and "no activity last month" agree with them: days are half-open ranges [first, last) (0 days in learning
on the start date); a break covers its first through its last day, an open one through today; planned days =
planned end - start, days in learning = min(today, planned end) - start, each less the break days inside; expected
= planned hours x 60 x days in learning / planned days (0 when no planned days are left, null without a plan);
behind = approved < expected x (1 - tolerance). Last month is active with approved OTJ dated in it or an evidence
item created or submitted in it; it is judged only when it lies in the practical period (start to min(today,
planned end)) and was not wholly a break. Breaks of one apprenticeship do not overlap (the break services refuse
it), so their days are summed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from portfolio.coverage import gates
from portfolio.coverage.readiness_states import ReadinessState

if TYPE_CHECKING:
    from portfolio.coverage.sql import Dialect


@dataclass(frozen=True)
class Dates:
    today: datetime.date
    month_start: datetime.date
    last_month_start: datetime.date
    last_month_end: datetime.date

    @classmethod
    def on(cls, today: datetime.date) -> Dates:
        month_start = today.replace(day=1)
        last_month_end = month_start - datetime.timedelta(days=1)
        return cls(today, month_start, last_month_end.replace(day=1), last_month_end)

    def _midnight(self, day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    def params(self, vendor: str) -> list[Any]:
        # Dates as ISO text: PostgreSQL casts it, SQLite keeps its dates as this very text. Last month's bounds as
        # instants too (local midnights), for the evidence's timestamps: SQLite keeps those as UTC text.
        days = [day.isoformat() for day in (self.today, self.month_start, self.last_month_start, self.last_month_end)]
        instants: list[Any] = [self._midnight(self.last_month_start), self._midnight(self.month_start)]
        if vendor != "postgresql":
            instants = [moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S") for moment in instants]
        return [*days, *instants]


def dates_cte(d: Dialect) -> str:
    """Params: Dates.params()."""
    p = d.date_param
    moment = "CAST(%s AS timestamptz)" if d.vendor == "postgresql" else "%s"
    return (
        f"dates AS (SELECT {p} AS today, {p} AS month_start, {p} AS last_month_start, {p} AS last_month_end, "
        f"{moment} AS last_month_from, {moment} AS last_month_until)"
    )


def policy_columns(d: Dialect) -> str:
    """The provider's gate settings, for `targets` (LEFT JOIN gateway_gatewaypolicy gp): defaults without a row."""
    on = d.true
    return f"""COALESCE(gp.coverage_gate, {on}) AS coverage_gate,
               COALESCE(gp.behaviours_gate, {on}) AS require_behaviours,
               COALESCE(gp.otj_gate, {on}) AS otj_gate,
               COALESCE(gp.practical_period_gate, {on}) AS period_gate,
               COALESCE(gp.minimum_practical_months, {gates.DEFAULT_MINIMUM_PRACTICAL_MONTHS}) AS minimum_months,
               COALESCE(gp.english_maths_gate, {on}) AS english_maths_gate,
               COALESCE(gp.otj_tolerance_percent, {gates.DEFAULT_OTJ_TOLERANCE_PERCENT}) AS tolerance"""


def _day(name: str) -> str:
    return f"(SELECT {name} FROM dates)"


def _break_days(d: Dialect, first: str, last: str) -> str:
    """Days of the break `b` inside [first, last): it covers [started_on, ended_on + 1), an open one through today."""
    end = d.plus_days(f"COALESCE(b.ended_on, {d.greatest('dates.today', 'b.started_on')})", 1)
    return d.greatest(d.days(d.least(end, last), d.greatest("b.started_on", first)), "0")


def _last_month(d: Dialect) -> tuple[str, str]:
    """Last month's part of the practical period, [first, until): empty (until <= first) when it is not in it."""
    period_end = d.least("dates.today", "t.planned_end_date")
    until = d.least("dates.month_start", d.plus_days(period_end, 1))
    return d.greatest("dates.last_month_start", "t.start_date"), until


def gate_ctes(d: Dialect) -> str:
    """One row per apprenticeship of `targets` that has any rows in each input; the summary LEFT JOINs them."""
    # Today's figures as scalar subqueries (run once), not a join: joined, `dates` made the planner hash the whole
    # activity table rather than the batch.
    last_month = f"{_day('last_month_from')} AND e.{{column}} < {_day('last_month_until')}"
    so_far = d.least("dates.today", "t.planned_end_date")
    return f"""
    otj_totals AS (
        -- the batch's OTJ month totals (portfolio/otj/services/totals.py, about 24 rows per apprenticeship rather
        -- than every activity): approved and pending minutes, and whether any approved activity took place last
        -- calendar month
        SELECT o.apprenticeship_id, SUM(o.approved_minutes) AS approved, SUM(o.pending_minutes) AS pending,
               MAX(CASE WHEN o.month = {_day("last_month_start")} AND o.approved_minutes > 0 THEN 1 ELSE 0 END)
                   AS active_last_month
        FROM otj_otjmonthtotal o
        WHERE o.apprenticeship_id IN (SELECT apprenticeship_id FROM targets)
        GROUP BY o.apprenticeship_id
    ),
    breaks AS (
        -- break days: up to and including today (the practical period); in learning so far and in the plan (expected
        -- OTJ); in last month's part of the practical period; and whether on a break today
        SELECT b.apprenticeship_id,
               SUM({_break_days(d, "t.start_date", d.plus_days("dates.today", 1))}) AS days_to_date,
               SUM({_break_days(d, "t.start_date", so_far)}) AS days_so_far,
               SUM({_break_days(d, "t.start_date", "t.planned_end_date")}) AS days_in_plan,
               SUM({_break_days(d, *_last_month(d))}) AS days_last_month,
               MAX(CASE WHEN b.started_on <= dates.today AND (b.ended_on IS NULL OR b.ended_on >= dates.today)
                        THEN 1 ELSE 0 END) AS on_break
        FROM targets t JOIN people_breakinlearning b ON b.apprenticeship_id = t.apprenticeship_id CROSS JOIN dates
        GROUP BY b.apprenticeship_id
    ),
    evidence_last_month AS (
        SELECT DISTINCT e.apprenticeship_id
        FROM targets t JOIN evidence_evidence e ON e.apprenticeship_id = t.apprenticeship_id
        WHERE (e.created_at >= {last_month.format(column="created_at")})
           OR (e.submitted_at >= {last_month.format(column="submitted_at")})
    ),
    manual AS (
        SELECT t.apprenticeship_id, COUNT(*) AS total, COUNT(k.id) AS ticked,
               {d.agg_codes("mg.name", "mg.position, mg.id", "k.id IS NULL")} AS missing
        FROM targets t
        JOIN gateway_manualgate mg ON mg.provider_id = t.provider_id AND mg.is_active
        LEFT JOIN gateway_manualgatetick k
          ON k.gate_id = mg.id AND k.apprenticeship_id = t.apprenticeship_id AND k.withdrawn_at IS NULL
        GROUP BY t.apprenticeship_id
    ),
    signatures AS (
        SELECT s.apprenticeship_id,
               MAX(CASE WHEN s.side = 'employer' THEN 1 ELSE 0 END) AS employer,
               MAX(CASE WHEN s.side = 'provider' THEN 1 ELSE 0 END) AS provider
        FROM targets t JOIN gateway_gatewaysignature s ON s.apprenticeship_id = t.apprenticeship_id
        WHERE s.invalidated_at IS NULL
        GROUP BY s.apprenticeship_id
    ),
    referrals AS (
        SELECT r.apprenticeship_id
        FROM targets t JOIN gateway_assessmentreferral r ON r.apprenticeship_id = t.apprenticeship_id
        WHERE r.invalidated_at IS NULL
    )"""


def _age_at_start(d: Dialect) -> str:
    """Whole years from the date of birth to the start date: a birthday on 29 February is reached on 1 March
    in a year without one (the day before is still short of it)."""
    start, born = "t.start_date", "t.date_of_birth"
    before_birthday = (
        f"{d.part('MONTH', start)} < {d.part('MONTH', born)} OR ({d.part('MONTH', start)} = {d.part('MONTH', born)} "
        f"AND {d.part('DAY', start)} < {d.part('DAY', born)})"
    )
    return (
        f"CASE WHEN {born} IS NULL THEN NULL ELSE {d.part('YEAR', start)} - {d.part('YEAR', born)} "
        f"- CASE WHEN {before_birthday} THEN 1 ELSE 0 END END"
    )


def _months(d: Dialect, later: str, earlier: str) -> str:
    """Whole calendar months from `earlier` to `later`: one month from 31 January is reached on 1 March (and from
    15 January on 15 February), never a part month."""
    return (
        f"({d.part('YEAR', later)} - {d.part('YEAR', earlier)}) * 12 + {d.part('MONTH', later)} "
        f"- {d.part('MONTH', earlier)} - CASE WHEN {d.part('DAY', later)} < {d.part('DAY', earlier)} THEN 1 ELSE 0 END"
    )


def summary_values(d: Dialect) -> str:
    """The summary's row per apprenticeship of `targets`, over CTEs `ao`, `missing`, `mandatory`, `b`, `dates` and
    `gate_ctes`: every column of the summary the engine writes, gates and readiness state included."""
    # Layer 1: each input joined once, with the figures that need no other figure.
    so_far = d.least("dates.today", "t.planned_end_date")
    last_first, last_until = _last_month(d)
    raw = f"""
        SELECT t.apprenticeship_id, t.coverage_gate, t.require_behaviours, t.otj_gate, t.period_gate,
               t.minimum_months, t.english_maths_gate, t.tolerance, t.english_maths, t.rpl_hours,
               t.otj_planned_hours, t.start_date,
               COALESCE(ao.covered, 0) AS covered, COALESCE(ao.mapped, 0) AS mapped,
               COALESCE(missing.codes, {d.json_empty}) AS missing,
               COALESCE(mandatory.codes, {d.json_empty}) AS mandatory_missing,
               COALESCE(b.total, 0) AS behaviours_total, COALESCE(b.confirmed, 0) AS behaviours_confirmed,
               COALESCE(b.missing, {d.json_empty}) AS behaviours_missing,
               {d.bigint("COALESCE(ot.approved, 0)")} AS otj_approved,
               {d.bigint("COALESCE(ot.pending, 0)")} AS otj_pending,
               m.minimum_hours AS otj_minimum,
               COALESCE(br.days_to_date, 0) AS break_days, COALESCE(br.on_break, 0) AS on_break,
               {d.minus_days("dates.today", "COALESCE(br.days_to_date, 0)")} AS effective_today,
               {d.greatest(d.days(so_far, "t.start_date"), "0")} - COALESCE(br.days_so_far, 0) AS days_in_learning,
               {d.days("t.planned_end_date", "t.start_date")} - COALESCE(br.days_in_plan, 0) AS planned_days,
               CASE WHEN {d.days(last_until, last_first)} <= 0
                      OR COALESCE(br.days_last_month, 0) >= {d.days(last_until, last_first)} THEN NULL
                    WHEN COALESCE(ot.active_last_month, 0) = 1 OR el.apprenticeship_id IS NOT NULL THEN 1
                    ELSE 0 END AS active_last_month,
               {_age_at_start(d)} AS age_at_start,
               COALESCE(mn.total, 0) AS manual_total, COALESCE(mn.ticked, 0) AS manual_ticked,
               COALESCE(mn.missing, {d.json_empty}) AS manual_missing,
               COALESCE(sg.employer, 0) AS signed_employer, COALESCE(sg.provider, 0) AS signed_provider,
               CASE WHEN rf.apprenticeship_id IS NULL THEN 0 ELSE 1 END AS referred
        FROM targets t
        CROSS JOIN dates
        LEFT JOIN ao ON ao.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN missing ON missing.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN mandatory ON mandatory.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN b ON b.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN otj_totals ot ON ot.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN otj_otjminimum m ON m.provider_id = t.provider_id AND m.standard_version_id = t.standard_id
        LEFT JOIN breaks br ON br.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN evidence_last_month el ON el.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN manual mn ON mn.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN signatures sg ON sg.apprenticeship_id = t.apprenticeship_id
        LEFT JOIN referrals rf ON rf.apprenticeship_id = t.apprenticeship_id"""
    # Layer 2: the figures built on those, and each gate's verdict.
    required = "CASE WHEN r.otj_minimum IS NULL THEN NULL ELSE " + d.greatest("r.otj_minimum - r.rpl_hours", "0")
    required += " * 60 END"
    expected = (
        "CASE WHEN r.otj_planned_hours IS NULL THEN NULL WHEN r.planned_days <= 0 THEN 0 ELSE "
        f"{d.bigint('r.otj_planned_hours')} * 60 * {d.least('r.days_in_learning', 'r.planned_days')} / r.planned_days "
        "END"
    )
    age_applies = (
        f"(r.age_at_start >= {gates.ENGLISH_MATHS_FROM_AGE} AND r.age_at_start < {gates.ENGLISH_MATHS_UNTIL_AGE})"
    )
    verdicts = f"""
        SELECT r.*,
               {d.greatest(_months(d, "r.effective_today", "r.start_date"), "0")} AS months,
               {required} AS otj_required,
               {expected} AS otj_expected,
               CASE WHEN r.age_at_start IS NULL THEN NULL WHEN {age_applies} THEN 1 ELSE 0 END AS em_applies,
               (r.behaviours_total > 0 AND r.require_behaviours) AS behaviours_on,
               (r.mapped > 0 AND r.covered = r.mapped) AS coverage_met,
               (r.behaviours_total = r.behaviours_confirmed) AS behaviours_met,
               (r.english_maths IN ('achieved', 'not_required')
                OR (r.age_at_start IS NOT NULL AND NOT {age_applies})) AS em_met,
               (r.manual_ticked = r.manual_total) AS manual_met
        FROM ({raw}) r"""
    passes = f"""
        SELECT v.*,
               (NOT v.coverage_gate OR v.coverage_met) AS coverage_ok,
               (NOT v.behaviours_on OR v.behaviours_met) AS behaviours_ok,
               (NOT v.otj_gate OR (v.otj_required IS NOT NULL AND v.otj_approved >= v.otj_required)) AS otj_ok,
               (NOT v.period_gate OR v.months >= v.minimum_months) AS period_ok,
               (NOT v.english_maths_gate OR v.em_met) AS em_ok,
               v.manual_met AS manual_ok
        FROM ({verdicts}) v"""
    ready = "(g.coverage_ok AND g.behaviours_ok AND g.otj_ok AND g.period_ok AND g.em_ok AND g.manual_ok)"
    behind = "(COALESCE(g.otj_expected, 0) > 0 AND g.otj_approved * 100 < g.otj_expected * (100 - g.tolerance))"

    def maybe(flag: str) -> str:  # true, false, or null where the figure does not apply
        return f"CASE WHEN {flag} IS NULL THEN NULL ELSE {flag} = 1 END"

    # Each gate column of the summary (gates.GATE_COLUMNS), in GATE_COLUMN_NAMES order.
    columns = {
        "coverage_on": "g.coverage_gate", "coverage_passed": "g.coverage_ok",
        "behaviours_on": "g.behaviours_on", "behaviours_passed": "g.behaviours_ok",
        "behaviours_confirmed": "g.behaviours_confirmed", "behaviours_total": "g.behaviours_total",
        "behaviours_missing": "g.behaviours_missing",
        "otj_on": "g.otj_gate", "otj_passed": "g.otj_ok", "otj_approved_minutes": "g.otj_approved",
        "otj_pending_minutes": "g.otj_pending", "otj_minimum_hours": "g.otj_minimum", "otj_rpl_hours": "g.rpl_hours",
        "otj_required_minutes": "g.otj_required", "otj_planned_hours": "g.otj_planned_hours",
        "otj_expected_minutes": "g.otj_expected", "otj_behind": behind, "otj_tolerance_percent": "g.tolerance",
        "otj_active_last_month": maybe("g.active_last_month"),
        "practical_on": "g.period_gate", "practical_passed": "g.period_ok", "practical_months": "g.months",
        "practical_minimum_months": "g.minimum_months", "practical_break_days": "g.break_days",
        "practical_on_break": "(g.on_break = 1)",
        "english_maths_on": "g.english_maths_gate", "english_maths_passed": "g.em_ok",
        "english_maths_status": "g.english_maths", "english_maths_age": "g.age_at_start",
        "english_maths_applies": maybe("g.em_applies"),
        "manual_on": "(g.manual_total > 0)", "manual_passed": "g.manual_ok", "manual_total": "g.manual_total",
        "manual_ticked": "g.manual_ticked", "manual_missing": "g.manual_missing",
    }  # fmt: skip
    both_signed = "g.signed_employer = 1 AND g.signed_provider = 1"
    state = f"""CASE WHEN NOT {ready} THEN '{ReadinessState.NOT_READY}'
                     WHEN {both_signed} AND g.referred = 1 THEN '{ReadinessState.WITH_ASSESSMENT_ORGANISATION}'
                     WHEN {both_signed} THEN '{ReadinessState.SIGNED}'
                     ELSE '{ReadinessState.READY}' END"""
    # In the order of GATE_COLUMN_NAMES (from gates.GATE_COLUMNS): a column it names and this does not fails here.
    gate_values = ", ".join(f"{columns[name]} AS {name}" for name in GATE_COLUMN_NAMES)
    return f"""
    SELECT g.apprenticeship_id, g.covered, g.mapped,
           CASE WHEN g.mapped = 0 THEN 0 ELSE (g.covered * 1000 / g.mapped) / 10.0 END AS percent,
           g.missing, g.mandatory_missing, {ready} AS ready, {state} AS state, {gate_values}
    FROM ({passes}) g"""


# The summary's gate columns, in the order `summary_values` gives them: on, passed and the figures of each gate.
GATE_COLUMN_NAMES = [
    column
    for prefix, figures in gates.GATE_COLUMNS.values()
    for column in (f"{prefix}_on", f"{prefix}_passed", *figures.values())
    if column not in ("covered", "mapped")
]
