"""What the coverage pages show, built from the stored coverage (the same rows the API and the cohort use).

Kept apart from the views so each page's data is one function with one job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet

from portfolio.coverage.gates import GATE_KEYS, GATE_NAMES
from portfolio.coverage.models import AOCoverage
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.coverage.selectors import cohort_gate_filter, cohort_list_for_user
from portfolio.evidence.models import EvidenceTag
from portfolio.evidence.route import route_filter
from portfolio.people.models import Apprenticeship
from portfolio.standards.models import AssessmentOutcome, OutcomeStatement, Standard

COHORT_ORDERINGS = {
    "coverage": ("coverage_percent", "apprentice__last_name"),
    "-coverage": ("-coverage_percent", "apprentice__last_name"),
    "name": ("apprentice__last_name", "apprentice__first_name"),
    "activity": ("last_activity",),
    "-activity": ("-last_activity",),
}


@dataclass
class StatementRow:
    code: str
    text: str
    mandatory: bool
    outcome_code: str
    covered: bool
    evidence: list[tuple[str, str, str, str]] = field(default_factory=list)  # public id, title, state, tag state


@dataclass
class AOGroup:
    """One AO's bar and its statements: a phone shows the bars first and opens one AO at a time."""

    row: AOCoverage
    statements: list[StatementRow]


@dataclass
class RouteView:
    core: list[AOCoverage]
    option: list[AOCoverage]
    statements: list[StatementRow]

    def _groups(self, rows: list[AOCoverage]) -> list[AOGroup]:
        by_outcome: dict[str, list[StatementRow]] = {}
        for statement in self.statements:
            by_outcome.setdefault(statement.outcome_code, []).append(statement)
        return [AOGroup(row=row, statements=by_outcome.get(row.outcome.code, [])) for row in rows]

    @property
    def core_groups(self) -> list[AOGroup]:
        return self._groups(self.core)

    @property
    def option_groups(self) -> list[AOGroup]:
        return self._groups(self.option)


def progress_for(*, apprenticeship: Apprenticeship) -> RouteView:
    """Per AO bars (core and option apart) and the statement matrix: every statement of the route with the
    evidence tagged to it and where each item stands."""
    rows = list(
        AOCoverage.objects.filter(apprenticeship=apprenticeship).select_related("outcome").order_by("outcome__position")
    )
    missing = {code for row in rows for code in row.missing}
    tags: dict[int, list[tuple[str, str, str, str]]] = {}
    for tag in (
        EvidenceTag.objects.filter(evidence__apprenticeship=apprenticeship)
        .exclude(evidence__state="withdrawn")
        .select_related("evidence")
        .order_by("evidence__occurred_on")
    ):
        tags.setdefault(tag.statement_id, []).append(
            (str(tag.evidence.public_id), tag.evidence.title, tag.evidence.get_state_display(), tag.get_state_display())
        )
    mappings = (
        OutcomeStatement.objects.filter(
            route_filter(apprenticeship, "outcome__"), outcome__standard_id=apprenticeship.standard_id
        )
        .select_related("statement", "outcome")
        .order_by("outcome__position", "position")
    )
    statements = [
        StatementRow(
            code=m.statement.code,
            text=m.statement.text,
            mandatory=m.statement.mandatory,
            outcome_code=m.outcome.code,
            covered=bool(rows) and m.statement.code not in missing,
            evidence=tags.get(m.statement_id, []),
        )
        for m in mappings
    ]
    return RouteView(
        core=[row for row in rows if row.outcome.option_id is None],
        option=[row for row in rows if row.outcome.option_id is not None],
        statements=statements,
    )


def cohort_rows(*, user: Any, filters: dict[str, str]) -> QuerySet[Apprenticeship]:
    """The cohort a person may see, filtered, searched and ordered, with each row's per-AO coverage."""
    queryset = cohort_list_for_user(user=user).annotate(last_activity=Max("evidence__updated_at"))
    for name in ("standard", "option", "employer"):
        if filters.get(name):
            queryset = queryset.filter(**{f"{name}__public_id": filters[name]})
    if filters.get("ready") == "yes":
        queryset = queryset.filter(coverage_summary__ready=True)
    elif filters.get("ready") == "no":
        queryset = queryset.exclude(coverage_summary__ready=True)
    queryset = cohort_gate_filter(  # type: ignore[assignment]  # the annotation survives the filters
        queryset,
        state=filters.get("state") if filters.get("state") in ReadinessState.values else None,
        blocked_by=filters.get("blocked") or None,
        behind_on_otj=True if filters.get("otj") == "behind" else None,
        no_activity_last_month=True if filters.get("otj") == "idle" else None,
    )
    if filters.get("q"):
        q = filters["q"]
        queryset = queryset.filter(
            Q(apprentice__first_name__icontains=q)
            | Q(apprentice__last_name__icontains=q)
            | Q(apprentice__email__icontains=q)
            | Q(employer__name__icontains=q)
        )
    ordering = COHORT_ORDERINGS.get(filters.get("sort", ""), COHORT_ORDERINGS["coverage"])
    return queryset.order_by(*ordering, "id").prefetch_related(
        Prefetch(
            "ao_coverage",
            queryset=AOCoverage.objects.select_related("outcome").order_by("outcome__position"),
            to_attr="ao_rows",
        )
    )


GATE_FILTER_CHOICES = [(key, GATE_NAMES[key]) for key in GATE_KEYS]
OTJ_FILTER_CHOICES = [("behind", "Behind on OTJ"), ("idle", "No activity last month")]


def cohort_filter_choices(*, user: Any) -> dict[str, list[tuple[str, str]]]:
    # Without order_by(), the model's default ordering (start date, id) joins the SELECT DISTINCT and every
    # apprenticeship becomes its own row: each standard was listed once per apprentice.
    visible = cohort_list_for_user(user=user).order_by()
    standards = visible.values_list("standard__public_id", "standard__reference", "standard__version").distinct()
    options = visible.exclude(option=None).values_list("option__public_id", "option__title").distinct()
    employers = visible.values_list("employer__public_id", "employer__name").distinct()
    return {
        "standards": sorted((str(p), f"{r} v{v}") for p, r, v in standards),
        "options": sorted(((str(p), t) for p, t in options), key=lambda item: item[1]),
        "employers": sorted(((str(p), n) for p, n in employers), key=lambda item: item[1]),
        "states": [(str(value), str(label)) for value, label in ReadinessState.choices],
        "gates": GATE_FILTER_CHOICES,
        "otj": OTJ_FILTER_CHOICES,
    }


def heatmap_for(*, user: Any, standard: Standard, limit: int = 300) -> tuple[list[AssessmentOutcome], list[Any]]:
    """Apprentices on one standard (rows) by its AOs (columns): percent per cell, None off the route."""
    outcomes = list(standard.outcomes.select_related("option").order_by("position"))
    apprenticeships = list(
        cohort_list_for_user(user=user)
        .filter(standard=standard)
        .order_by("apprentice__last_name", "id")
        .prefetch_related(Prefetch("ao_coverage", queryset=AOCoverage.objects.all(), to_attr="ao_rows"))[:limit]
    )
    rows = []
    for apprenticeship in apprenticeships:
        by_outcome = {row.outcome_id: row for row in apprenticeship.ao_rows}
        rows.append((apprenticeship, [by_outcome.get(outcome.pk) for outcome in outcomes]))
    return outcomes, rows
