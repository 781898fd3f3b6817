from __future__ import annotations

import pytest

from portfolio.coverage.models import CoverageDirty
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.submit import evidence_submit
from tests.factories import World, build_world
from tests.factories_evidence import make_evidence


@pytest.fixture
def worlds() -> tuple[World, World]:
    return build_world()


def dirty_generation(apprenticeship: Apprenticeship) -> int:
    row = CoverageDirty.objects.filter(apprenticeship=apprenticeship).first()
    return row.generation if row else 0


def submitted(world: World, **kwargs: object) -> Evidence:
    evidence = make_evidence(apprenticeship=world.apprenticeship, **kwargs)  # type: ignore[arg-type]
    evidence_submit(actor=world.apprentice, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    return evidence


def confirmed(world: World, **kwargs: object) -> Evidence:
    evidence = submitted(world, **kwargs)
    evidence_confirm(actor=world.line_manager, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    return evidence


def accepted(world: World, **kwargs: object) -> Evidence:
    evidence = confirmed(world, **kwargs)
    verdicts = [TagVerdict(code, True) for code in evidence.tags.values_list("statement__code", flat=True)]
    evidence_accept(actor=world.assessor, evidence=evidence, expected_version=evidence.version, tags=verdicts)
    evidence.refresh_from_db()
    return evidence
