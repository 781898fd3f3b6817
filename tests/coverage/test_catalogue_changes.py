"""A re-import that changes a standard's mapping marks every apprenticeship on it; the recompute follows."""

from __future__ import annotations

import pytest

from portfolio.coverage.models import AOCoverage, CoverageDirty
from portfolio.coverage.services.compute import coverage_recompute, coverage_recompute_dirty
from portfolio.standards.models import Standard
from portfolio.standards.services import standard_import
from tests.factories import ApprenticeshipFactory, make_world
from tests.standards.conftest import api_document, plan_text


@pytest.mark.django_db
def test_replacing_a_standard_marks_its_apprenticeships_and_the_recompute_uses_the_new_mapping() -> None:
    standard_import(plan=plan_text("ST1483"), api_document=api_document("ST1483"))
    standard = Standard.objects.get(reference="ST1483")
    world = make_world()
    on_it = [
        ApprenticeshipFactory.create(provider=world.provider, employer=world.employer, standard=standard)
        for _ in range(3)
    ]
    coverage_recompute(apprenticeship_ids=[a.pk for a in on_it])
    ao1 = standard.outcomes.get(code="AO1", option__isnull=True)
    mapped_before = AOCoverage.objects.get(apprenticeship=on_it[0], outcome=ao1).mapped
    assert not CoverageDirty.objects.exists()

    # The same correction the importer's tests use: K8 moves from AO1 to another AO.
    corrected = (
        plan_text("ST1483").replace("K1, K7, K8, K10S1", "K1, K7, K10S1").replace("K5, K6, K9S3", "K5, K6, K8, K9S3")
    )
    assert standard_import(plan=corrected, api_document=api_document("ST1483"), replace=True).status == "replaced"

    assert set(CoverageDirty.objects.values_list("apprenticeship_id", flat=True)) == {a.pk for a in on_it}
    assert coverage_recompute_dirty(standard_id=standard.pk, batch_size=2).computed == 3  # two batches
    assert AOCoverage.objects.get(apprenticeship=on_it[0], outcome=ao1).mapped == mapped_before - 1
    assert not CoverageDirty.objects.exists()
