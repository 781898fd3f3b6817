"""Exactly one readiness event per change of state when the recompute is delivered many times: the same task
three times to the real worker, the periodic pass, and four recomputes at once in this process, each straight at
the summary's lock. Runs with committed rows (`transactional_db`), as the worker sees only those."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from portfolio.coverage.models import CoverageDirty, CoverageSummary, ReadinessEvent
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.gateway.models import GatewaySignature
from portfolio.gateway.services.signatures import gateway_sign
from tests.gateway.helpers import gate_world, withdraw_behaviour
from workers.tasks.coverage import recompute_apprenticeship, recompute_dirty


def _wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"never happened: {what}")


def _deliver_many_times(apprenticeship_id: int) -> None:
    CoverageDirty.objects.update_or_create(apprenticeship_id=apprenticeship_id, defaults={"marked_at": timezone.now()})
    results = [recompute_apprenticeship.delay(apprenticeship_id) for _ in range(3)] + [recompute_dirty.delay()]
    barrier = threading.Barrier(4)

    def run() -> None:
        try:
            barrier.wait()
            coverage_recompute(apprenticeship_ids=[apprenticeship_id])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        result.get(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_each_gateway_state_change_is_one_event_however_often_the_recompute_runs(celery_worker: Any) -> None:
    g = gate_world()
    a, w = g.a, g.world
    _wait_for(
        lambda: CoverageSummary.objects.filter(apprenticeship=a, state=ReadinessState.READY).exists(),
        "the worker found the apprentice ready for gateway",
    )
    gateway_sign(actor=w.line_manager, apprenticeship=a, side=GatewaySignature.Side.EMPLOYER)
    gateway_sign(actor=w.assessor, apprenticeship=a, side=GatewaySignature.Side.PROVIDER)
    _deliver_many_times(a.pk)
    states = list(ReadinessEvent.objects.filter(apprenticeship=a).order_by("sequence").values_list("state", flat=True))
    assert states == ["ready", "gateway_signed"]

    withdraw_behaviour(apprenticeship=a, statement=g.catalogue.statements["B1"], by=w.line_manager)
    _deliver_many_times(a.pk)
    _wait_for(lambda: not CoverageDirty.objects.filter(apprenticeship=a).exists(), "every mark consumed")
    events = list(ReadinessEvent.objects.filter(apprenticeship=a).order_by("sequence"))
    assert [(e.sequence, e.state) for e in events] == [(1, "ready"), (2, "gateway_signed"), (3, "not_ready")]
    # Invalidated once, by the recompute that recorded the change: at its moment, with the gate that failed.
    signatures = list(GatewaySignature.objects.filter(apprenticeship=a))
    assert {(s.invalidated_at, tuple(s.invalidated_gates)) for s in signatures} == {
        (events[-1].occurred_at, ("behaviours_confirmed",))
    }
    summary = CoverageSummary.objects.get(apprenticeship=a)
    assert (summary.state, summary.event_sequence) == ("not_ready", 3)
