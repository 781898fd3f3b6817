# ruff: noqa: S608 - built from this module's constants and the models' choices (`literal`); values are parameters.
"""The coverage rules as SQL: one pass computes a whole batch of apprenticeships, one or ten thousand.

The rules (PRODUCT.md, Rules: Coverage and Readiness), in the order the CTEs apply them:

- targets: the batch, with the provider's N (ReviewPolicy.evidence_per_statement; 1 without a policy row) and its
  gate settings (GatewayPolicy; the defaults without a row).
- route: the standard's core AOs (option null) plus the AOs of the apprenticeship's own option.
- counted: per apprenticeship and statement, the evidence items that count: the tag is accepted, the item's
  state counts (portfolio/evidence/lifecycle.py, COUNTS: not draft, returned or withdrawn), and none of its
  files is anything but verified (an item with no files, a reflective account say, counts).
- per_statement: each statement mapped to a route AO is covered when at least N items count for it. Within
  one route a statement sits in exactly one AO (a rule of the plans), so summing AOs never counts it twice.
- per_ao: covered / mapped per AO, the codes still missing, and the mandatory (bold) ones among them.
- the summary: the AO rows rolled up, then every gateway gate and the readiness state (gates_sql.py), in the same
  statement.

These CTEs are written once for PostgreSQL and SQLite (the embedded default), which runs them as three statements
(`ao_upsert`, `ao_prune`, `summary_upsert`); the few functions that differ (JSON aggregation and expansion) come
from `dialect()`. PostgreSQL runs the same rules as one statement with bit masks per AO (`coverage_upsert`); a
test checks that both store identical rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from portfolio.coverage import gates_sql
from portfolio.coverage.gates import PASSED_COLUMNS
from portfolio.coverage.gates_sql import Dates
from portfolio.evidence import lifecycle
from portfolio.evidence.models import EvidenceFile, EvidenceTag
from portfolio.standards.models import Statement


def literal(choice: str) -> str:
    """A model choice's value as an SQL string literal. Only for the models' own choices, which are plain words:
    anything else is refused rather than quoted."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", choice):
        raise ValueError(f"not a plain choice value: {choice!r}")
    return f"'{choice}'"


# An item with any of these states does not count, whatever its tags say (the lifecycle's COUNTS).
NOT_COUNTING_STATES = tuple(state.value for state in lifecycle.not_counting_states())
# The one statement of "this tag counts", for tag `g` on evidence `e`; used by the engine and the explain view.
TAG_COUNTS = (
    f"g.state = {literal(EvidenceTag.State.ACCEPTED)} "
    f"AND e.state NOT IN ({', '.join(literal(state) for state in NOT_COUNTING_STATES)}) "
    "AND NOT EXISTS (SELECT 1 FROM evidence_evidencefile f "
    f"WHERE f.evidence_id = e.id AND f.state <> {literal(EvidenceFile.State.VERIFIED)})"
)
BEHAVIOUR = literal(Statement.Kind.BEHAVIOUR)


_SQLITE_PARTS = {"YEAR": "Y", "MONTH": "m", "DAY": "d"}


@dataclass(frozen=True)
class Dialect:
    json_empty: str
    vendor: str

    def agg_codes(self, expr: str, order: str, condition: str) -> str:
        """A JSON array of `expr` over the rows meeting `condition`, ordered by `order` (PostgreSQL)."""
        if self.vendor == "postgresql":
            return f"COALESCE(jsonb_agg({expr} ORDER BY {order}) FILTER (WHERE {condition}), {self.json_empty})"
        # SQLite before 3.44 has no ORDER BY inside aggregates: the rows arrive in the CTE's order.
        return f"COALESCE(json_group_array({expr}) FILTER (WHERE {condition}), {self.json_empty})"

    def elements(self, column: str, alias: str) -> str:
        """A FROM item expanding a JSON array column: `{alias}.value`, ordered by `{alias}.idx` (PostgreSQL)."""
        if self.vendor == "postgresql":
            return f"jsonb_array_elements({column}) WITH ORDINALITY AS {alias}(value, idx)"
        return f"json_each({column}) AS {alias}"  # its `idx` is unused: SQLite aggregates ignore order

    def bool_json(self, expr: str) -> str:
        if self.vendor == "postgresql":
            return f"to_jsonb({expr})"
        return f"json(CASE WHEN {expr} THEN 'true' ELSE 'false' END)"

    def obj(self, *pairs: str) -> str:
        return ("jsonb_build_object(" if self.vendor == "postgresql" else "json_object(") + ", ".join(pairs) + ")"

    def as_json(self, expr: str) -> str:
        return expr if self.vendor == "postgresql" else f"json({expr})"

    @property
    def true(self) -> str:
        return "TRUE" if self.vendor == "postgresql" else "1"

    # Dates. SQLite keeps them as ISO text ('2026-03-01'), which compares in date order; its date functions
    # read that text. A month is counted from the date parts on both, so the two agree on every calendar edge.
    @property
    def date_param(self) -> str:
        return "CAST(%s AS date)" if self.vendor == "postgresql" else "%s"

    def days(self, later: str, earlier: str) -> str:
        """Whole days from `earlier` to `later` (negative when `later` is earlier)."""
        if self.vendor == "postgresql":
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def plus_days(self, date: str, days: int) -> str:
        if self.vendor == "postgresql":
            return f"({date} + {int(days)})"
        return f"date({date}, '{int(days):+d} days')"

    def minus_days(self, date: str, days: str) -> str:
        if self.vendor == "postgresql":
            return f"({date} - CAST({days} AS integer))"
        return f"date({date}, '-' || ({days}) || ' days')"

    def part(self, unit: str, date: str) -> str:
        """YEAR, MONTH or DAY of `date`, as an integer."""
        if self.vendor == "postgresql":
            return f"CAST(EXTRACT({unit} FROM {date}) AS integer)"
        # `%%`: the query goes through the driver's parameter formatting, which reads `%%` as one `%`.
        return f"CAST(strftime('%%{_SQLITE_PARTS[unit]}', {date}) AS INTEGER)"

    def least(self, *values: str) -> str:
        return ("LEAST(" if self.vendor == "postgresql" else "MIN(") + ", ".join(values) + ")"

    def greatest(self, *values: str) -> str:
        return ("GREATEST(" if self.vendor == "postgresql" else "MAX(") + ", ".join(values) + ")"

    def bigint(self, expr: str) -> str:
        return f"CAST({expr} AS bigint)" if self.vendor == "postgresql" else expr


def dialect() -> Dialect:
    if connection.vendor == "postgresql":
        return Dialect(json_empty="'[]'::jsonb", vendor="postgresql")
    return Dialect(json_empty="'[]'", vendor="sqlite")


def id_filter(column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    """`column` is one of `ids`: one array parameter on PostgreSQL, a list of parameters elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


# The route: the standard's core AOs plus the AOs of the apprenticeship's own option.
ROUTE_CTE = """route AS (
        SELECT t.apprenticeship_id, t.need, o.id AS outcome_id, o.position AS outcome_position
        FROM targets t
        JOIN standards_assessmentoutcome o
          ON o.standard_id = t.standard_id AND (o.option_id IS NULL OR o.option_id = t.option_id)
    )"""


def _targets(ids: Sequence[int], dates: Dates) -> tuple[str, list[Any]]:
    """`dates` (today and last month, gates_sql.Dates) and `targets`: the batch with the provider's settings."""
    where, params = id_filter("a.id", ids)
    d = dialect()
    sql = f"""
    {gates_sql.dates_cte(d)},
    targets AS (
        SELECT a.id AS apprenticeship_id, a.standard_id, a.option_id, a.provider_id, a.start_date,
               a.planned_end_date, a.otj_planned_hours, a.rpl_hours, a.date_of_birth, a.english_maths,
               COALESCE(p.evidence_per_statement, 1) AS need,
               {gates_sql.policy_columns(d)}
        FROM people_apprenticeship a
        LEFT JOIN reviews_reviewpolicy p ON p.provider_id = a.provider_id
        LEFT JOIN gateway_gatewaypolicy gp ON gp.provider_id = a.provider_id
        WHERE {where}
    )"""
    return sql, [*dates.params(connection.vendor), *params]


def _counting_tags(condition: str, *, columns: str = "e.apprenticeship_id, g.statement_id") -> str:
    """The batch's tag rows that count (TAG_COUNTS), of the `targets` meeting `condition`."""
    return f"""
        SELECT {columns}
        FROM targets t
        JOIN evidence_evidence e ON e.apprenticeship_id = t.apprenticeship_id
        JOIN evidence_evidencetag g ON g.evidence_id = e.id
        WHERE {condition} AND {TAG_COUNTS}"""


def _statement_ctes(ids: Sequence[int], dates: Dates) -> tuple[str, list[Any]]:
    targets, params = _targets(ids, dates)
    sql = f"""
    WITH {targets},
    {ROUTE_CTE},
    counted AS (
        {_counting_tags("1 = 1", columns="e.apprenticeship_id, g.statement_id, COUNT(*) AS items")}
        GROUP BY e.apprenticeship_id, g.statement_id
    ),
    per_statement AS (
        SELECT r.apprenticeship_id, r.outcome_id, r.outcome_position, s.id AS statement_id, s.code, s.position,
               s.mandatory,
               COALESCE(c.items, 0) AS items,
               CASE WHEN COALESCE(c.items, 0) >= r.need THEN 1 ELSE 0 END AS covered
        FROM route r
        JOIN standards_outcomestatement m ON m.outcome_id = r.outcome_id
        JOIN standards_statement s ON s.id = m.statement_id
        LEFT JOIN counted c ON c.apprenticeship_id = r.apprenticeship_id AND c.statement_id = s.id
    )"""
    return sql, params


def _per_ao(d: Dialect) -> str:
    return f"""
    per_ao AS (
        SELECT apprenticeship_id, outcome_id, SUM(covered) AS covered, COUNT(*) AS mapped,
               {d.agg_codes("code", "position", "covered = 0")} AS missing,
               {d.agg_codes("code", "position", "covered = 0 AND mandatory")} AS mandatory_missing
        FROM per_statement
        GROUP BY apprenticeship_id, outcome_id
    )"""


_AO_INSERT = """
    INSERT INTO coverage_aocoverage
        (apprenticeship_id, outcome_id, covered, mapped, percent, missing, mandatory_missing, complete, changed_at)
    SELECT apprenticeship_id, outcome_id, covered, mapped, (covered * 1000 / mapped) / 10.0,
           missing, mandatory_missing, covered = mapped, %s
    FROM per_ao WHERE 1 = 1
    ON CONFLICT (apprenticeship_id, outcome_id) DO UPDATE SET
        covered = excluded.covered, mapped = excluded.mapped, percent = excluded.percent,
        missing = excluded.missing, mandatory_missing = excluded.mandatory_missing,
        complete = excluded.complete, changed_at = excluded.changed_at
    WHERE coverage_aocoverage.mapped <> excluded.mapped
       OR coverage_aocoverage.covered <> excluded.covered
       OR coverage_aocoverage.missing <> excluded.missing
       OR coverage_aocoverage.mandatory_missing <> excluded.mandatory_missing
    """


def ao_upsert(ids: Sequence[int], *, now: Any, dates: Dates) -> tuple[str, list[Any]]:
    """Write every route AO's coverage for the batch; a row whose numbers did not change is left alone."""
    ctes, params = _statement_ctes(ids, dates)
    sql = f"""
    {ctes},{_per_ao(dialect())}
    {_AO_INSERT}"""
    return sql, [*params, now]


def ao_prune(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """Drop AO rows no longer on the route (the option changed, a re-import moved or emptied an AO)."""
    where, params = id_filter("coverage_aocoverage.apprenticeship_id", ids)
    sql = f"""
    DELETE FROM coverage_aocoverage
    WHERE {where} AND NOT EXISTS (
        SELECT 1 FROM people_apprenticeship a
        JOIN standards_assessmentoutcome o
          ON o.standard_id = a.standard_id AND (o.option_id IS NULL OR o.option_id = a.option_id)
        WHERE a.id = coverage_aocoverage.apprenticeship_id AND o.id = coverage_aocoverage.outcome_id
          AND EXISTS (SELECT 1 FROM standards_outcomestatement m WHERE m.outcome_id = o.id)
    )"""
    return sql, params


def _behaviour_rows(d: Dialect) -> str:
    """The behaviours gate as `b` (apprenticeship_id, total, confirmed, missing), one row per behaviour first: the
    portable statements' way (PostgreSQL uses `_behaviour_masks`)."""
    # One join rather than a lookup per behaviour: at most one live confirmation per apprenticeship and statement
    # (the constraint one_live_behaviour_confirmation), so the LEFT JOIN never duplicates a row.
    return f"""
    live_confirmations AS (
        SELECT bc.apprenticeship_id, bc.statement_id
        FROM targets t JOIN reviews_behaviourconfirmation bc ON bc.apprenticeship_id = t.apprenticeship_id
        WHERE bc.withdrawn_at IS NULL
    ),
    behaviours AS (
        SELECT t.apprenticeship_id, s.code, s.position,
               CASE WHEN bc.statement_id IS NULL THEN 0 ELSE 1 END AS confirmed
        FROM targets t JOIN standards_statement s ON s.standard_id = t.standard_id AND s.kind = {BEHAVIOUR}
        LEFT JOIN live_confirmations bc ON bc.apprenticeship_id = t.apprenticeship_id AND bc.statement_id = s.id
    ),
    b AS (
        SELECT apprenticeship_id, COUNT(*) AS total, SUM(confirmed) AS confirmed,
               {d.agg_codes("code", "position", "confirmed = 0")} AS missing
        FROM behaviours GROUP BY apprenticeship_id
    )"""


_SUMMARY_COLUMNS = ", ".join(
    ["covered", "mapped", "percent", "missing", "mandatory_missing", "ready", "state", *gates_sql.GATE_COLUMN_NAMES]
)
# What a recompute answers per apprenticeship: the new state and each gate's verdict, for the readiness events.
_RETURNING = ", ".join(["apprenticeship_id", "state", *PASSED_COLUMNS])
_UPSERT_SET = ", ".join(f"{column} = excluded.{column}" for column in _SUMMARY_COLUMNS.split(", "))
_RETURNING_QUALIFIED = ", ".join(f"coverage_coveragesummary.{column}" for column in _RETURNING.split(", "))


def _summary_upsert_from(values: str) -> str:
    """Insert or update the summaries of `values` (every column of `_SUMMARY_COLUMNS`); param: computed_at."""
    return f"""
    INSERT INTO coverage_coveragesummary
        (apprenticeship_id, {_SUMMARY_COLUMNS}, computed_at, event_sequence, recompute_count)
    SELECT v.*, %s, 0, 1 FROM ({values}) v
    WHERE 1 = 1
    ON CONFLICT (apprenticeship_id) DO UPDATE SET
        {_UPSERT_SET},
        computed_at = excluded.computed_at, recompute_count = coverage_coveragesummary.recompute_count + 1
    RETURNING {_RETURNING}
    """


def _summary_update_from(values: str) -> str:
    """Update the summaries of `values`, which exist (`_recompute_batch` inserts the missing ones and locks them
    first): no conflict check per row, unlike the upsert. Param: computed_at."""
    assignments = ", ".join(f"{column} = v.{column}" for column in _SUMMARY_COLUMNS.split(", "))
    return f"""
    UPDATE coverage_coveragesummary SET {assignments}, computed_at = %s,
        recompute_count = coverage_coveragesummary.recompute_count + 1
    FROM ({values}) v
    WHERE coverage_coveragesummary.apprenticeship_id = v.apprenticeship_id
    RETURNING {_RETURNING_QUALIFIED}
    """


def summary_upsert(ids: Sequence[int], *, now: Any, dates: Dates) -> tuple[str, list[Any]]:
    """Roll the batch's AO rows up into its summaries, with the gates and the readiness state; returns
    (apprenticeship_id, state, each gate's passed flag)."""
    d = dialect()
    targets, params = _targets(ids, dates)
    ao_where, ao_params = id_filter("c.apprenticeship_id", ids)
    sql = f"""
    WITH {targets},{_behaviour_rows(d)},{gates_sql.gate_ctes(d)},
    ao AS (
        SELECT c.apprenticeship_id, SUM(c.covered) AS covered, SUM(c.mapped) AS mapped
        FROM coverage_aocoverage c WHERE {ao_where} GROUP BY c.apprenticeship_id
    ),
    missing AS (
        SELECT c.apprenticeship_id, {d.agg_codes("m.value", "o.position, m.idx", "1 = 1")} AS codes
        FROM coverage_aocoverage c
        JOIN standards_assessmentoutcome o ON o.id = c.outcome_id,
        {d.elements("c.missing", "m")}
        WHERE {ao_where} GROUP BY c.apprenticeship_id
    ),
    mandatory AS (
        SELECT c.apprenticeship_id, {d.agg_codes("m.value", "o.position, m.idx", "1 = 1")} AS codes
        FROM coverage_aocoverage c
        JOIN standards_assessmentoutcome o ON o.id = c.outcome_id,
        {d.elements("c.mandatory_missing", "m")}
        WHERE {ao_where} GROUP BY c.apprenticeship_id
    )
    {_summary_upsert_from(gates_sql.summary_values(d))}"""
    return sql, [*params, *ao_params, *ao_params, *ao_params, now]


@dataclass(frozen=True)
class Masks:
    """SQL templates for one AO's covered statements as a bit mask, a bit per statement in plan order.

    `bigint` fits every AO of up to 63 statements (every plan seen so far, the widest has 15) and hashes and
    ORs as one machine word; `varbit` takes any width. `key` is the mask in a form that hashes (varbit does not).
    """

    zero: str  # {width}
    one: str  # {bit}, {width}
    count: str  # {mask}
    key: str  # {mask}
    lacks: str  # {key}, {bit}


BIGINT_MASKS = Masks(
    zero="CAST(0 AS bigint)",
    one="(CAST(1 AS bigint) << {bit})",
    count="bit_count(CAST({mask} AS bit(64)))",
    key="{mask}",
    lacks="(({key} >> {bit}) & 1) = 0",
)
VARBIT_MASKS = Masks(
    zero="CAST(repeat('0', CAST({width} AS integer)) AS varbit)",
    one="set_bit(CAST(repeat('0', CAST({width} AS integer)) AS varbit), {bit}, 1)",
    count="CAST(bit_count({mask}) AS integer)",
    key="CAST({mask} AS text)",
    lacks="substr({key}, {bit} + 1, 1) = '0'",
)
# A bigint has 64 bits; the sign bit is left alone.
BIGINT_MASK_WIDTH = 63
# The most bits any mask needs: the statements of the widest AO, or the behaviours of the standard with most.
WIDEST_MASK = f"""
SELECT GREATEST(
    (SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM standards_outcomestatement GROUP BY outcome_id) ao),
    (SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM standards_statement WHERE kind = {BEHAVIOUR} GROUP BY standard_id) b)
)"""


def _behaviour_masks(d: Dialect, masks: Masks) -> str:
    """The behaviours gate as `b` (apprenticeship_id, total, confirmed, missing), by the same bit masks as AOs.

    Each behaviour of a standard gets a bit; the batch's live confirmations OR theirs into one mask per
    apprenticeship, and the missing codes are listed once per distinct (standard, mask). At most one live
    confirmation per apprenticeship and statement (the constraint one_live_behaviour_confirmation).
    """
    confirmed_mask = "COALESCE(c.mask, k.zero)"
    return f"""
    behaviour_catalogue AS (
        SELECT standard_id, statement_id, code, position, bit, total,
               {masks.zero.format(width="total")} AS zero, {masks.one.format(bit="bit", width="total")} AS mask
        FROM (
            SELECT s.standard_id, s.id AS statement_id, s.code, s.position,
                   CAST(ROW_NUMBER() OVER w AS integer) - 1 AS bit, COUNT(*) OVER w AS total
            FROM standards_statement s WHERE s.kind = {BEHAVIOUR}
            WINDOW w AS (PARTITION BY s.standard_id ORDER BY s.position, s.id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        ) numbered
    ),
    behaviour_sets AS (SELECT DISTINCT standard_id, total, zero FROM behaviour_catalogue),
    live_confirmations AS MATERIALIZED (
        -- materialised first, so a large batch hash-joins them: the planner, misled by the CTE estimates,
        -- otherwise probes the index once per behaviour of every apprenticeship
        SELECT bc.apprenticeship_id, bc.statement_id, t.standard_id
        FROM targets t JOIN reviews_behaviourconfirmation bc ON bc.apprenticeship_id = t.apprenticeship_id
        WHERE bc.withdrawn_at IS NULL
    ),
    confirmed AS (
        SELECT bc.apprenticeship_id, bit_or(k.mask) AS mask
        FROM live_confirmations bc
        JOIN behaviour_catalogue k ON k.statement_id = bc.statement_id AND k.standard_id = bc.standard_id
        GROUP BY bc.apprenticeship_id
    ),
    behaviour_masks AS (
        SELECT t.apprenticeship_id, k.standard_id, k.total,
               {masks.count.format(mask=confirmed_mask)} AS confirmed, {masks.key.format(mask=confirmed_mask)} AS mask
        FROM targets t
        JOIN behaviour_sets k ON k.standard_id = t.standard_id
        LEFT JOIN confirmed c ON c.apprenticeship_id = t.apprenticeship_id
    ),
    behaviour_shapes AS (
        SELECT sh.standard_id, sh.mask, {d.agg_codes("k.code", "k.position", "1 = 1")} AS missing
        FROM (SELECT DISTINCT standard_id, mask FROM behaviour_masks WHERE confirmed < total) sh
        JOIN behaviour_catalogue k
          ON k.standard_id = sh.standard_id AND {masks.lacks.format(key="sh.mask", bit="k.bit")}
        GROUP BY sh.standard_id, sh.mask
    ),
    b AS (
        SELECT m.apprenticeship_id, m.total, m.confirmed, COALESCE(x.missing, {d.json_empty}) AS missing
        FROM behaviour_masks m
        LEFT JOIN behaviour_shapes x ON x.standard_id = m.standard_id AND x.mask = m.mask
    )"""


def coverage_upsert(
    ids: Sequence[int], *, now: Any, dates: Dates, masks: Masks = BIGINT_MASKS
) -> tuple[str, list[Any]]:
    """PostgreSQL only: `ao_upsert` and `summary_upsert` in one statement; returns (apprenticeship_id, state, each
    gate's passed flag).

    The AO rows are written and pruned (as `ao_prune` does) by data-modifying CTEs, and the summary is rolled up
    from the same per-AO rows rather than read back from them (a statement does not see its own CTE's writes).

    The same rules as `per_statement` and `per_ao`, without expanding every route statement of every
    apprenticeship: each AO's statements get a bit (in plan order, `masks` says how they are held), and the
    counting tags OR their statement's bit into a mask per apprenticeship and AO (one hash aggregate). Where N is
    1, the default, every counting tag covers its statement, so the tags go straight into the masks; where N is
    more, they are counted per statement first. The missing codes are listed once per distinct (AO, mask) rather
    than once per apprenticeship; the summary's lists are the AO lists concatenated in AO order.
    """
    d = dialect()
    targets, params = _targets(ids, dates)
    covered_mask = "COALESCE(c.mask, o.zero)"
    sql = f"""
    WITH {targets},
    {ROUTE_CTE},
    covering AS (
        -- N = 1: each counting tag covers its statement (a statement tagged twice is ORed in twice). Written
        -- `< 2`: the planner guesses that a third of the rows pass a range test but one in 200 an equality,
        -- and plans a large batch as nested loops from that guess.
        {_counting_tags("t.need < 2")}
        UNION ALL
        -- N > 1: a statement with at least N counting items
        {_counting_tags("t.need > 1")}
        GROUP BY e.apprenticeship_id, g.statement_id, t.need
        HAVING COUNT(*) >= t.need
    ),
    mapping AS (
        SELECT m.outcome_id, s.id AS statement_id, s.code, s.position, s.mandatory,
               CAST(ROW_NUMBER() OVER w AS integer) - 1 AS bit, COUNT(*) OVER w AS mapped
        FROM standards_outcomestatement m JOIN standards_statement s ON s.id = m.statement_id
        WINDOW w AS (PARTITION BY m.outcome_id ORDER BY s.position, s.id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ),
    catalogue AS (
        SELECT outcome_id, statement_id, code, position, mandatory, bit, mapped,
               {masks.zero.format(width="mapped")} AS zero, {masks.one.format(bit="bit", width="mapped")} AS mask
        FROM mapping
    ),
    outcomes AS (SELECT DISTINCT outcome_id, mapped, zero FROM catalogue),
    covered AS (
        -- per AO of the catalogue, not only the route's: `masks` keeps the route's
        SELECT c.apprenticeship_id, k.outcome_id, bit_or(k.mask) AS mask
        FROM covering c JOIN catalogue k ON k.statement_id = c.statement_id
        GROUP BY c.apprenticeship_id, k.outcome_id
    ),
    masks AS (
        SELECT r.apprenticeship_id, r.outcome_id, r.outcome_position, o.mapped,
               {masks.count.format(mask=covered_mask)} AS covered, {masks.key.format(mask=covered_mask)} AS mask
        FROM route r
        JOIN outcomes o ON o.outcome_id = r.outcome_id
        LEFT JOIN covered c ON c.apprenticeship_id = r.apprenticeship_id AND c.outcome_id = r.outcome_id
    ),
    shapes AS (SELECT DISTINCT outcome_id, mask FROM masks WHERE covered < mapped),
    shape_missing AS (
        SELECT sh.outcome_id, sh.mask,
               {d.agg_codes("k.code", "k.position", "1 = 1")} AS missing,
               {d.agg_codes("k.code", "k.position", "k.mandatory")} AS mandatory_missing
        FROM shapes sh
        JOIN catalogue k ON k.outcome_id = sh.outcome_id AND {masks.lacks.format(key="sh.mask", bit="k.bit")}
        GROUP BY sh.outcome_id, sh.mask
    ),
    per_ao AS (
        SELECT p.apprenticeship_id, p.outcome_id, p.outcome_position, p.covered, p.mapped,
               COALESCE(x.missing, {d.json_empty}) AS missing,
               COALESCE(x.mandatory_missing, {d.json_empty}) AS mandatory_missing
        FROM masks p LEFT JOIN shape_missing x ON x.outcome_id = p.outcome_id AND x.mask = p.mask
    ),
    stored_ao AS (
        SELECT c.id, c.apprenticeship_id, c.outcome_id, c.covered, c.mapped, c.missing, c.mandatory_missing
        FROM coverage_aocoverage c JOIN targets t ON t.apprenticeship_id = c.apprenticeship_id
    ),
    ao_diff AS (
        -- one hash join of the computed AO rows against the batch's stored ones finds both what to write (new or
        -- changed: the upsert's own no-op check would cost an index probe per row) and what to prune (stored,
        -- no longer on the route: the option changed, a re-import moved or emptied an AO). The batch's summaries
        -- are locked, so no stored row changes meanwhile.
        SELECT p.*, c.id AS stored_id
        FROM per_ao p FULL JOIN stored_ao c ON c.apprenticeship_id = p.apprenticeship_id AND c.outcome_id = p.outcome_id
        WHERE p.apprenticeship_id IS NULL OR c.id IS NULL OR c.mapped <> p.mapped OR c.covered <> p.covered
           OR c.missing <> p.missing OR c.mandatory_missing <> p.mandatory_missing
    ),
    changed_ao AS (SELECT * FROM ao_diff WHERE apprenticeship_id IS NOT NULL),
    ao_written AS ({_AO_INSERT.replace("FROM per_ao WHERE", "FROM changed_ao WHERE")}),
    ao_pruned AS (
        DELETE FROM coverage_aocoverage
        WHERE id IN (SELECT stored_id FROM ao_diff WHERE apprenticeship_id IS NULL)
    ),
    rollup AS (
        -- one pass over the AO rows per apprenticeship; the counts are bigint, whose SUM is numeric: cast back,
        -- so percent rounds down like AO rows'
        SELECT apprenticeship_id, CAST(SUM(covered) AS bigint) AS covered, CAST(SUM(mapped) AS bigint) AS mapped,
               jsonb_path_query_array(
                   jsonb_agg(missing ORDER BY outcome_position, outcome_id) FILTER (WHERE covered < mapped), '$[*][*]'
               ) AS missing,
               jsonb_path_query_array(
                   jsonb_agg(mandatory_missing ORDER BY outcome_position, outcome_id)
                       FILTER (WHERE mandatory_missing <> {d.json_empty}),
                   '$[*][*]'
               ) AS mandatory
        FROM per_ao GROUP BY apprenticeship_id
    ),
    ao AS (SELECT apprenticeship_id, covered, mapped FROM rollup),
    missing AS (SELECT apprenticeship_id, missing AS codes FROM rollup),
    mandatory AS (SELECT apprenticeship_id, mandatory AS codes FROM rollup),{_behaviour_masks(d, masks)},
    {gates_sql.gate_ctes(d)}
    {_summary_update_from(gates_sql.summary_values(d))}"""
    return sql, [*params, now, now]


def statements_explained(apprenticeship_id: int, *, dates: Dates) -> tuple[str, list[Any]]:
    """Per statement of one route, in plan order: AO, code, whether covered, how many items count and how many are
    needed, with the texts the explanation shows (the statement's kind and text; the AO's public id, code, title,
    position and option's title), so that one query explains the route."""
    ctes, params = _statement_ctes([apprenticeship_id], dates)
    sql = f"""
    {ctes}
    SELECT p.outcome_id, p.statement_id, p.code, p.mandatory, p.items, p.covered, t.need, s.kind, s.text,
           o.public_id, o.code, o.title, o.position, op.title
    FROM per_statement p
    CROSS JOIN targets t
    JOIN standards_statement s ON s.id = p.statement_id
    JOIN standards_assessmentoutcome o ON o.id = p.outcome_id
    LEFT JOIN standards_option op ON op.id = o.option_id
    ORDER BY p.position
    """
    return sql, params


def counting_evidence(apprenticeship_id: int) -> tuple[str, list[Any]]:
    """The (statement id, evidence public id, title) pairs that count, by the same rule as `counted`."""
    sql = f"""
    SELECT g.statement_id, e.public_id, e.title
    FROM evidence_evidence e
    JOIN evidence_evidencetag g ON g.evidence_id = e.id
    WHERE e.apprenticeship_id = %s AND {TAG_COUNTS}
    ORDER BY e.occurred_on, e.id
    """
    return sql, [apprenticeship_id]
