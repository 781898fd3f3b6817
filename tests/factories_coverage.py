"""Factories for the coverage tests: a small catalogue with a known route, and evidence rows made directly.

Evidence capture (upload, verification, tagging) and review (accept, confirm) are other services; these
helpers write the rows those services would and, where they would, call coverage_mark_dirty.
"""

from __future__ import annotations

import datetime
import itertools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone

from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.people.models import Apprenticeship, User
from portfolio.reviews.models import BehaviourConfirmation, ReviewPolicy
from portfolio.standards.models import AssessmentOutcome, Option, OutcomeStatement, Standard, Statement
from tests.factories import StandardFactory

_seq = itertools.count(1)

# The small catalogue the hand-worked tests use. Bold (mandatory): K2 and S2.
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
    for position, (code, mandatory) in enumerate(STATEMENTS, start=1):
        statements[code] = Statement.objects.create(
            standard=standard, code=code, kind=code[0], text=f"Statement {code} text", mandatory=mandatory,
            position=position,
        )  # fmt: skip
    for offset, code in enumerate(behaviours, start=len(STATEMENTS) + 1):
        statements[code] = Statement.objects.create(
            standard=standard, code=code, kind="B", text=f"Behaviour {code}", position=offset
        )
    outcomes: dict[str, AssessmentOutcome] = {}
    for position, (code, option, codes) in enumerate(OUTCOMES, start=1):
        outcome = AssessmentOutcome.objects.create(
            standard=standard, option=options[option] if option else None, code=code, title=f"Outcome {code}",
            position=position,
        )  # fmt: skip
        for index, statement_code in enumerate(codes, start=1):
            OutcomeStatement.objects.create(outcome=outcome, statement=statements[statement_code], position=index)
        outcomes[code] = outcome
    return Catalogue(standard, options["Route A"], options["Route B"], statements, outcomes)


def make_evidence(
    *,
    apprenticeship: Apprenticeship,
    tags: Mapping[Statement, str],
    state: str = Evidence.State.ACCEPTED,
    files: tuple[str, ...] = (EvidenceFile.State.VERIFIED,),
    title: str | None = None,
    mark: bool = True,
) -> Evidence:
    """One evidence item with its files (by state) and tags (statement -> tag state); marks coverage dirty."""
    now = timezone.now()
    evidence = Evidence.objects.create(
        apprenticeship=apprenticeship,
        author=apprenticeship.apprentice,
        author_role=Evidence.AuthorRole.APPRENTICE,
        kind=Evidence.Kind.DOCUMENT if files else Evidence.Kind.REFLECTIVE_ACCOUNT,
        title=title or f"Evidence {next(_seq)}",
        occurred_on=datetime.date(2025, 10, 1),
        state=state,
        ever_submitted=state != Evidence.State.DRAFT,
    )
    for file_state in files:
        EvidenceFile.objects.create(
            evidence=evidence,
            object_key=f"evidence/{uuid.uuid4().hex}",
            original_name="photo.jpg",
            declared_type="image/jpeg",
            declared_size=1000,
            state=file_state,
            slot_expires_at=now,
            uploaded_by=apprenticeship.apprentice,
        )
    for statement, tag_state in tags.items():
        EvidenceTag.objects.create(evidence=evidence, statement=statement, state=tag_state)
    if mark:
        coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="test evidence")
    return evidence


def set_tag(*, evidence: Evidence, statement: Statement, state: str) -> None:
    """What the review service does on accept/decline of one tag."""
    EvidenceTag.objects.update_or_create(evidence=evidence, statement=statement, defaults={"state": state})
    coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="tag decided")


def set_file_state(*, file: EvidenceFile, state: str) -> None:
    """What verification does when it records a result."""
    EvidenceFile.objects.filter(pk=file.pk).update(state=state)
    coverage_mark_dirty(apprenticeship_ids=[file.evidence.apprenticeship_id], reason="file verified")


def set_evidence_state(*, evidence: Evidence, state: str) -> None:
    Evidence.objects.filter(pk=evidence.pk).update(state=state)
    coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence state")


def set_policy(*, provider_id: int, evidence_per_statement: int = 1, require_behaviours_confirmed: bool = True) -> None:
    """N (the review policy) and the behaviours gate (the gateway policy), as their services set them."""
    from portfolio.coverage.services.dirty import coverage_mark_provider_dirty
    from portfolio.gateway.models import GatewayPolicy

    ReviewPolicy.objects.update_or_create(
        provider_id=provider_id, defaults={"evidence_per_statement": evidence_per_statement}
    )
    GatewayPolicy.objects.update_or_create(
        provider_id=provider_id, defaults={"behaviours_gate": require_behaviours_confirmed}
    )
    coverage_mark_provider_dirty(provider_id=provider_id)


def confirm_behaviour(*, apprenticeship: Apprenticeship, statement: Statement, by: User) -> BehaviourConfirmation:
    confirmation = BehaviourConfirmation.objects.create(
        apprenticeship=apprenticeship, statement=statement, confirmed_by=by, confirmed_on=datetime.date(2026, 1, 5)
    )
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="behaviour confirmed")
    return confirmation


def withdraw_behaviour(*, apprenticeship: Apprenticeship, statement: Statement, by: User) -> None:
    BehaviourConfirmation.objects.filter(
        apprenticeship=apprenticeship, statement=statement, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), withdrawn_by=by)
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="behaviour withdrawn")
