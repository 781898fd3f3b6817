"""The cohort's rows, cheaply: a page cut from sorted ids, then only its rows read as plain values, and each row
written once for its reader (the API's JSON, the page's table, the CSV).

A provider has thousands of apprentices, and staff open the cohort all day. The costs kept off each read:

- A page is cut from a narrow sorted query (ids only, ordered by coverage or name, with the count), then only its
  rows are read: sorting 2,500 ids costs little, joining 2,500 rows to their people and summaries before keeping 50
  of them cost most of the page. The rows are read by those ids alone (the scoped, filtered query chose them).
- A row is read as plain values in one query with its relations, its summary's columns and (for the page and the
  CSV) its last activity, the latest change to any of its evidence: building six models per row (the
  apprenticeship, its apprentice, employer, standard, option and summary) cost more than the rest of the page, and
  the REST framework serializer's nested fields several times that.
- The API row is a plain dict built here, the same JSON `CohortRowOut` describes (a test checks they agree); the
  page's row is written as HTML in one pass (`templatetags/coverage_tags.py`, `cohort_table_rows`), the CSV's as a
  list of strings.
- Each AO's figures are read as plain values for the rows shown (per chunk of rows for the CSV, by one array of
  ids). Only sorting by last activity reads it for every row: each row's newest change, one index entry.
- The CSV is written by PostgreSQL where it runs (`cohort_csv.py`), else from rows read as tuples of the columns
  it writes; it keeps little a row outlives.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery

from portfolio.core.compiled import CompiledIdsQuery, InArray
from portfolio.core.queries import rows_in_order
from portfolio.coverage.answers import api_datetime
from portfolio.coverage.gates import PASSED_COLUMNS, blocking_of, gate_reads, summary_gates_of
from portfolio.coverage.gates_sql import GATE_COLUMN_NAMES
from portfolio.coverage.models import AOCoverage
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.coverage.selectors import with_coverage
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, display_name

# What a cohort row shows besides the apprenticeship itself.
ROW_RELATIONS = ("apprentice", "employer", "standard", "option", "coverage_summary")


# The columns a row shows, for the scoped queryset the filters narrow (its ids are read, not its rows).
ROW_COLUMNS = (
    "public_id", "status", "apprentice__public_id", "apprentice__email", "apprentice__first_name",
    "apprentice__last_name", "employer__public_id", "employer__kind", "employer__name", "standard__public_id",
    "standard__reference", "standard__version", "standard__title", "option__public_id", "option__title",
    "option__code", "coverage_summary",
    "start_date", "provider",  # the next progress review's due date (portfolio/progress/selectors.py)
)  # fmt: skip


def with_row_relations(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    return queryset.select_related(None).select_related(*ROW_RELATIONS).only(*ROW_COLUMNS)


def page_ids(queryset: QuerySet[Apprenticeship]) -> QuerySet[Any]:
    """The ids of `queryset`, in its order: the narrow query a page is cut from (`cohort_values`)."""
    return queryset.values_list("pk", flat=True)


def rows_of(queryset: QuerySet[Apprenticeship], ids: Iterable[int]) -> list[Apprenticeship]:
    """The rows of `queryset` with these ids, in the order of the ids, as models (what `CohortRowOut` reads)."""
    return rows_in_order(queryset, ids)


def _latest_evidence_change() -> Subquery:
    # The newest change first, one item read (`updated_at` is never empty: the latest is the greatest): through the
    # index on (apprenticeship, updated_at) one entry per row, where aggregating read every item of each.
    return Subquery(
        Evidence.objects.filter(apprenticeship_id=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
    )


def with_last_activity(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """`last_activity` for every row: only for sorting by it (the rows read get theirs from `cohort_values`), as
    each row's own newest change, not its evidence joined and grouped (a third of the time without the index)."""
    return queryset.annotate(last_activity=_latest_evidence_change())


# A row's columns, read as plain values.
_SUMMARY = ("covered", "mapped", "missing", "mandatory_missing", "ready", "state", "ready_since", "computed_at",
            *GATE_COLUMN_NAMES)  # fmt: skip
_VALUES = (
    "pk", "public_id", "status", "start_date", "provider_id", "coverage_percent", "coverage_stale",
    "apprentice__public_id", "apprentice__email", "apprentice__first_name", "apprentice__last_name",
    "employer__public_id", "employer__kind", "employer__name",
    "standard__public_id", "standard__reference", "standard__version", "standard__title",
    "option__public_id", "option__title", "option__code",
    "coverage_summary__id", *(f"coverage_summary__{column}" for column in _SUMMARY),
)  # fmt: skip


# What the page's rows and the CSV's read of them: not the summary's other figures (JSON lists among them).
_SHOWN = ("ready", "state", "covered", "mapped", "otj_behind", "otj_approved_minutes", "otj_required_minutes",
          *PASSED_COLUMNS)  # fmt: skip
SHOWN_VALUES = (
    "pk", "public_id", "status", "start_date", "provider_id", "coverage_percent", "coverage_stale",
    "apprentice__email", "apprentice__first_name", "apprentice__last_name", "employer__name",
    "standard__reference", "standard__version", "option__public_id", "option__title",
    "coverage_summary__id", *(f"coverage_summary__{column}" for column in _SHOWN),
)  # fmt: skip


def cohort_values(
    queryset: QuerySet[Apprenticeship], *, last_activity: bool = False, columns: tuple[str, ...] = _VALUES
) -> QuerySet[Any]:
    """Each row of `queryset`, in its order, as a dict of `columns` (`_VALUES`, what the API writes, or
    `SHOWN_VALUES`, what the page and the CSV show), and `last_activity` with `last_activity`."""
    if "coverage_percent" not in queryset.query.annotations:
        queryset = with_coverage(queryset)
    if not last_activity:
        return queryset.values(*columns)
    if "last_activity" in queryset.query.annotations:  # sorted by it: aggregated already
        return queryset.values(*columns, "last_activity")
    return queryset.values(*columns, last_activity=_latest_evidence_change())


# A page's rows are read by their ids with queries compiled once per process (`CompiledIdsQuery`): building and
# compiling the query of 40 columns and 6 joins cost more CPU than running it. Longer lists (the CSV's chunks) are
# read through the ORM, in one query.
PAGE_ROWS = 50


def _by_ids(ids: list[int], *, last_activity: bool, columns: tuple[str, ...]) -> QuerySet[Any]:
    return cohort_values(Apprenticeship.objects.filter(pk__in=ids).order_by(), last_activity=last_activity,
                         columns=columns)  # fmt: skip


_COMPILED_VALUES: dict[tuple[bool, tuple[str, ...]], CompiledIdsQuery] = {}


def _values_query(last_activity: bool, columns: tuple[str, ...]) -> CompiledIdsQuery:
    key = (last_activity, columns)
    if key not in _COMPILED_VALUES:  # a race builds it twice: the same query
        names = (*columns, "last_activity") if last_activity else columns
        _COMPILED_VALUES[key] = CompiledIdsQuery(
            lambda ids: _by_ids(ids, last_activity=last_activity, columns=columns).values_list(*names),
            size=PAGE_ROWS,
        )
    return _COMPILED_VALUES[key]


def cohort_values_of(
    ids: Iterable[int], *, last_activity: bool = False, columns: tuple[str, ...] = _VALUES
) -> list[dict[str, Any]]:
    """The rows with these ids (a page of `page_ids` of the scoped, filtered cohort), in their order."""
    ids = list(ids)
    if not ids:
        return []
    names = (*columns, "last_activity") if last_activity else columns
    rows = [dict(zip(names, row, strict=True)) for row in _values_query(last_activity, columns).rows(ids)]
    by_pk = {v["pk"]: v for v in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def ao_values(ids: list[int], *columns: str) -> QuerySet[Any]:
    """Each AO's `columns` of these apprenticeships, after the apprenticeship's id, in plan order."""
    return (
        AOCoverage.objects.filter(InArray(F("apprenticeship_id"), ids))
        .order_by("outcome__position", "outcome_id")
        .values_list("apprenticeship_id", *columns)
    )


def _ao_rows(ids: list[int]) -> QuerySet[Any]:
    return ao_values(ids, "outcome__code", "outcome__title", "percent", "covered", "mapped")


# A page's rows or a CSV's chunk of them (on PostgreSQL one query for any number of ids: `InArray`).
_COMPILED_AO_ROWS = CompiledIdsQuery(_ao_rows, size=PAGE_ROWS, array=True)


def ao_rows_of(ids: list[int]) -> dict[int, list[tuple[str, str, float, int, int]]]:
    """Each AO's (code, title, percent, covered, mapped) of these apprenticeships, in plan order, in one query."""
    chips: dict[int, list[tuple[str, str, float, int, int]]] = {pk: [] for pk in ids}
    if ids:
        for row in _COMPILED_AO_ROWS.rows(ids):
            chips[row[0]].append(row[1:])
    return chips


def with_ao_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set each row's `ao_rows` (`ao_rows_of`)."""
    chips = ao_rows_of([row["pk"] for row in rows])
    for row in rows:
        row["ao_rows"] = chips[row["pk"]]
    return rows


def page_row(v: dict[str, Any]) -> SimpleNamespace:
    """One row of the cohort page, from `cohort_values` with `ao_rows`: the attributes the table's rows read
    (`templatetags/coverage_tags.py`, `cohort_table_rows`)."""
    first, last, email = v["apprentice__first_name"], v["apprentice__last_name"], v["apprentice__email"]
    has_summary = v["coverage_summary__id"] is not None
    return SimpleNamespace(
        pk=v["pk"],
        public_id=v["public_id"],
        apprentice=SimpleNamespace(
            first_name=first, last_name=last, email=email, display_name=display_name(first, last, email)
        ),
        employer_name=v["employer__name"],
        standard=f"{v['standard__reference']} v{v['standard__version']}",
        option_title=v["option__title"] if v["option__public_id"] is not None else None,
        ao_rows=v["ao_rows"],
        coverage_percent=v["coverage_percent"],
        coverage_stale=v["coverage_stale"],
        summary=has_summary,
        ready=has_summary and bool(v["coverage_summary__ready"]),
        state=v["coverage_summary__state"],
        blocking=blocking_of(v[f"coverage_summary__{column}"] for column in PASSED_COLUMNS) if has_summary else [],
        otj_behind=has_summary and bool(v["coverage_summary__otj_behind"]),
        last_activity=v["last_activity"],
        # The next progress review: set by the view.
        review_due=None,
        review_overdue=False,
    )


STATE_LABELS = {str(value): str(label) for value, label in ReadinessState.choices}
PASSED_VALUES = tuple(f"coverage_summary__{column}" for column in PASSED_COLUMNS)


def cohort_api_rows(ids: Iterable[int]) -> list[dict[str, Any]]:
    """The rows of `GET /api/cohort/` with these ids (a page of `page_ids`), in their order, each with the
    `start_date`, `status` and `provider_id` its next progress review is worked out from (`review_facts`)."""
    return [cohort_row(v) for v in cohort_values_of(ids)]


_GATE_READS = gate_reads("coverage_summary__")


def cohort_row(v: dict[str, Any]) -> dict[str, Any]:
    """One row, as `CohortRowOut` writes it (before the first compute: zeros, not ready), from `_VALUES`."""
    name = f"{v['apprentice__first_name']} {v['apprentice__last_name']}".strip()  # User.display_name
    row = {
        "id": str(v["public_id"]),
        "apprentice": {"id": str(v["apprentice__public_id"]), "email": v["apprentice__email"],
                       "name": name or v["apprentice__email"]},
        "employer": {"id": str(v["employer__public_id"]), "kind": v["employer__kind"], "name": v["employer__name"]},
        "standard": {"id": str(v["standard__public_id"]), "reference": v["standard__reference"],
                     "version": v["standard__version"], "title": v["standard__title"]},
        "option": None if v["option__public_id"] is None else {
            "id": str(v["option__public_id"]), "title": v["option__title"], "code": v["option__code"]},
        "status": v["status"],
        "covered": 0,
        "mapped": 0,
        "percent": float(v["coverage_percent"]),
        "missing": [],
        "mandatory_missing": [],
        "gates": None,
        "blocking": [],
        "ready": False,
        "state": ReadinessState.NOT_READY.value,
        "ready_since": None,
        "computed_at": None,
        "stale": bool(v["coverage_stale"]),
    }  # fmt: skip
    if v["coverage_summary__id"] is not None:
        row.update(
            covered=int(v["coverage_summary__covered"]),
            mapped=int(v["coverage_summary__mapped"]),
            missing=[str(code) for code in v["coverage_summary__missing"]],
            mandatory_missing=[str(code) for code in v["coverage_summary__mandatory_missing"]],
            gates=summary_gates_of(v, _GATE_READS),
            blocking=blocking_of(v[name] for name in PASSED_VALUES),
            ready=bool(v["coverage_summary__ready"]),
            state=v["coverage_summary__state"],
            ready_since=api_datetime(v["coverage_summary__ready_since"]),
            computed_at=api_datetime(v["coverage_summary__computed_at"]),
        )
    return row


def review_subjects(rows: Iterable[dict[str, Any]]) -> list[Any]:
    """What the next progress review's due date is worked out from (`progress.selectors.due_by_apprenticeship`
    reads `pk`, `status`, `start_date` and `provider_id`), from `cohort_values` rows: no query for them."""
    return [
        SimpleNamespace(pk=v["pk"], status=v["status"], start_date=v["start_date"], provider_id=v["provider_id"])
        for v in rows
    ]
