"""The catalogue: standards, options, statements, assessment outcomes and their statements.

Catalogue rows are written directly: the standards importer (portfolio/standards) has its own tests, and no
lifecycle reads these rows. Two ready-made catalogues are here too: `make_catalogue()`, the small one the
coverage and gateway tests work out by hand, and `make_route_standard()`, an ST1483-like standard the evidence
and suggestion tests tag against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import factory
from django.db.models import Max
from django.utils import timezone
from factory.django import DjangoModelFactory

from portfolio.standards.models import AssessmentOutcome, Option, OutcomeStatement, Standard, Statement


class StandardFactory(DjangoModelFactory[Standard]):
    """A standard as the importer leaves it; `options=("Route A", "Route B")` adds options in that order."""

    class Meta:
        model = Standard
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"ST{9001 + n}")
    version = "2.0"
    title = "Test standard"
    level = 3
    source_digest = "0" * 64
    imported_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyAttribute(lambda o: o.imported_at)

    @factory.post_generation
    def options(obj: Standard, create: bool, extracted: Iterable[str] | None, **kwargs: Any) -> None:
        for position, title in enumerate(extracted or (), start=1):
            OptionFactory.create(standard=obj, title=title, position=position)


class OptionFactory(DjangoModelFactory[Option]):
    class Meta:
        model = Option

    standard = factory.SubFactory(StandardFactory)
    title = factory.Sequence(lambda n: f"Option {n}")
    code = factory.LazyAttribute(lambda o: o.title[:3].upper())
    position = factory.Sequence(lambda n: n + 1)


def _next_position(standard: Standard, model: Any) -> int:
    return (model.objects.filter(standard=standard).aggregate(last=Max("position"))["last"] or 0) + 1


class StatementFactory(DjangoModelFactory[Statement]):
    """A statement of a standard, its kind read from its code (K1 is knowledge, B1 a behaviour). Asking for a
    code the standard has gives that statement: codes are unique per standard."""

    class Meta:
        model = Statement
        django_get_or_create = ("standard", "code")

    standard = factory.SubFactory(StandardFactory)
    code = factory.Sequence(lambda n: f"K{n + 1}")
    kind = factory.LazyAttribute(lambda o: o.code[0].upper())
    text = factory.LazyAttribute(lambda o: f"Statement {o.code}")
    position = factory.LazyAttribute(lambda o: _next_position(o.standard, Statement))


class AssessmentOutcomeFactory(DjangoModelFactory[AssessmentOutcome]):
    """An AO of a standard: core (no option) unless an option is given."""

    class Meta:
        model = AssessmentOutcome
        django_get_or_create = ("standard", "option", "code")

    standard = factory.SubFactory(StandardFactory)
    option = None
    code = factory.Sequence(lambda n: f"AO{n + 1}")
    title = factory.LazyAttribute(lambda o: f"Outcome {o.code}")
    position = factory.LazyAttribute(lambda o: _next_position(o.standard, AssessmentOutcome))


class OutcomeStatementFactory(DjangoModelFactory[OutcomeStatement]):
    """A statement's place in an AO (the mapping the assessment plan gives)."""

    class Meta:
        model = OutcomeStatement

    outcome = factory.SubFactory(AssessmentOutcomeFactory)
    statement = factory.SubFactory(StatementFactory, standard=factory.SelfAttribute("..outcome.standard"))
    position = factory.LazyAttribute(lambda o: o.outcome.mappings.count() + 1)


def taggable_statement(*, standard: Standard, code: str) -> Statement:
    """The statement `code` of `standard`, made taggable if the catalogue does not say otherwise: one the standard
    lacks is added, and a knowledge or skill statement in no AO is put in a core AO ("AO1"), since evidence can
    only be tagged to the statements of an AO of the apprentice's route (portfolio/evidence/route.py). A statement
    of another option's AO, or a behaviour, is left as it is: tagging it is refused, as it should be."""
    statement = StatementFactory.create(standard=standard, code=code)
    if statement.kind != Statement.Kind.BEHAVIOUR and not statement.mappings.exists():
        core = AssessmentOutcome.objects.filter(standard=standard, option__isnull=True).order_by("position").first()
        OutcomeStatementFactory.create(outcome=core or AssessmentOutcomeFactory.create(standard=standard, code="AO1"),
                                statement=statement)  # fmt: skip
    return statement


# The small catalogue the hand-worked coverage tests use. Bold (mandatory): K2 and S2.
#   core      AO1: K1, K2, S1      AO2: K3, S2
#   Route A   AO3: S3
#   Route B   AO4: S3, S4          (S3 sits in both options' AOs, as ST1483's K11 does)
#   behaviours B1, B2 (not in any AO: employers confirm them)
STATEMENTS = [("K1", False), ("K2", True), ("K3", False), ("S1", False), ("S2", True), ("S3", False), ("S4", False)]
OUTCOMES = [("AO1", None, ["K1", "K2", "S1"]), ("AO2", None, ["K3", "S2"]), ("AO3", "Route A", ["S3"]),
            ("AO4", "Route B", ["S3", "S4"])]  # fmt: skip


@dataclass
class Catalogue:
    standard: Standard
    route_a: Option
    route_b: Option
    statements: dict[str, Statement]
    outcomes: dict[str, AssessmentOutcome]


def make_catalogue(*, behaviours: tuple[str, ...] = ("B1", "B2")) -> Catalogue:
    standard = StandardFactory.create(options=("Route A", "Route B"))
    options = {option.title: option for option in standard.options.all()}
    statements: dict[str, Statement] = {}
    for code, mandatory in STATEMENTS:
        statements[code] = StatementFactory.create(standard=standard, code=code, text=f"Statement {code} text",
                                            mandatory=mandatory)  # fmt: skip
    for code in behaviours:
        statements[code] = StatementFactory.create(standard=standard, code=code, text=f"Behaviour {code}")
    outcomes: dict[str, AssessmentOutcome] = {}
    for code, option, codes in OUTCOMES:
        outcome = AssessmentOutcomeFactory.create(
            standard=standard, option=options[option] if option else None, code=code
        )
        for statement_code in codes:
            OutcomeStatementFactory.create(outcome=outcome, statement=statements[statement_code])
        outcomes[code] = outcome
    return Catalogue(standard, options["Route A"], options["Route B"], statements, outcomes)


LPM = "Live performance production manager"
OTHER_OPTION = "Technical production"


def make_route_standard() -> Standard:
    """A small ST1483-like standard: core AO1 (K1, S1), AO5 of the LPM option (K27), AO6 of the other
    option (K2, K3) and a behaviour B1 in no AO (behaviours are confirmed, not mapped)."""
    standard = StandardFactory.create(options=(LPM, OTHER_OPTION))
    lpm, other = standard.options.order_by("position")
    texts = {
        "K1": "Health and safety law in live events",
        "S1": "Plan a production schedule",
        "K27": "Touring logistics",
        "K2": "Rigging principles",
        "K3": "Stage lighting systems",
        "B1": "Works safely",
    }
    statements = {
        code: StatementFactory.create(standard=standard, code=code, text=text) for code, text in texts.items()
    }
    layout = [("AO1", "Plans safe productions", None, ["K1", "S1"]), ("AO5", "Tours", lpm, ["K27"])]
    layout.append(("AO6", "Rigs and lights", other, ["K2", "K3"]))
    for code, title, option, codes in layout:
        outcome = AssessmentOutcomeFactory.create(standard=standard, option=option, code=code, title=title)
        for statement_code in codes:
            OutcomeStatementFactory.create(outcome=outcome, statement=statements[statement_code])
    return standard
