"""Property: after any sequence of changes, the incrementally maintained coverage (recompute only what was
marked dirty, at random points) equals a recompute from scratch, and both equal a plain-Python reading of
the rules. Readiness events alternate ready / not ready and end in the stored state."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portfolio.coverage.models import AOCoverage, CoverageSummary, ReadinessEvent
from portfolio.coverage.services.compute import coverage_recompute, coverage_recompute_dirty
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.people.models import Apprenticeship
from portfolio.people.services.apprenticeships import apprenticeship_update
from portfolio.reviews.models import BehaviourConfirmation, ReviewPolicy
from portfolio.standards.models import AssessmentOutcome
from tests.factories import make_world
from tests.factories_coverage import (
    confirm_behaviour,
    make_catalogue,
    make_evidence,
    set_evidence_state,
    set_file_state,
    set_policy,
    set_tag,
    withdraw_behaviour,
)

CODES = ["K1", "K2", "K3", "S1", "S2", "S3", "S4"]
TAG_STATES = [EvidenceTag.State.ACCEPTED, EvidenceTag.State.DECLINED, EvidenceTag.State.PENDING]
FILE_STATES = [EvidenceFile.State.VERIFIED, EvidenceFile.State.REJECTED, EvidenceFile.State.UPLOADED]
EVIDENCE_STATES = [Evidence.State.ACCEPTED, Evidence.State.SUBMITTED, Evidence.State.WITHDRAWN, Evidence.State.DRAFT]

operations = st.one_of(
    st.tuples(
        st.just("add"),
        st.dictionaries(st.sampled_from(CODES), st.sampled_from(TAG_STATES), min_size=1, max_size=4),
        st.lists(st.sampled_from(FILE_STATES), max_size=2),
    ),
    st.tuples(st.just("tag"), st.integers(0, 9), st.sampled_from(CODES), st.sampled_from(TAG_STATES)),
    st.tuples(st.just("file"), st.integers(0, 9), st.sampled_from(FILE_STATES)),
    st.tuples(st.just("evidence"), st.integers(0, 9), st.sampled_from(EVIDENCE_STATES)),
    st.tuples(st.just("option"), st.sampled_from(["A", "B"])),
    st.tuples(st.just("n"), st.integers(1, 3), st.booleans()),
    st.tuples(st.just("behaviour"), st.sampled_from(["B1", "B2"]), st.booleans()),
    st.tuples(st.just("recompute")),
    st.tuples(st.just("recompute")),  # twice: incremental passes between changes are what is under test
)


def _apply(op: tuple[Any, ...], catalogue: Any, world: Any, items: list[Evidence]) -> None:
    a = world.apprenticeship
    s = catalogue.statements
    kind = op[0]
    if kind == "add":
        tags = {s[code]: state for code, state in op[1].items()}
        items.append(make_evidence(apprenticeship=a, tags=tags, files=tuple(op[2])))
    elif kind == "tag" and items:
        set_tag(evidence=items[op[1] % len(items)], statement=s[op[2]], state=op[3])
    elif kind == "file" and items:
        evidence = items[op[1] % len(items)]
        file = evidence.files.first()
        if file is None:  # an item without files gets one (an upload), which must then be verified to count
            make_evidence(apprenticeship=a, tags={}, files=(), mark=False)  # keeps factory counters honest
            file = EvidenceFile.objects.create(
                evidence=evidence, object_key=f"k/{evidence.pk}/{op[2]}", original_name="a.pdf",
                declared_type="application/pdf", declared_size=1, slot_expires_at=evidence.created_at,
                uploaded_by=a.apprentice,
            )  # fmt: skip
        set_file_state(file=file, state=op[2])
    elif kind == "evidence" and items:
        set_evidence_state(evidence=items[op[1] % len(items)], state=op[2])
    elif kind == "option":
        option = catalogue.route_a if op[1] == "A" else catalogue.route_b
        a.refresh_from_db()
        apprenticeship_update(actor=world.admin, apprenticeship=a, option=option)
    elif kind == "n":
        set_policy(provider_id=world.provider.pk, evidence_per_statement=op[1], require_behaviours_confirmed=op[2])
    elif kind == "behaviour":
        live = BehaviourConfirmation.objects.filter(apprenticeship=a, statement=s[op[1]], withdrawn_at__isnull=True)
        if op[2] and not live.exists():
            confirm_behaviour(apprenticeship=a, statement=s[op[1]], by=world.line_manager)
        elif not op[2] and live.exists():
            withdraw_behaviour(apprenticeship=a, statement=s[op[1]], by=world.line_manager)
    elif kind == "recompute":
        coverage_recompute_dirty()


def _stored(apprenticeship_id: int) -> dict[str, Any]:
    summary = CoverageSummary.objects.get(apprenticeship_id=apprenticeship_id)
    return {
        "summary": (summary.covered, summary.mapped, summary.percent, summary.missing, summary.mandatory_missing,
                    summary.gates, summary.ready),
        "aos": sorted(
            (row.outcome.code, row.covered, row.mapped, row.percent, row.missing, row.mandatory_missing, row.complete)
            for row in AOCoverage.objects.filter(apprenticeship_id=apprenticeship_id).select_related("outcome")
        ),
    }  # fmt: skip


def _oracle(apprenticeship: Apprenticeship) -> tuple[list[tuple[str, int, int]], bool]:
    """The rules of PRODUCT.md read literally, in Python, from the rows."""
    policy = ReviewPolicy.objects.filter(provider_id=apprenticeship.provider_id).first()
    need = policy.evidence_per_statement if policy else 1
    gate = policy.require_behaviours_confirmed if policy else True
    counts: Counter[int] = Counter()
    for evidence in Evidence.objects.filter(apprenticeship=apprenticeship).prefetch_related("files", "tags"):
        if evidence.state in {"withdrawn", "draft", "returned"}:
            continue
        if any(file.state != "verified" for file in evidence.files.all()):
            continue
        counts.update(tag.statement_id for tag in evidence.tags.all() if tag.state == "accepted")
    aos = []
    for outcome in AssessmentOutcome.objects.filter(standard_id=apprenticeship.standard_id).order_by("position"):
        if outcome.option_id not in (None, apprenticeship.option_id):
            continue
        ids = [statement.pk for statement in outcome.statements.all()]
        aos.append((outcome.code, sum(1 for pk in ids if counts[pk] >= need), len(ids)))
    behaviours = apprenticeship.standard.statements.filter(kind="B")
    confirmed = BehaviourConfirmation.objects.filter(
        apprenticeship=apprenticeship, withdrawn_at__isnull=True, statement__in=behaviours
    ).count()
    gate_ok = not gate or not behaviours.exists() or confirmed == behaviours.count()
    ready = sum(m for _, _, m in aos) > 0 and all(c == m for _, c, m in aos) and gate_ok
    return aos, ready


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(operations, min_size=1, max_size=25))
# Each input change once after an incremental pass, so every kind of change must leave its own mark.
@example(steps=[("add", {"K1": "accepted"}, ["verified"]), ("recompute",), ("file", 0, "rejected")])
@example(steps=[("add", {"K1": "accepted"}, []), ("recompute",), ("tag", 0, "K1", "declined")])
@example(steps=[("add", {"K1": "accepted"}, []), ("recompute",), ("evidence", 0, "withdrawn")])
@example(steps=[("add", {"S4": "accepted"}, []), ("recompute",), ("option", "B")])
@example(steps=[("add", {"K1": "accepted"}, []), ("recompute",), ("n", 2, True)])
@example(steps=[("behaviour", "B1", True), ("recompute",), ("behaviour", "B1", False)])
def test_incremental_coverage_equals_a_recompute_from_scratch(steps: list[tuple[Any, ...]]) -> None:
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    coverage_mark_dirty(apprenticeship_ids=[world.apprenticeship.pk], reason="created")  # as apprenticeship_create does
    items: list[Evidence] = []
    for op in steps:
        _apply(op, catalogue, world, items)
    coverage_recompute_dirty()  # the periodic pass (or the last task) catches up
    apprenticeship_id = world.apprenticeship.pk
    incremental = _stored(apprenticeship_id)

    events = list(ReadinessEvent.objects.filter(apprenticeship_id=apprenticeship_id).order_by("sequence"))
    assert [e.ready for e in events] == [i % 2 == 0 for i in range(len(events))]  # True, False, True, ...
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert incremental["summary"][-1] == (events[-1].ready if events else False)

    AOCoverage.objects.filter(apprenticeship_id=apprenticeship_id).delete()
    CoverageSummary.objects.filter(apprenticeship_id=apprenticeship_id).delete()
    coverage_recompute(apprenticeship_ids=[apprenticeship_id])
    assert _stored(apprenticeship_id) == incremental

    apprenticeship = Apprenticeship.objects.get(pk=apprenticeship_id)
    aos, ready = _oracle(apprenticeship)
    assert sorted(aos) == [(code, covered, mapped) for code, covered, mapped, *_ in incremental["aos"]]
    assert incremental["summary"][-1] == ready
