"""What the coverage pages show, built from the stored coverage (the same rows the API and the cohort use).

Kept apart from the views so each page's data is one function with one job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Exists, F, OuterRef, QuerySet

from portfolio.core.compiled import CompiledIdsQuery, CompiledQuery, InArray
from portfolio.coverage.cohort_compiled import ScopedQuery
from portfolio.coverage.cohort_rows import with_row_relations
from portfolio.coverage.gates import GATE_KEYS, GATE_NAMES
from portfolio.coverage.models import AOCoverage
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.coverage.selectors import cohort_list_for_user
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.evidence.route import route_filter
from portfolio.people.models import Apprenticeship, Organisation, User, display_name
from portfolio.people.selectors import HeldOrganisations
from portfolio.standards.models import AssessmentOutcome, Option, OutcomeStatement, Standard


@dataclass
class StatementRow:
    code: str
    text: str
    mandatory: bool
    outcome_code: str
    covered: bool
    evidence: list[tuple[str, str, str, str]] = field(default_factory=list)  # public id, title, state, tag state


@dataclass(frozen=True)
class AORow:
    """One AO's stored coverage (`AOCoverage`) as the progress page shows it, with its AO's code and title."""

    code: str
    title: str
    option_id: int | None
    covered: int
    mapped: int
    percent: float
    missing: list[str]
    complete: bool


@dataclass
class AOGroup:
    """One AO's bar and its statements: a phone shows the bars first and opens one AO at a time."""

    row: AORow
    statements: list[StatementRow]


@dataclass
class RouteView:
    core: list[AORow]
    option: list[AORow]
    statements: list[StatementRow]

    def _groups(self, rows: list[AORow]) -> list[AOGroup]:
        by_outcome: dict[str, list[StatementRow]] = {}
        for statement in self.statements:
            by_outcome.setdefault(statement.outcome_code, []).append(statement)
        return [AOGroup(row=row, statements=by_outcome.get(row.code, [])) for row in rows]

    @property
    def core_groups(self) -> list[AOGroup]:
        return self._groups(self.core)

    @property
    def option_groups(self) -> list[AOGroup]:
        return self._groups(self.option)


# The progress page's three reads of the route, as plain values, built and compiled once per process
# (`CompiledQuery`): compiling them cost more CPU than PostgreSQL spends running them. Stand-ins are ids no row has.
_AO_ROWS = CompiledQuery(
    lambda apprenticeship_id: AOCoverage.objects.filter(apprenticeship_id=apprenticeship_id)
    .order_by("outcome__position")
    .values_list("outcome__code", "outcome__title", "outcome__option_id", "covered", "mapped", "percent", "missing",
                 "complete"),
    apprenticeship_id=-7_000_000_101,
)  # fmt: skip
_TAGS = CompiledQuery(
    lambda apprenticeship_id: (
        EvidenceTag.objects.filter(evidence__apprenticeship_id=apprenticeship_id)
        .exclude(evidence__state=Evidence.State.WITHDRAWN)
        .order_by("evidence__occurred_on")
        .values_list("statement_id", "evidence__public_id", "evidence__title", "evidence__state", "state")
    ),
    apprenticeship_id=-7_000_000_102,
)
# An apprenticeship without an option is sent NULL for `option_id`: `option_id = NULL` holds for no AO, so the
# route is the core AOs alone, the rows `route_filter` reads for it (`option_id IS NULL` on both sides of its OR).
_ROUTE_STATEMENTS = CompiledQuery(
    lambda standard_id, option_id: (
        OutcomeStatement.objects.filter(
            route_filter(Apprenticeship(option_id=option_id), "outcome__"), outcome__standard_id=standard_id
        )
        .order_by("outcome__position", "position")
        .values_list("statement_id", "statement__code", "statement__text", "statement__mandatory", "outcome__code")
    ),
    standard_id=-7_000_000_103,
    option_id=-7_000_000_104,
)


def progress_for(*, apprenticeship: Apprenticeship) -> RouteView:
    """Per AO bars (core and option apart) and the statement matrix: every statement of the route with the
    evidence tagged to it and where each item stands."""
    rows = [AORow(*values) for values in _AO_ROWS.rows(apprenticeship_id=apprenticeship.pk)]
    missing = {code for row in rows for code in row.missing}
    # Plain values, not a model per tag and per statement (with every field of its item): the route has ~60
    # statements and an apprentice's items a few hundred tags, so building them cost more than the rest of the page.
    evidence_states, tag_states = dict(Evidence.State.choices), dict(EvidenceTag.State.choices)
    tags: dict[int, list[tuple[str, str, str, str]]] = {}
    for statement_id, public_id, title, state, tag_state in _TAGS.rows(apprenticeship_id=apprenticeship.pk):
        tags.setdefault(statement_id, []).append(
            (str(public_id), title, evidence_states.get(state, state), tag_states.get(tag_state, tag_state))
        )
    mappings = _ROUTE_STATEMENTS.rows(standard_id=apprenticeship.standard_id, option_id=apprenticeship.option_id)
    statements = [
        StatementRow(
            code=code,
            text=text,
            mandatory=mandatory,
            outcome_code=outcome_code,
            covered=bool(rows) and code not in missing,
            evidence=tags.get(statement_id, []),
        )
        for statement_id, code, text, mandatory, outcome_code in mappings
    ]
    return RouteView(
        core=[row for row in rows if row.option_id is None],
        option=[row for row in rows if row.option_id is not None],
        statements=statements,
    )


def cohort_rows(*, user: Any, cohort: QuerySet[Apprenticeship] | None = None) -> QuerySet[Apprenticeship]:
    """The cohort a person may see (`cohort`, when the caller has it already: `cohort_list_for_user`), before the
    page's filters (`CohortPageFilter`). Its ids are sorted and cut; the rows shown are read by id
    (`cohort_rows.cohort_values_of`), last activity for every row only when the page is sorted by it."""
    return with_row_relations(cohort_list_for_user(user=user) if cohort is None else cohort)


GATE_FILTER_CHOICES = [(key, GATE_NAMES[key]) for key in GATE_KEYS]
OTJ_FILTER_CHOICES = [("behind", "Behind on OTJ"), ("idle", "No activity last month")]


def standard_label(reference: str, version: str) -> str:
    """A standard as the cohort's choices name it: "ST0792 v2.0"."""
    return f"{reference} v{version}"


def _names(model: Any, *columns: str) -> CompiledIdsQuery:
    return CompiledIdsQuery(lambda ids: model.objects.filter(pk__in=ids).order_by().values_list(*columns), size=8)


# The few standards', options' and employers' names of a cohort's choices, by their ids (compiled once per process).
_STANDARD_NAMES = _names(Standard, "public_id", "reference", "version")
_OPTION_NAMES = _names(Option, "public_id", "title")
_EMPLOYER_NAMES = _names(Organisation, "public_id", "name")


def _combinations(cohort: QuerySet[Apprenticeship]) -> QuerySet[Any]:
    # Without order_by(), the model's default ordering would join the DISTINCT and make every apprenticeship its
    # own row.
    return cohort.select_related(None).order_by().values_list("standard_id", "option_id", "employer_id").distinct()


_COMBINATIONS = ScopedQuery(_combinations)


def cohort_filter_choices(*, user: Any, held: HeldOrganisations | None = None) -> dict[str, list[tuple[str, str]]]:
    """The choices of the cohort's filters, from the apprenticeships the user may see (`held`: their
    organisations, when the caller has read them)."""
    # The distinct (standard, option, employer) combinations are few however many apprentices: read as ids from the
    # apprenticeships alone, then the names of those few. Joining every apprenticeship to its standard, option and
    # employer before the DISTINCT cost most of the page's database time.
    found = None if held is None else _COMBINATIONS.rows(user=user, held=held)
    combinations = set(_combinations(cohort_list_for_user(user=user, held=held)) if found is None else found)
    standards = {
        (str(public_id), standard_label(reference, version))
        for public_id, reference, version in _STANDARD_NAMES.rows({row[0] for row in combinations})
    }
    options = {
        (str(public_id), title) for public_id, title in _OPTION_NAMES.rows({row[1] for row in combinations} - {None})
    }
    employers = {(str(public_id), name) for public_id, name in _EMPLOYER_NAMES.rows({row[2] for row in combinations})}
    return {
        "standards": sorted(standards),
        "options": sorted(options, key=lambda item: (item[1], item[0])),
        "employers": sorted(employers, key=lambda item: (item[1], item[0])),
        "states": [(str(value), str(label)) for value, label in ReadinessState.choices],
        "gates": GATE_FILTER_CHOICES,
        "otj": OTJ_FILTER_CHOICES,
    }


def _followed(cohort: QuerySet[Apprenticeship]) -> QuerySet[Standard]:
    return Standard.objects.filter(Exists(cohort.filter(standard_id=OuterRef("pk"))))


def cohort_standards(*, cohort: QuerySet[Apprenticeship]) -> list[Standard]:
    """The standards the apprenticeships of `cohort` follow, in the order of the cohort's filter of standards
    (`cohort_filter_choices`: by public id). One test per standard (are there any of its apprenticeships in the
    cohort?), where a DISTINCT over the cohort reads each of its apprenticeships: thousands at a provider."""
    return sorted(_followed(cohort), key=lambda standard: str(standard.public_id))


# The heat map's reads for a person scoped by their memberships (`cohort_list_for_user`), compiled once per process
# (portfolio/core/compiled.py): building and compiling the scoped querysets cost more than running them. A
# superuser's cohort is everyone's, another shape: read through the ORM.
_STAND_IN_USER = -7_000_000_721
_STAND_IN_STANDARD = -7_000_000_722
HEATMAP_ROWS = 300


def _compiled_for(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and not user.is_superuser)


def _cohort_of(user_id: int) -> QuerySet[Apprenticeship]:
    return cohort_list_for_user(user=User(pk=user_id, is_active=True, is_superuser=False))


def _heatmap_apprenticeships(cohort: QuerySet[Apprenticeship], standard_id: int, limit: int) -> QuerySet[Any]:
    return (
        cohort.select_related(None)
        .filter(standard_id=standard_id)
        .order_by("apprentice__last_name", "id")
        .values_list("pk", "public_id", "apprentice__first_name", "apprentice__last_name", "apprentice__email")[:limit]
    )


_STANDARDS_FOLLOWED = CompiledQuery(lambda user_id: _followed(_cohort_of(user_id)), user_id=_STAND_IN_USER)
_HEATMAP_APPRENTICESHIPS = CompiledQuery(
    lambda user_id, standard_id: _heatmap_apprenticeships(_cohort_of(user_id), standard_id, HEATMAP_ROWS),
    user_id=_STAND_IN_USER,
    standard_id=_STAND_IN_STANDARD,
)


def cohort_standards_for(*, user: Any) -> list[Standard]:
    """`cohort_standards` of the user's cohort (`cohort_list_for_user`)."""
    if not _compiled_for(user):
        return cohort_standards(cohort=cohort_list_for_user(user=user))
    followed = cast(list[Standard], _STANDARDS_FOLLOWED.objects(user_id=user.pk))
    return sorted(followed, key=lambda standard: str(standard.public_id))


# The rows' percents by AO, compiled once per process: on PostgreSQL one parameter for the ids (`InArray`), where
# 300 ids as as many parameters cost psycopg a parse of the statement on every read.
_HEATMAP_PERCENTS = CompiledIdsQuery(
    lambda ids: (
        AOCoverage.objects.filter(InArray(F("apprenticeship_id"), ids))
        .order_by()
        .values_list("apprenticeship_id", "outcome_id", "percent")
    ),
    size=50,
    array=True,
)


def heatmap_for(
    *, user: Any, standard: Standard, cohort: QuerySet[Apprenticeship] | None = None, limit: int = HEATMAP_ROWS
) -> tuple[list[AssessmentOutcome], list[Any]]:
    """Apprentices on one standard (rows) by its AOs (columns): percent per cell, None off the route. A row is
    `(public_id, name, cells)`, read as plain values: no model per row (300) or cell (up to 3,600). `cohort`: the
    apprenticeships the user may see, when the caller has them already (`cohort_list_for_user`)."""
    outcomes = list(standard.outcomes.select_related("option").order_by("position"))
    if cohort is None and limit == HEATMAP_ROWS and _compiled_for(user):
        apprenticeships = _HEATMAP_APPRENTICESHIPS.rows(user_id=user.pk, standard_id=standard.pk)
    else:
        scope = cohort_list_for_user(user=user) if cohort is None else cohort
        apprenticeships = list(_heatmap_apprenticeships(scope, standard.pk, limit))
    # Each apprentice's percent by AO: a row's cells are looked up by the AOs' ids, read once.
    percents: dict[int, dict[int, float]] = {row[0]: {} for row in apprenticeships}
    for apprenticeship_id, outcome_id, percent in _HEATMAP_PERCENTS.rows(list(percents)):
        percents[apprenticeship_id][outcome_id] = percent
    columns = [outcome.pk for outcome in outcomes]
    rows = []
    for pk, public_id, first, last, email in apprenticeships:
        cells = percents[pk]
        rows.append((public_id, display_name(first, last, email), [cells.get(column) for column in columns]))
    return outcomes, rows
