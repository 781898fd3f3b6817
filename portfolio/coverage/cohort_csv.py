"""The cohort as CSV: every row of the scoped, filtered, sorted cohort, streamed in bounded memory.

Staff download it for the whole provider (thousands of rows) while others use the site, so its cost is the web
process's as much as the database's. Two writers of the same bytes:

- On PostgreSQL the database writes it (`COPY (...) TO STDOUT (FORMAT csv)`): each column's text is made by the
  query (`_COPY_COLUMNS`), and the web process only passes the rows on, a part at a time. Written by Python, the
  same 2,500 rows cost the web process about four times the CPU (reading each value, formatting it, the csv
  module), holding its interpreter lock while the request sharing its process waited (docs/benchmarks.md).
- Elsewhere (SQLite: `make run`) the csv module writes it (`csv_row`), from the rows read as tuples of the values it
  writes through a server-side cursor, each chunk's AO column read per chunk.

A test checks the two write the same bytes for the same rows (`tests/coverage/test_cohort_csv.py`): the formatting
rules are each in both (`.1f` is `to_char(..., 'FM...0.0')` and `.0f` a cast to integer, each rounding a double as
Python does; a name that starts like a formula gets an apostrophe; an empty cell is written bare; lines end with
CRLF). Each row's next progress review is worked out in Python (`due_by_apprenticeship`) and passed to the query as
one JSON object.

On PostgreSQL the rows' ids are read first, in order, and written by two COPY statements: the first
`CSV_FIRST_CHUNK` rows, then the rest. The first part does not wait for the whole cohort's AO columns and reviews
(written by one COPY, 2,453 rows' first part came 59 ms into a 61 ms download; now 17 into 69), and no row is
written twice or missed if the order changes meanwhile (a row's coverage recomputed).
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing, nullcontext
from typing import Any, TypeVar

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import F, QuerySet
from django.utils import timezone

from portfolio.core.compiled import CompiledIdsQuery, InArray
from portfolio.coverage.cohort_rows import (
    PAGE_ROWS,
    PASSED_VALUES,
    STATE_LABELS,
    ao_values,
    cohort_values,
    page_ids,
)
from portfolio.coverage.gates import GATE_KEYS, GATE_NAMES, PASSED_COLUMNS, blocking_of
from portfolio.coverage.models import AOCoverage, CoverageSummary
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, Organisation, User, display_name
from portfolio.progress.selectors import due_by_apprenticeship
from portfolio.standards.models import AssessmentOutcome, Option, Standard

# Rows read (and held) at a time: memory stays flat whatever the cohort's size. The first part is written from
# fewer, so the download starts sooner.
CSV_CHUNK = 500
CSV_FIRST_CHUNK = 100

CSV_HEADER = ["apprentice", "email", "employer", "standard", "option", "coverage %", "covered", "mapped", "ready",
              "gateway", "held back by", "OTJ approved hours", "OTJ required hours", "behind on OTJ", "last activity",
              "assessment outcomes", "next progress review due", "progress review overdue"]  # fmt: skip

# A row the reviews' read did not see (added since): no due date, not overdue.
_NO_REVIEW = ("", "no")


def csv_parts(queryset: QuerySet[Apprenticeship]) -> Generator[bytes]:
    """The CSV of `queryset` (scoped, filtered, in its order) as UTF-8, a part at a time: the header with the first
    `CSV_FIRST_CHUNK` rows, then `CSV_CHUNK` rows a part."""
    parts = _copied(queryset) if written_by_postgresql() else _written(queryset, _review_columns(queryset))
    with closing(parts):  # a download stopped part way ends its COPY (or cursor) at once, not when collected
        yield _line(CSV_HEADER) + next(parts, b"")
        yield from parts


def written_by_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _line(values: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue().encode()


def _review_columns(queryset: QuerySet[Apprenticeship]) -> dict[int, tuple[str, str]]:
    """Every row's next progress review at once (portfolio/progress/selectors.py: a few queries, whatever the rows),
    as its two columns' text: two strings a row outlive the request's first rows, not a `Due` each (objects the
    garbage collector tracks: thousands of them set off its full collections of the whole process)."""
    today = timezone.localdate()
    return {
        pk: (due.due_on.isoformat() if due.due_on else due.explain(today), "yes" if due.overdue(today) else "no")
        for pk, due in due_by_apprenticeship(apprenticeships=queryset, today=today).items()
    }


_Item = TypeVar("_Item")


def _chunks(items: Iterable[_Item]) -> Iterator[list[_Item]]:
    """`items` a list at a time: the first of `CSV_FIRST_CHUNK`, then `CSV_CHUNK` each (rows read and held, or
    lines joined into a part: memory stays bounded)."""
    chunk: list[_Item] = []
    limit = min(CSV_FIRST_CHUNK, CSV_CHUNK)
    for item in items:
        chunk.append(item)
        if len(chunk) == limit:
            yield chunk
            chunk, limit = [], CSV_CHUNK
    if chunk:
        yield chunk


# What a spreadsheet takes for the start of a formula (or a cell it splits), written first in a cell: a name an
# apprentice chose, `=HYPERLINK(...)`, would otherwise run when staff open the CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """`text` as a CSV cell a spreadsheet takes as text: with an apostrophe before it when it starts like a
    formula (the usual guard against formula injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# --- Written by PostgreSQL ---------------------------------------------------------------------------------------

# The first characters a spreadsheet takes for a formula (`FORMULA_STARTS`), as a regular expression's bracket.
_FORMULA_START = "^([" + "".join("\\" + c if c in "\\^]-" else c for c in FORMULA_STARTS) + "])"


def _safe(expression: str) -> str:
    """`spreadsheet_safe` in SQL, with an empty cell written bare (NULL): COPY quotes an empty string."""
    return f"NULLIF(regexp_replace({expression}, %(formula)s, '''\\1'), '')"


def _decimal(expression: str, places: int) -> str:
    """Python's `f"{x:.{places}f}"` of a double, `places` at least 1 (none: `_whole`): to_char formats it with the C
    library, rounding it as Python does."""
    return f"to_char({expression}, 'FM999999999999990.{'0' * places}')"


def _whole(expression: str) -> str:
    """Python's `f"{x:.0f}"` of a double within an integer's range: the cast rounds a tie to the even neighbour, as
    Python does, in a fraction of to_char's time (it runs for each AO of each row)."""
    return f"({expression})::int4::text"


def _t(model: Any) -> str:
    return str(model._meta.db_table)


def _held_back_sql() -> str:
    gates = zip(GATE_KEYS, PASSED_COLUMNS, strict=True)
    names = ", ".join(f"CASE WHEN s.{column} IS NOT TRUE THEN %(gate_{key})s END" for key, column in gates)
    return f"NULLIF(concat_ws('; ', {names}), '')"


# `display_name`: the full name, else the email address.
_NAME = "COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name, %(whitespace)s), ''), u.email)"
# Each column of `CSV_HEADER`, in order; `s` is the row's summary (none before the first compute: zeros, not ready).
_COPY_COLUMNS = (
    _safe(_NAME),
    _safe("u.email"),
    _safe("e.name"),
    _safe("st.reference || ' v' || st.version"),
    _safe("o.title"),
    _decimal("COALESCE(s.percent, 0.0)", 1),
    "COALESCE(s.covered, 0)",
    "COALESCE(s.mapped, 0)",
    "CASE WHEN s.ready THEN 'yes' ELSE 'no' END",
    "NULLIF(COALESCE(given.states ->> s.state, s.state), '')",
    f"CASE WHEN s.id IS NOT NULL THEN {_held_back_sql()} END",
    _decimal("s.otj_approved_minutes::float8 / 60", 1),
    _decimal("s.otj_required_minutes::float8 / 60", 1),
    "CASE WHEN s.id IS NULL THEN NULL WHEN s.otj_behind THEN 'yes' ELSE 'no' END",
    # datetime.isoformat() in UTC: microseconds only when there are some.
    "CASE WHEN right(latest.at, 7) = '.000000' THEN left(latest.at, -7) ELSE latest.at END || '+00:00'",
    "outcomes.text",
    "NULLIF(given.reviews -> a.id::text ->> 0, '')",
    "COALESCE(given.reviews -> a.id::text ->> 1, 'no')",
)

# The rows of these ids (`ids`, an array) in its order, each joined to what it shows; its newest evidence change read
# per row through an index, the AO columns (in plan order) of all at once. Built of this module's constants and the
# models' table names; every value is a parameter.
_COPY = f"""
COPY (
  WITH listed AS MATERIALIZED (
    SELECT id, position FROM unnest(%(ids)s::{Apprenticeship._meta.pk.db_type(connection)}[])
      WITH ORDINALITY AS listed(id, position)
  ), outcomes AS (
    SELECT c.apprenticeship_id,
           string_agg(ao.code || ' ' || {_whole("c.percent")} || '%%', '; ' ORDER BY ao.position, ao.id) AS text
    FROM {_t(AOCoverage)} c JOIN {_t(AssessmentOutcome)} ao ON ao.id = c.outcome_id
    WHERE c.apprenticeship_id = ANY(ARRAY(SELECT id FROM listed))
    GROUP BY c.apprenticeship_id
  )
  SELECT {", ".join(_COPY_COLUMNS)}
  FROM listed
  JOIN {_t(Apprenticeship)} a ON a.id = listed.id
  JOIN {_t(User)} u ON u.id = a.apprentice_id
  JOIN {_t(Organisation)} e ON e.id = a.employer_id
  JOIN {_t(Standard)} st ON st.id = a.standard_id
  LEFT JOIN {_t(Option)} o ON o.id = a.option_id
  LEFT JOIN {_t(CoverageSummary)} s ON s.apprenticeship_id = a.id
  LEFT JOIN outcomes ON outcomes.apprenticeship_id = a.id
  LEFT JOIN LATERAL (
    SELECT to_char(ev.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at
    FROM {_t(Evidence)} ev WHERE ev.apprenticeship_id = a.id ORDER BY ev.updated_at DESC LIMIT 1
  ) latest ON true
  CROSS JOIN (SELECT %(states)s::jsonb AS states, %(reviews)s::jsonb AS reviews) given
  ORDER BY listed.position
) TO STDOUT (FORMAT csv)
"""  # noqa: S608


@functools.cache
def fixed_values() -> dict[str, str]:
    """The parameters every COPY takes, worked out by the first download rather than when the module loads: what
    Python's str.strip() takes off a name (every whitespace character, not only the space btrim() takes) is found by
    reading all of Unicode, about 0.1 s that every process would otherwise spend starting."""
    return {
        "whitespace": "".join(chr(code) for code in range(0x110000) if chr(code).isspace()),
        "formula": _FORMULA_START,
        "states": json.dumps(STATE_LABELS),
        **{f"gate_{key}": GATE_NAMES[key] for key in GATE_KEYS},
    }


def _copy_params(ids: list[int], reviews: dict[int, tuple[str, str]]) -> dict[str, Any]:
    """`_COPY`'s parameters for these apprenticeships' rows, in the order of `ids`, by name (psycopg binds them in the
    client: COPY takes none of its own)."""
    return {
        **fixed_values(),
        "ids": ids,
        "reviews": json.dumps({str(pk): list(columns) for pk, columns in reviews.items()}),
    }


def _copied(queryset: QuerySet[Apprenticeship], reviews: dict[int, tuple[str, str]] | None = None) -> Generator[bytes]:
    """The rows of `queryset`, in its order, a part at a time: its ids read first, then the first `CSV_FIRST_CHUNK`
    rows by one COPY and the rest by another. Each row's review columns are `reviews`' or, without them, worked out
    before each COPY: the first rows' from their ids (a few queries of 100 ids, so the first part does not wait for
    every row's), the rest's from the queryset (the same queries, each with its subquery: thousands of ids in an
    array cost PostgreSQL more)."""
    ids = list(page_ids(queryset))
    first, rest = ids[:CSV_FIRST_CHUNK], ids[CSV_FIRST_CHUNK:]
    lines = _copied_lines([(first, Apprenticeship.objects.filter(InArray(F("pk"), first))), (rest, queryset)], reviews)
    with closing(lines):
        yield from map(b"".join, _chunks(lines))


def _copied_lines(
    parts: list[tuple[list[int], QuerySet[Apprenticeship]]], reviews: dict[int, tuple[str, str]] | None
) -> Generator[bytes]:
    for ids, rows in parts:
        if not ids:
            continue
        params = _copy_params(ids, reviews if reviews is not None else _review_columns(rows))
        with connection.cursor() as cursor, connection.wrap_database_errors:
            logged = cursor.debug_sql(_COPY, params) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
            with logged, cursor.cursor.copy(_COPY, params) as copy:
                # One row a block, ending in LF: the csv module's lines end in CRLF (a line break within a quoted
                # cell stays as it is in both).
                for row in copy:
                    yield bytes(row)[:-1] + b"\r\n"


# --- Written by Python (SQLite) -----------------------------------------------------------------------------------

# What the CSV's rows read, in the order `csv_row` takes them: only the columns it writes, as each costs a conversion
# per row of a CSV of thousands.
CSV_VALUES = (
    "pk", "coverage_percent", "apprentice__email", "apprentice__first_name", "apprentice__last_name",
    "employer__name", "standard__reference", "standard__version", "option__title", "coverage_summary__id",
    *(f"coverage_summary__{column}" for column in ("ready", "state", "covered", "mapped", "otj_behind",
                                                   "otj_approved_minutes", "otj_required_minutes")),
    *PASSED_VALUES,
)  # fmt: skip


def _written(queryset: QuerySet[Apprenticeship], reviews: dict[int, tuple[str, str]]) -> Generator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for rows in _chunks(_csv_rows(queryset, CSV_CHUNK)):
        chunk = _with_ao_column(rows)
        writer.writerows([*csv_row(row, outcomes), *reviews.get(row[0], _NO_REVIEW)] for row, outcomes in chunk)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def _ao_percents(ids: list[int]) -> QuerySet[Any]:
    return ao_values(ids, "outcome__code", "percent")


# The CSV's chunks (one query for any number of ids on PostgreSQL: `InArray`).
_COMPILED_AO_PERCENTS = CompiledIdsQuery(_ao_percents, size=PAGE_ROWS, array=True)


def ao_column_of(ids: list[int]) -> dict[int, str]:
    """The CSV's AO column of these apprenticeships, in plan order (`AO1 50%; AO2 100%`), in one query: each AO's
    code and percent, not its title and counts (read for thousands of rows, they cost more than the rest of the
    row)."""
    parts: dict[int, list[str]] = {pk: [] for pk in ids}
    if ids:
        for pk, code, percent in _COMPILED_AO_PERCENTS.rows(ids):
            parts[pk].append(f"{code} {percent:.0f}%")
    return {pk: "; ".join(codes) for pk, codes in parts.items()}


def _csv_rows(queryset: QuerySet[Apprenticeship], size: int) -> Iterator[tuple[Any, ...]]:
    """Each row of `queryset` as `CSV_VALUES` and its last activity, in its order, through a server-side cursor
    `size` rows at a time."""
    values = cohort_values(queryset, last_activity=True, columns=CSV_VALUES)
    return iter(values.values_list(*CSV_VALUES, "last_activity").iterator(chunk_size=size))


def _with_ao_column(rows: list[tuple[Any, ...]]) -> list[tuple[tuple[Any, ...], str]]:
    """A chunk of rows (`_csv_rows`), each with its AO column, read for the chunk at once (`ao_column_of`)."""
    outcomes = ao_column_of([row[0] for row in rows])
    return [(row, outcomes[row[0]]) for row in rows]


@functools.lru_cache(maxsize=256)
def _held_back_by(passed: tuple[bool, ...]) -> str:
    """The gates that hold a row back (`blocking_of` its `passed` flags), named: a few dozen combinations at
    most, each written once per process."""
    return "; ".join([GATE_NAMES[key] for key in blocking_of(passed) if key in GATE_NAMES])


def csv_row(row: tuple[Any, ...], outcomes: str) -> list[str]:
    """The CSV's columns of one row, from its `CSV_VALUES` and last activity (`_csv_rows`) and its AO column (the
    review's two are the caller's)."""
    (_, percent, email, first_name, last_name, employer, reference, version, option_title, summary_id, ready, state,
     covered, mapped, otj_behind, approved, required, *passed, last_activity) = row  # fmt: skip
    if summary_id is not None:
        summary_columns = [
            str(covered),
            str(mapped),
            "yes" if ready else "no",
            STATE_LABELS.get(state, state),
            _held_back_by(tuple(passed)),
            f"{approved / 60:.1f}",
            f"{required / 60:.1f}" if required is not None else "",
            "yes" if otj_behind else "no",
        ]
    else:
        summary_columns = ["0", "0", "no", "", "", "", "", ""]
    return [
        spreadsheet_safe(display_name(first_name, last_name, email)),
        spreadsheet_safe(email),
        spreadsheet_safe(employer),
        spreadsheet_safe(f"{reference} v{version}"),
        spreadsheet_safe(option_title) if option_title is not None else "",  # None without an option
        f"{percent:.1f}",
        *summary_columns,
        last_activity.isoformat() if last_activity else "",
        outcomes,
    ]
