"""The cohort's rows, cheaply: the relations a row shows, its API shape built directly, and last activity per page.

A provider has thousands of apprentices, and staff open the cohort all day. Three costs are kept off each read:

- Only the relations a row shows are joined (the scoped selector also joins the tutor, assessor, line manager and
  mentor, five more rows per apprenticeship to build).
- The API row is a plain dict built here from plain values, the same JSON `CohortRowOut` describes (a test checks
  they agree): the REST framework serializer, with its nested people, organisations and gates, and the six models
  per row it reads, cost several times the queries.
- A page is cut from a narrow sorted query (ids only, ordered by coverage or name), then only its rows are read
  with their relations: sorting 2,500 ids costs little, joining 2,500 rows to their people and summaries before
  keeping 50 of them cost most of the page.
- Last activity (the latest change to any of an apprentice's evidence) is read for the rows shown, one grouped
  query per page or per CSV chunk, not aggregated over every apprentice's evidence before the page is cut; only
  sorting by it needs it for every row. Each AO's figures are read as plain values for the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from types import SimpleNamespace
from typing import Any

from django.db.models import Max, QuerySet

from portfolio.core.queries import rows_in_order
from portfolio.coverage.answers import api_datetime
from portfolio.coverage.gates import PASSED_COLUMNS, blocking_of, summary_gates
from portfolio.coverage.gates_sql import GATE_COLUMN_NAMES
from portfolio.coverage.models import AOCoverage
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship

# What a cohort row shows besides the apprenticeship itself.
ROW_RELATIONS = ("apprentice", "employer", "standard", "option", "coverage_summary")


# The columns a row shows (the page, the CSV): the rest of six tables' columns, read and converted for every row
# (dates and JSON above all), cost as much as the rows' own. The summary is read whole (its gates).
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
    """The ids of `queryset`, in its order: the narrow query a page is cut from (`rows_of`)."""
    return queryset.values_list("pk", flat=True)


def rows_of(queryset: QuerySet[Apprenticeship], ids: Iterable[int]) -> list[Apprenticeship]:
    """The rows of `queryset` with these ids (a page of `page_ids`), in the order of the ids."""
    return rows_in_order(queryset, ids)


def with_last_activity(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """`last_activity` for every row: only for sorting by it (the rows shown get theirs from `attach_page_extras`)."""
    return queryset.annotate(last_activity=Max("evidence__updated_at"))


def attach_page_extras(rows: list[Apprenticeship]) -> list[Apprenticeship]:
    """Set on each row its `ao_rows` (each AO's figures, in plan order) and its `last_activity` (unless the sort
    read it already), in one query each over these rows. The AO rows are plain objects with the attributes the
    page and the CSV read (`outcome.code`, `outcome.title`, `percent`, `covered`, `mapped`): two models per AO
    per row cost more than the page's queries."""
    ids = [row.pk for row in rows]
    if not ids:
        return rows
    chips: dict[int, list[SimpleNamespace]] = {pk: [] for pk in ids}
    for apprenticeship_id, code, title, percent, covered, mapped in (
        AOCoverage.objects.filter(apprenticeship_id__in=ids)
        .order_by("outcome__position", "outcome_id")
        .values_list("apprenticeship_id", "outcome__code", "outcome__title", "percent", "covered", "mapped")
    ):
        chips[apprenticeship_id].append(
            SimpleNamespace(
                outcome=SimpleNamespace(code=code, title=title), percent=percent, covered=covered, mapped=mapped
            )
        )
    wanted = [row.pk for row in rows if not hasattr(row, "last_activity")]
    latest = {}
    if wanted:
        latest = dict(
            Evidence.objects.filter(apprenticeship_id__in=wanted)
            .order_by()
            .values_list("apprenticeship_id")
            .annotate(latest=Max("updated_at"))
            .values_list("apprenticeship_id", "latest")
        )
    for row in rows:
        row.ao_rows = chips[row.pk]  # type: ignore[attr-defined]
        if not hasattr(row, "last_activity"):
            row.last_activity = latest.get(row.pk)  # type: ignore[attr-defined]
    return rows


def in_chunks_with_extras(rows: Iterable[Any], size: int) -> Iterator[Any]:
    """Rows streamed (the CSV), with their AO figures and last activity read once per `size` rows: memory stays
    bounded."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield from attach_page_extras(chunk)


# A row's columns, read as plain values: building six models per row (the apprenticeship, its apprentice,
# employer, standard, option and summary) cost more than the rest of the page.
_SUMMARY = ("covered", "mapped", "missing", "mandatory_missing", "ready", "state", "ready_since", "computed_at",
            *GATE_COLUMN_NAMES)  # fmt: skip
_VALUES = (
    "pk", "public_id", "status", "coverage_percent", "coverage_stale",
    "apprentice__public_id", "apprentice__email", "apprentice__first_name", "apprentice__last_name",
    "employer__public_id", "employer__kind", "employer__name",
    "standard__public_id", "standard__reference", "standard__version", "standard__title",
    "option__public_id", "option__title", "option__code",
    "coverage_summary__id", *(f"coverage_summary__{column}" for column in _SUMMARY),
)  # fmt: skip


def cohort_api_rows(queryset: QuerySet[Apprenticeship], ids: Iterable[int]) -> list[dict[str, Any]]:
    """The rows of `GET /api/cohort/` with these ids (a page of `page_ids`), in their order."""
    ids = list(ids)
    by_pk = {values["pk"]: values for values in queryset.order_by().filter(pk__in=ids).values(*_VALUES)}
    return [cohort_row(by_pk[pk]) for pk in ids if pk in by_pk]


def cohort_row(v: dict[str, Any]) -> dict[str, Any]:
    """One row, as `CohortRowOut` writes it (before the first compute: zeros, not ready), from `_VALUES`."""
    summary = None
    if v["coverage_summary__id"] is not None:
        summary = SimpleNamespace(**{column: v[f"coverage_summary__{column}"] for column in _SUMMARY})
    name = f"{v['apprentice__first_name']} {v['apprentice__last_name']}".strip()  # User.display_name
    return {
        "id": str(v["public_id"]),
        "apprentice": {"id": str(v["apprentice__public_id"]), "email": v["apprentice__email"],
                       "name": name or v["apprentice__email"]},
        "employer": {"id": str(v["employer__public_id"]), "kind": v["employer__kind"], "name": v["employer__name"]},
        "standard": {"id": str(v["standard__public_id"]), "reference": v["standard__reference"],
                     "version": v["standard__version"], "title": v["standard__title"]},
        "option": None if v["option__public_id"] is None else {
            "id": str(v["option__public_id"]), "title": v["option__title"], "code": v["option__code"]},
        "status": v["status"],
        "covered": int(summary.covered) if summary else 0,
        "mapped": int(summary.mapped) if summary else 0,
        "percent": float(v["coverage_percent"]),
        "missing": [str(code) for code in summary.missing] if summary else [],
        "mandatory_missing": [str(code) for code in summary.mandatory_missing] if summary else [],
        "gates": summary_gates(summary) if summary else None,
        "blocking": blocking_of(getattr(summary, column) for column in PASSED_COLUMNS) if summary else [],
        "ready": bool(summary.ready) if summary else False,
        "state": summary.state if summary else ReadinessState.NOT_READY.value,
        "ready_since": api_datetime(summary.ready_since) if summary else None,
        "computed_at": api_datetime(summary.computed_at) if summary else None,
        "stale": bool(v["coverage_stale"]),
    }  # fmt: skip
