"""Property: after any sequence of changes, the incrementally maintained coverage and gateway (recompute only what
was marked dirty, at random points) equals a recompute from scratch, and both equal a plain-Python reading of
the rules: coverage, every gate, the readiness state. Each readiness event leaves the state the one before
entered, the last ends in the stored state, and no signature stands while a gate fails.

The changes: evidence, tags, files, the option, N, behaviours; OTJ activities logged and decided, the minimum and
RPL, breaks in learning, the date of birth and English and maths, the provider's gate settings, manual gates and
their ticks, and the gateway signatures and referral. Dates are relative to today, as the engine's are."""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portfolio.core.errors import Conflict
from portfolio.coverage.models import AOCoverage, CoverageSummary, ReadinessEvent
from portfolio.coverage.services.compute import coverage_recompute, coverage_recompute_dirty
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.gateway.models import AssessmentReferral, GatewayPolicy, GatewaySignature, ManualGate, ManualGateTick
from portfolio.gateway.services.policy import gateway_policy_update, manual_gate_create, manual_gate_update
from portfolio.gateway.services.signatures import gateway_refer, gateway_sign
from portfolio.gateway.services.ticks import manual_gate_tick, manual_gate_tick_withdraw
from portfolio.otj.models import OtjActivity, OtjMinimum
from portfolio.otj.services.totals import otj_month_totals_refresh
from portfolio.people.models import Apprenticeship, BreakInLearning
from portfolio.people.services.apprenticeships import apprenticeship_update
from portfolio.reviews.models import BehaviourConfirmation, ReviewPolicy
from portfolio.reviews.services.behaviours import behaviour_confirmation_withdraw
from portfolio.reviews.services.policy import review_policy_update
from portfolio.standards.models import AssessmentOutcome, Statement
from tests.factories import BehaviourConfirmationFactory, make_catalogue, make_world

CODES = ["K1", "K2", "K3", "S1", "S2", "S3", "S4"]
TAG_STATES = [EvidenceTag.State.ACCEPTED, EvidenceTag.State.DECLINED, EvidenceTag.State.PENDING]
FILE_STATES = [EvidenceFile.State.VERIFIED, EvidenceFile.State.REJECTED, EvidenceFile.State.UPLOADED]
EVIDENCE_STATES = [Evidence.State.ACCEPTED, Evidence.State.SUBMITTED, Evidence.State.WITHDRAWN, Evidence.State.DRAFT]

OTJ_STATES = ["approved", "approved", "pending", "declined"]
GATE_SETTINGS = ["coverage_gate", "behaviours_gate", "otj_gate", "practical_period_gate", "english_maths_gate"]
TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=300)  # about 9 months in: the practical period turns on the settings
# Breaks by name: (first day, last day or None while open), relative to the start; never overlapping.
BREAKS = {"early": (20, 49), "recent": (250, None)}
# Dates of birth by what they make the apprentice at the start.
BIRTHS = {
    "unknown": None,
    "16 on the day": START.replace(year=START.year - 16),
    "17": START.replace(year=START.year - 18) + datetime.timedelta(days=1),
    "19 on the day": START.replace(year=START.year - 19),
    "30": START.replace(year=START.year - 30),
}

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
    st.tuples(st.just("otj"), st.sampled_from([30, 600, 1200, 1440]), st.sampled_from(OTJ_STATES)),
    st.tuples(st.just("otj_decide"), st.integers(0, 9), st.sampled_from(OTJ_STATES)),
    st.tuples(st.just("minimum"), st.sampled_from([None, 5, 20, 60])),
    st.tuples(st.just("rpl"), st.sampled_from([0, 10, 100])),
    st.tuples(st.just("break"), st.sampled_from(list(BREAKS))),
    st.tuples(st.just("dob"), st.sampled_from(list(BIRTHS))),
    st.tuples(st.just("english_maths"), st.sampled_from(["pending", "achieved", "not_required"])),
    st.tuples(st.just("gate"), st.sampled_from(GATE_SETTINGS), st.booleans()),
    st.tuples(st.just("months"), st.sampled_from([6, 8, 12, 18])),
    st.tuples(
        st.just("manual_add"),
    ),
    st.tuples(st.just("tick"), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("retire"), st.integers(0, 2)),
    st.tuples(st.just("sign"), st.sampled_from(["employer", "provider"])),
    st.tuples(
        st.just("refer"),
    ),
    st.tuples(st.just("recompute")),
    st.tuples(st.just("recompute")),  # twice: incremental passes between changes are what is under test
)


def _mark(a: Apprenticeship, reason: str) -> None:
    coverage_mark_dirty(apprenticeship_ids=[a.pk], reason=reason)


def _apply_gateway(op: tuple[Any, ...], world: Any) -> None:
    """The OTJ, people and gateway changes: rows as their services write them, with the dirty mark; the gateway
    settings, ticks, signatures and referral through the gateway services themselves."""
    a = world.apprenticeship
    kind = op[0]
    activities = list(OtjActivity.objects.filter(apprenticeship=a).order_by("pk"))
    gates = list(ManualGate.objects.filter(provider=world.provider).order_by("pk"))
    if kind == "otj":
        OtjActivity.objects.create(
            apprenticeship=a, date=START + datetime.timedelta(days=len(activities) % 200), start_time=datetime.time(0),
            minutes=op[1], activity_type="practical_training", description="Practice", state=op[2],
            logged_by=a.apprentice,
        )  # fmt: skip
        otj_month_totals_refresh(apprenticeship_ids=[a.pk])
        _mark(a, "otj logged")
    elif kind == "otj_decide" and activities:
        OtjActivity.objects.filter(pk=activities[op[1] % len(activities)].pk).update(state=op[2])
        otj_month_totals_refresh(apprenticeship_ids=[a.pk])
        _mark(a, "otj decided")
    elif kind == "minimum":
        if op[1] is None:
            OtjMinimum.objects.filter(provider=world.provider).delete()
        else:
            OtjMinimum.objects.update_or_create(
                provider=world.provider, standard_version=a.standard,
                defaults={"minimum_hours": op[1], "updated_by": world.admin},
            )  # fmt: skip
        _mark(a, "otj minimum")
    elif kind in ("rpl", "dob", "english_maths"):
        field = {"rpl": "rpl_hours", "dob": "date_of_birth", "english_maths": "english_maths"}[kind]
        value = BIRTHS[op[1]] if kind == "dob" else op[1]
        # As the form saves it: RPL hours, and English and maths not required, come with their reasons.
        extra = {"rpl_reason": "Prior qualification" if value else ""} if kind == "rpl" else {}
        if kind == "english_maths":
            extra = {"english_maths_reason": "Exempt through prior achievement" if value == "not_required" else ""}
        Apprenticeship.objects.filter(pk=a.pk).update(**{field: value}, **extra)
        _mark(a, kind)
    elif kind == "break":
        first, last = BREAKS[op[1]]
        started_on = START + datetime.timedelta(days=first)
        existing = BreakInLearning.objects.filter(apprenticeship=a, started_on=started_on)
        if existing.exists():
            existing.delete()
        else:
            BreakInLearning.objects.create(
                apprenticeship=a, started_on=started_on,
                ended_on=START + datetime.timedelta(days=last) if last is not None else None, recorded_by=world.admin,
            )  # fmt: skip
        _mark(a, "break")
    elif kind == "gate":
        gateway_policy_update(actor=world.admin, provider=world.provider, **{op[1]: op[2]})
    elif kind == "months":
        gateway_policy_update(actor=world.admin, provider=world.provider, minimum_practical_months=op[1])
    elif kind == "manual_add" and len(gates) < 3:
        manual_gate_create(actor=world.admin, provider=world.provider, name=f"Requirement {len(gates) + 1}")
    elif kind == "tick" and gates:
        gate = gates[op[1] % len(gates)]
        live = ManualGateTick.objects.filter(gate=gate, apprenticeship=a, withdrawn_at__isnull=True).first()
        if op[2] and live is None and gate.is_active:
            manual_gate_tick(actor=world.assessor, apprenticeship=a, gate=gate, note="Checked")
        elif not op[2] and live is not None:
            manual_gate_tick_withdraw(actor=world.assessor, tick=live)
    elif kind == "retire" and gates and gates[op[1] % len(gates)].is_active:
        manual_gate_update(actor=world.admin, gate=gates[op[1] % len(gates)], active=False)
    elif kind == "sign":
        signer = world.line_manager if op[1] == "employer" else world.assessor
        with contextlib.suppress(Conflict):  # not ready, or that side has signed: refused, nothing written
            gateway_sign(actor=signer, apprenticeship=a, side=op[1])
    elif kind == "refer":
        with contextlib.suppress(Conflict):
            gateway_refer(actor=world.tutor, apprenticeship=a, assessment_organisation="Acme EPA")


# Evidence, its files and its tags are written directly, in any combination of their states, most of which no
# service makes (an accepted tag on a draft, an accepted item with a file still being checked): on purpose, since
# the property is about the engine, which must agree with itself and with the rules on whatever rows it finds.
# Each write is followed by the dirty mark the service that changes such a row writes.


def _item(a: Apprenticeship, tags: dict[Statement, str], files: list[str]) -> Evidence:
    evidence = Evidence.objects.create(
        apprenticeship=a, author=a.apprentice, author_role=Evidence.AuthorRole.APPRENTICE,
        kind=Evidence.Kind.DOCUMENT, title="Item", occurred_on=datetime.date(2025, 10, 1),
        state=Evidence.State.ACCEPTED, ever_submitted=True,
    )  # fmt: skip
    for file_state in files:
        _file(evidence, file_state)
    for statement, tag_state in tags.items():
        EvidenceTag.objects.create(evidence=evidence, statement=statement, state=tag_state)
    _mark(a, "evidence")
    return evidence


def _file(evidence: Evidence, state: str) -> EvidenceFile:
    return EvidenceFile.objects.create(
        evidence=evidence, object_key=f"evidence/{evidence.pk}-{evidence.files.count()}", original_name="a.pdf",
        declared_type="application/pdf", declared_size=1, slot_expires_at=evidence.created_at, state=state,
        uploaded_by=evidence.author,
    )  # fmt: skip


def _apply(op: tuple[Any, ...], catalogue: Any, world: Any, items: list[Evidence]) -> None:
    a = world.apprenticeship
    s = catalogue.statements
    kind = op[0]
    if kind == "add":
        items.append(_item(a, {s[code]: state for code, state in op[1].items()}, op[2]))
    elif kind == "tag" and items:
        evidence = items[op[1] % len(items)]
        EvidenceTag.objects.update_or_create(evidence=evidence, statement=s[op[2]], defaults={"state": op[3]})
        _mark(a, "tag decided")
    elif kind == "file" and items:
        evidence = items[op[1] % len(items)]
        # An item without files gets one (an upload), which must then be verified to count.
        file = evidence.files.first() or _file(evidence, EvidenceFile.State.AWAITING_UPLOAD)
        EvidenceFile.objects.filter(pk=file.pk).update(state=op[2])
        _mark(a, "file verified")
    elif kind == "evidence" and items:
        Evidence.objects.filter(pk=items[op[1] % len(items)].pk).update(state=op[2])
        _mark(a, "evidence state")
    elif kind == "option":
        option = catalogue.route_a if op[1] == "A" else catalogue.route_b
        a.refresh_from_db()
        apprenticeship_update(actor=world.admin, apprenticeship=a, option=option)
    elif kind == "n":
        review_policy_update(actor=world.admin, provider=world.provider, evidence_per_statement=op[1])
        gateway_policy_update(actor=world.admin, provider=world.provider, behaviours_gate=op[2])
    elif kind == "behaviour":
        live = BehaviourConfirmation.objects.filter(apprenticeship=a, statement=s[op[1]], withdrawn_at__isnull=True)
        if op[2] and not live.exists():
            BehaviourConfirmationFactory.create(apprenticeship=a, statement=s[op[1]], confirmed_by=world.line_manager)
        elif not op[2] and live.exists():
            behaviour_confirmation_withdraw(actor=world.line_manager, confirmation=live.get())
    elif kind == "recompute":
        coverage_recompute_dirty()
    else:
        _apply_gateway(op, world)


def _stored(apprenticeship_id: int) -> dict[str, Any]:
    summary = CoverageSummary.objects.get(apprenticeship_id=apprenticeship_id)
    return {
        "summary": (summary.covered, summary.mapped, summary.percent, summary.missing, summary.mandatory_missing,
                    summary.gates, summary.blocking, summary.state, summary.ready),
        "aos": sorted(
            (row.outcome.code, row.covered, row.mapped, row.percent, row.missing, row.mandatory_missing, row.complete)
            for row in AOCoverage.objects.filter(apprenticeship_id=apprenticeship_id).select_related("outcome")
        ),
    }  # fmt: skip


def _months(later: datetime.date, earlier: datetime.date) -> int:
    whole = (later.year - earlier.year) * 12 + later.month - earlier.month - (1 if later.day < earlier.day else 0)
    return max(whole, 0)


def _oracle(apprenticeship: Apprenticeship) -> tuple[list[tuple[str, int, int]], dict[str, bool], str]:
    """The rules of PRODUCT.md and portfolio/coverage/gates.py read literally, in Python, from the rows."""
    a = apprenticeship
    policy = ReviewPolicy.objects.filter(provider_id=a.provider_id).first()
    settings_ = GatewayPolicy.objects.filter(provider_id=a.provider_id).first() or GatewayPolicy()
    need = policy.evidence_per_statement if policy else 1
    counts: Counter[int] = Counter()
    for evidence in Evidence.objects.filter(apprenticeship=a).prefetch_related("files", "tags"):
        if evidence.state in {"withdrawn", "draft", "returned"}:
            continue
        if any(file.state != "verified" for file in evidence.files.all()):
            continue
        counts.update(tag.statement_id for tag in evidence.tags.all() if tag.state == "accepted")
    aos = []
    for outcome in AssessmentOutcome.objects.filter(standard_id=a.standard_id).order_by("position"):
        if outcome.option_id not in (None, a.option_id):
            continue
        ids = [statement.pk for statement in outcome.statements.all()]
        aos.append((outcome.code, sum(1 for pk in ids if counts[pk] >= need), len(ids)))
    covered, mapped = sum(c for _, c, _ in aos), sum(m for _, _, m in aos)
    behaviours = a.standard.statements.filter(kind="B")
    confirmed = BehaviourConfirmation.objects.filter(
        apprenticeship=a, withdrawn_at__isnull=True, statement__in=behaviours
    ).count()
    approved = sum(OtjActivity.objects.filter(apprenticeship=a, state="approved").values_list("minutes", flat=True))
    minimum = OtjMinimum.objects.filter(provider_id=a.provider_id, standard_version_id=a.standard_id).first()
    break_days = 0
    for pause in BreakInLearning.objects.filter(apprenticeship=a, started_on__lte=TODAY):
        last = min(pause.ended_on or TODAY, TODAY)
        break_days += max((last - max(pause.started_on, a.start_date)).days + 1, 0)
    age = None
    if a.date_of_birth is not None:
        born, start = a.date_of_birth, a.start_date
        age = start.year - born.year - (1 if (start.month, start.day) < (born.month, born.day) else 0)
    manual = ManualGate.objects.filter(provider_id=a.provider_id, is_active=True)
    ticked = ManualGateTick.objects.filter(gate__in=manual, apprenticeship=a, withdrawn_at__isnull=True).count()
    verdicts = {
        "coverage": not settings_.coverage_gate or (mapped > 0 and covered == mapped),
        "behaviours_confirmed": not settings_.behaviours_gate or confirmed == behaviours.count(),
        "otj": not settings_.otj_gate
        or (minimum is not None and approved >= max(minimum.minimum_hours - a.rpl_hours, 0) * 60),
        "practical_period": not settings_.practical_period_gate
        or _months(TODAY - datetime.timedelta(days=break_days), a.start_date) >= settings_.minimum_practical_months,
        "english_maths": not settings_.english_maths_gate
        or a.english_maths in ("achieved", "not_required")
        or (age is not None and not 16 <= age < 19),
        "manual": ticked == manual.count(),
    }
    sides = set(
        GatewaySignature.objects.filter(apprenticeship=a, invalidated_at__isnull=True).values_list("side", flat=True)
    )
    referred = AssessmentReferral.objects.filter(apprenticeship=a, invalidated_at__isnull=True).exists()
    if not all(verdicts.values()):
        state = "not_ready"
    elif sides == {"employer", "provider"}:
        state = "with_assessment_organisation" if referred else "gateway_signed"
    else:
        state = "ready"
    return aos, verdicts, state


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
@example(steps=[("minimum", 5), ("otj", 600, "approved"), ("recompute",), ("otj_decide", 0, "declined")])
@example(steps=[("minimum", 20), ("otj", 1200, "approved"), ("recompute",), ("rpl", 10)])
@example(steps=[("months", 8), ("recompute",), ("break", "early"), ("recompute",), ("break", "recent")])
@example(steps=[("dob", "unknown"), ("recompute",), ("dob", "17"), ("recompute",), ("english_maths", "achieved")])
@example(steps=[("manual_add",), ("recompute",), ("tick", 0, True), ("recompute",), ("retire", 0)])
@example(
    steps=[("add", dict.fromkeys(("K1", "K2", "K3", "S1", "S2", "S3"), "accepted"), []), ("behaviour", "B1", True),
           ("behaviour", "B2", True), ("gate", "otj_gate", False), ("english_maths", "achieved"), ("recompute",),
           ("sign", "employer"), ("sign", "provider"), ("refer",), ("recompute",), ("behaviour", "B2", False)]
)  # fmt: skip
def test_incremental_coverage_equals_a_recompute_from_scratch(steps: list[tuple[Any, ...]]) -> None:
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    GatewayPolicy.objects.filter(provider=world.provider).delete()  # a new provider's defaults: every gate on
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(
        start_date=START, planned_end_date=START + datetime.timedelta(days=700), otj_planned_hours=100
    )
    world.apprenticeship.refresh_from_db()
    coverage_mark_dirty(apprenticeship_ids=[world.apprenticeship.pk], reason="created")  # as apprenticeship_create does
    items: list[Evidence] = []
    for op in steps:
        _apply(op, catalogue, world, items)
    coverage_recompute_dirty()  # the periodic pass (or the last task) catches up
    apprenticeship_id = world.apprenticeship.pk
    incremental = _stored(apprenticeship_id)
    state, ready = incremental["summary"][-2], incremental["summary"][-1]

    events = list(ReadinessEvent.objects.filter(apprenticeship_id=apprenticeship_id).order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    entered = ["not_ready"] + [e.state for e in events]
    assert [e.previous_state for e in events] == entered[:-1]  # each leaves the state the one before entered
    assert all(e.state != e.previous_state for e in events)
    assert state == entered[-1]
    if state == "not_ready":
        assert not GatewaySignature.objects.filter(apprenticeship_id=apprenticeship_id, invalidated_at__isnull=True)

    AOCoverage.objects.filter(apprenticeship_id=apprenticeship_id).delete()
    CoverageSummary.objects.filter(apprenticeship_id=apprenticeship_id).delete()
    coverage_recompute(apprenticeship_ids=[apprenticeship_id])
    assert _stored(apprenticeship_id) == incremental

    apprenticeship = Apprenticeship.objects.get(pk=apprenticeship_id)
    aos, verdicts, expected_state = _oracle(apprenticeship)
    assert sorted(aos) == [(code, covered, mapped) for code, covered, mapped, *_ in incremental["aos"]]
    gates = incremental["summary"][5]
    assert {key: gate["passed"] for key, gate in gates.items()} == verdicts
    assert (ready, state) == (all(verdicts.values()), expected_state)
