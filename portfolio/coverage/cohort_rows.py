"""The cohort's rows, cheaply: the relations a row shows, its API shape built directly, and last activity per page.

A provider has thousands of apprentices, and staff open the cohort all day. Three costs are kept off each read:

- Only the relations a row shows are joined (the scoped selector also joins the tutor, assessor, line manager and
  mentor, five more rows per apprenticeship to build).
- The API row is a plain dict built here, the same JSON `CohortRowOut` describes (a test checks they agree): the
  REST framework serializer, with its nested people, organisations and gates, cost several times the query.
- Last activity (the latest change to any of an apprentice's evidence) is read for the rows shown, one grouped
  query per page or per CSV chunk, not aggregated over every apprentice's evidence before the page is cut; only
  sorting by it needs it for every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import Max, QuerySet

from portfolio.coverage.answers import api_datetime
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship

# What a cohort row shows besides the apprenticeship itself.
ROW_RELATIONS = ("apprentice", "employer", "standard", "option", "coverage_summary")


def with_row_relations(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    return queryset.select_related(None).select_related(*ROW_RELATIONS)


def with_last_activity(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """`last_activity` for every row: only for sorting by it (the rows shown get theirs from `attach_last_activity`)."""
    return queryset.annotate(last_activity=Max("evidence__updated_at"))


def attach_last_activity(rows: list[Apprenticeship]) -> list[Apprenticeship]:
    """Set `last_activity` on each row that lacks it, in one grouped query over these rows' evidence."""
    wanted = [row.pk for row in rows if not hasattr(row, "last_activity")]
    if wanted:
        latest = dict(
            Evidence.objects.filter(apprenticeship_id__in=wanted)
            .order_by()
            .values_list("apprenticeship_id")
            .annotate(latest=Max("updated_at"))
            .values_list("apprenticeship_id", "latest")
        )
        for row in rows:
            if not hasattr(row, "last_activity"):
                row.last_activity = latest.get(row.pk)  # type: ignore[attr-defined]
    return rows


def in_chunks_with_last_activity(rows: Iterable[Any], size: int) -> Iterator[Any]:
    """Rows streamed (the CSV), with last activity read once per `size` rows: memory stays bounded."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield from attach_last_activity(chunk)


def cohort_row(apprenticeship: Apprenticeship) -> dict[str, Any]:
    """One row of `GET /api/cohort/`, as `CohortRowOut` writes it (before the first compute: zeros, not ready)."""
    a = apprenticeship
    summary = getattr(a, "coverage_summary", None)
    person, employer, standard, option = a.apprentice, a.employer, a.standard, a.option
    return {
        "id": str(a.public_id),
        "apprentice": {"id": str(person.public_id), "email": person.email, "name": person.display_name},
        "employer": {"id": str(employer.public_id), "kind": employer.kind, "name": employer.name},
        "standard": {
            "id": str(standard.public_id),
            "reference": standard.reference,
            "version": standard.version,
            "title": standard.title,
        },
        "option": None if option is None else {"id": str(option.public_id), "title": option.title, "code": option.code},
        "status": a.status,
        "covered": int(summary.covered) if summary else 0,
        "mapped": int(summary.mapped) if summary else 0,
        "percent": float(a.coverage_percent),  # type: ignore[attr-defined]
        "missing": [str(code) for code in summary.missing] if summary else [],
        "mandatory_missing": [str(code) for code in summary.mandatory_missing] if summary else [],
        "gates": summary.gates if summary else None,
        "blocking": summary.blocking if summary else [],
        "ready": bool(summary.ready) if summary else False,
        "state": summary.state if summary else ReadinessState.NOT_READY.value,
        "ready_since": api_datetime(summary.ready_since) if summary else None,
        "computed_at": api_datetime(summary.computed_at) if summary else None,
        "stale": bool(a.coverage_stale),  # type: ignore[attr-defined]
    }
