"""The statements an apprentice's evidence may be tagged to: those of their route, minus behaviours.

A route is the core AOs of the apprenticeship's standard plus the AOs of its one option. Behaviours are
never tagged: under the reformed rules the employer confirms each behaviour once (portfolio/reviews).
Within one route each statement belongs to exactly one AO (a rule of the assessment plans), so a
statement appears once in the picker even when it also sits in another option's AO.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from portfolio.people.models import Apprenticeship
from portfolio.standards.models import AssessmentOutcome, OutcomeStatement, Statement


@dataclass
class RouteOutcome:
    code: str
    title: str
    option: str | None  # the option's title; None for a core AO
    statements: list[Statement] = field(default_factory=list)


def route_filter(apprenticeship: Apprenticeship, prefix: str = "") -> Q:
    """The AOs of the route: core (no option) or the apprenticeship's own option; `prefix` reaches them."""
    return Q(**{f"{prefix}option__isnull": True}) | Q(**{f"{prefix}option_id": apprenticeship.option_id})


def route_outcomes(*, apprenticeship: Apprenticeship) -> list[RouteOutcome]:
    """The AOs of the apprentice's route, core first, each with its taggable statements in plan order."""
    outcomes = (
        AssessmentOutcome.objects.filter(route_filter(apprenticeship), standard_id=apprenticeship.standard_id)
        .select_related("option")
        .order_by("option__position", "position")
    )
    by_id = {
        outcome.pk: RouteOutcome(
            code=outcome.code, title=outcome.title, option=outcome.option.title if outcome.option else None
        )
        for outcome in outcomes
    }
    mappings = (
        OutcomeStatement.objects.filter(outcome_id__in=by_id)
        .exclude(statement__kind=Statement.Kind.BEHAVIOUR)
        .select_related("statement")
        .order_by("position")
    )
    for mapping in mappings:
        by_id[mapping.outcome_id].statements.append(mapping.statement)
    # Core AOs (no option) first; order_by put NULL option positions last on PostgreSQL.
    ordered = sorted(by_id.values(), key=lambda outcome: outcome.option is not None)
    return [outcome for outcome in ordered if outcome.statements]


def tag_codes_check(*, apprenticeship: Apprenticeship, codes: Iterable[str]) -> tuple[list[Statement], dict[str, str]]:
    """The statements named by `codes`, and for each code that cannot be tagged, why not (for a person)."""
    standard = apprenticeship.standard
    wanted = list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))
    found = {statement.code.upper(): statement for statement in standard.statements.filter(code__in=wanted)}
    in_route = set(
        OutcomeStatement.objects.filter(
            route_filter(apprenticeship, "outcome__"),
            outcome__standard_id=standard.pk,
            statement__in=found.values(),
        ).values_list("statement_id", flat=True)
    )
    option_titles: dict[int, list[str]] = defaultdict(list)
    for statement_id, title in OutcomeStatement.objects.filter(
        statement__in=found.values(), outcome__option__isnull=False
    ).values_list("statement_id", "outcome__option__title"):
        if title not in option_titles[statement_id]:
            option_titles[statement_id].append(title)
    name = f"{standard.reference} v{standard.version}"
    accepted: list[Statement] = []
    rejected: dict[str, str] = {}
    for code in wanted:
        statement = found.get(code)
        if statement is None:
            rejected[code] = f"{code} is not a statement of {name}"
        elif statement.kind == Statement.Kind.BEHAVIOUR:
            rejected[code] = f"{code} is a behaviour: behaviours are confirmed by the employer, not tagged"
        elif statement.pk in in_route:
            accepted.append(statement)
        elif option_titles[statement.pk]:
            titles = " or ".join(f"'{title}'" for title in option_titles[statement.pk])
            rejected[code] = f"{code} belongs to option {titles}, not this apprentice's route"
        else:
            rejected[code] = f"{code} is in no assessment outcome of {name}, so it cannot be evidenced"
    return accepted, rejected
