"""Coverage and readiness on a small catalogue, the expected numbers worked out by hand from the rules.

Catalogue (make_catalogue in tests/factories/standards.py): core AO1 = K1, K2*, S1; core AO2 = K3, S2*; Route A
AO3 = S3; Route B AO4 = S3, S4; behaviours B1, B2; * = mandatory. The apprentice follows Route A, so the route is
AO1, AO2, AO3: 6 statements. The items E1 to E9: tests/coverage/hand_worked.py.
"""

from __future__ import annotations

import pytest

from portfolio.coverage.models import AOCoverage, CoverageDirty, CoverageSummary, ReadinessEvent
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.gateway.services.policy import gateway_policy_update
from portfolio.people.services.apprenticeships import apprenticeship_update
from portfolio.reviews.services.behaviours import behaviour_confirmation_withdraw
from portfolio.reviews.services.policy import review_policy_update
from tests.coverage.hand_worked import hand_worked_evidence
from tests.factories import (
    BehaviourConfirmationFactory,
    EvidenceFactory,
    make_catalogue,
    make_world,
)


def _aos(apprenticeship_id: int) -> dict[str, tuple[int, int, float, list[str], list[str]]]:
    return {
        row.outcome.code: (row.covered, row.mapped, row.percent, row.missing, row.mandatory_missing)
        for row in AOCoverage.objects.filter(apprenticeship_id=apprenticeship_id).select_related("outcome")
    }


def _recompute(apprenticeship_id: int) -> CoverageSummary:
    coverage_recompute(apprenticeship_ids=[apprenticeship_id])
    return CoverageSummary.objects.get(apprenticeship_id=apprenticeship_id)


@pytest.fixture
def setup() -> tuple:
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    hand_worked_evidence(world, catalogue)
    world.apprenticeship.refresh_from_db()
    return catalogue, world


@pytest.mark.django_db
def test_coverage_per_ao_by_hand(setup: tuple) -> None:
    _, world = setup
    summary = _recompute(world.apprenticeship.pk)

    # Counting items: K1 (E1), K2 (E1), S1 (E3), S2 (E5). Not counting: E2 (a file being checked), E4 withdrawn,
    # E6 (a rejected file), E8 draft, E9 returned; E7 tags S4, which is not on Route A.
    assert _aos(world.apprenticeship.pk) == {
        "AO1": (3, 3, 100.0, [], []),
        "AO2": (1, 2, 50.0, ["K3"], []),
        "AO3": (0, 1, 0.0, ["S3"], []),
    }
    assert (summary.covered, summary.mapped) == (4, 6)
    assert summary.percent == 66.6  # 4/6 rounded down to 0.1: never shows more than is covered
    assert summary.missing == ["K3", "S3"]
    assert summary.mandatory_missing == []
    assert summary.ready is False
    assert summary.gates["behaviours_confirmed"] == {
        "enabled": True, "passed": False, "confirmed": 0, "total": 2, "missing": ["B1", "B2"]
    }  # fmt: skip
    assert not CoverageDirty.objects.filter(apprenticeship=world.apprenticeship).exists()


@pytest.mark.django_db
def test_n_items_per_statement_from_the_policy(setup: tuple) -> None:
    _, world = setup
    review_policy_update(actor=world.admin, provider=world.provider, evidence_per_statement=2)
    summary = _recompute(world.apprenticeship.pk)

    # No statement has two counting items: K1, K2, S1, S2 have one each.
    assert (summary.covered, summary.mapped, summary.percent) == (0, 6, 0.0)
    assert summary.mandatory_missing == ["K2", "S2"]
    assert _aos(world.apprenticeship.pk)["AO1"] == (0, 3, 0.0, ["K1", "K2", "S1"], ["K2"])

    # A second counting item for K1 (reflective account, no files) covers it at N = 2.
    EvidenceFactory.create(apprenticeship=world.apprenticeship, files=0, tags=("K1",), state="accepted")
    summary = _recompute(world.apprenticeship.pk)
    assert (summary.covered, summary.percent) == (1, 16.6)  # 1/6


@pytest.mark.django_db
def test_readiness_needs_every_ao_and_the_behaviours_and_each_change_is_one_event(setup: tuple) -> None:
    catalogue, world = setup
    s, a = catalogue.statements, world.apprenticeship
    EvidenceFactory.create(apprenticeship=a, files=0, tags=("K3", "S3"), state="accepted")
    summary = _recompute(a.pk)
    assert (summary.covered, summary.mapped, summary.ready) == (6, 6, False)  # behaviours not yet confirmed
    assert summary.gates["behaviours_confirmed"]["missing"] == ["B1", "B2"]
    assert not ReadinessEvent.objects.exists()

    BehaviourConfirmationFactory.create(apprenticeship=a, statement=s["B1"], confirmed_by=world.line_manager)
    b2 = BehaviourConfirmationFactory.create(apprenticeship=a, statement=s["B2"], confirmed_by=world.line_manager)
    summary = _recompute(a.pk)
    assert summary.ready is True
    assert _recompute(a.pk).ready is True  # computed again: no new event
    [event] = ReadinessEvent.objects.all()
    assert (event.sequence, event.ready, event.coverage["covered"], event.coverage["mapped"]) == (1, True, 6, 6)

    behaviour_confirmation_withdraw(actor=world.line_manager, confirmation=b2)
    summary = _recompute(a.pk)
    assert summary.ready is False
    assert summary.gates["behaviours_confirmed"]["missing"] == ["B2"]
    events = list(ReadinessEvent.objects.order_by("sequence").values_list("sequence", "ready"))
    assert events == [(1, True), (2, False)]

    # A provider that does not require the behaviours gate: ready on coverage alone.
    gateway_policy_update(actor=world.admin, provider=world.provider, behaviours_gate=False)
    assert _recompute(a.pk).ready is True
    assert ReadinessEvent.objects.count() == 3


@pytest.mark.django_db
def test_changing_the_option_changes_the_route(setup: tuple) -> None:
    catalogue, world = setup
    _recompute(world.apprenticeship.pk)
    apprenticeship_update(actor=world.admin, apprenticeship=world.apprenticeship, option=catalogue.route_b)
    assert CoverageDirty.objects.filter(apprenticeship=world.apprenticeship).exists()
    summary = _recompute(world.apprenticeship.pk)

    # Route B: AO1, AO2, AO4 (S3, S4). S4 is covered by E7; S3 still only by E6 (rejected) and E9 (returned).
    assert _aos(world.apprenticeship.pk) == {
        "AO1": (3, 3, 100.0, [], []),
        "AO2": (1, 2, 50.0, ["K3"], []),
        "AO4": (1, 2, 50.0, ["S3"], []),
    }
    assert (summary.covered, summary.mapped, summary.percent) == (5, 7, 71.4)  # 5/7 = 71.43 -> 71.4


@pytest.mark.django_db
def test_a_batch_computes_many_apprenticeships_in_one_pass(setup: tuple) -> None:
    catalogue, world = setup
    other = make_world(standard=catalogue.standard)  # Route A by default (the first option); no evidence
    result = coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk, other.apprenticeship.pk])
    assert result.computed == 2
    assert CoverageSummary.objects.get(apprenticeship=other.apprenticeship).covered == 0
    assert CoverageSummary.objects.get(apprenticeship=world.apprenticeship).covered == 4
