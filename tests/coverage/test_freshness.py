"""Freshness through the real services: a change is recomputed by the Celery worker after its commit; a
change whose enqueue fails (Redis unreachable) keeps its dirty mark and the periodic task recomputes it.

These tests use `transactional_db`: the worker is another process and sees committed rows only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.db import connection
from django.utils import timezone

from portfolio.coverage.models import CoverageDirty, CoverageSummary, ReadinessEvent
from portfolio.coverage.services import enqueue
from portfolio.coverage.services.compute import coverage_recompute
from tests.conftest import _free_port
from tests.factories import BehaviourConfirmationFactory, EvidenceFactory, make_catalogue, make_world
from workers.tasks.coverage import recompute_apprenticeship, recompute_dirty


def _wait_for(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Wait for the worker's work to show; a failure says what never happened (not how long it took)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"never happened: {what}")


def _all_but_one(catalogue: Any, world: Any) -> None:
    """Route A covered except S3; behaviours confirmed. One accepted tag on S3 makes the apprentice ready."""
    s, a = catalogue.statements, world.apprenticeship
    EvidenceFactory.create(apprenticeship=a, files=0, tags=("K1", "K2", "K3", "S1", "S2"), state="accepted")
    BehaviourConfirmationFactory.create(apprenticeship=a, statement=s["B1"], confirmed_by=world.line_manager)
    BehaviourConfirmationFactory.create(apprenticeship=a, statement=s["B2"], confirmed_by=world.line_manager)


@pytest.mark.django_db(transaction=True)
def test_an_acceptance_is_recomputed_by_the_worker_with_one_readiness_event(celery_worker: Any) -> None:
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    _all_but_one(catalogue, world)
    # The acceptance writes its mark in its own transaction; the recompute is sent after the commit.
    EvidenceFactory.create(apprenticeship=world.apprenticeship, files=0, tags=("S3",), state="accepted")

    summary = _wait_for(
        lambda: CoverageSummary.objects.filter(apprenticeship=world.apprenticeship, ready=True).first(),
        "the worker stored the apprentice as ready",
    )
    assert (summary.covered, summary.mapped) == (6, 6)
    _wait_for(lambda: not CoverageDirty.objects.filter(apprenticeship=world.apprenticeship).exists(), "mark cleared")
    [event] = ReadinessEvent.objects.filter(apprenticeship=world.apprenticeship)
    assert (event.sequence, event.ready) == (1, True)


@pytest.mark.django_db(transaction=True)
def test_a_change_made_while_redis_is_unreachable_is_recovered_by_the_periodic_task(
    celery_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Redis stopped", simulated honestly without stopping the machine's Redis (other suites share it): the
    # enqueue after commit talks to 127.0.0.1:<a free port> where nothing listens, so its SET NX raises a
    # connection error exactly as with Redis down. The commit must still succeed and the mark survive.
    dead = redis.Redis(host="127.0.0.1", port=_free_port(), socket_connect_timeout=0.5, socket_timeout=0.5)
    with pytest.raises(redis.ConnectionError):
        dead.ping()
    monkeypatch.setattr(enqueue, "_redis", lambda: dead)

    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=("K1",), state="accepted")
    assert CoverageDirty.objects.filter(apprenticeship=world.apprenticeship).exists()
    assert not CoverageSummary.objects.filter(apprenticeship=world.apprenticeship).exists()  # nothing was sent

    monkeypatch.undo()  # Redis is back; the beat schedule fires the reconciler, here sent by hand
    assert recompute_dirty.delay().get(timeout=60) >= 1
    summary = CoverageSummary.objects.get(apprenticeship=world.apprenticeship)
    assert (summary.covered, summary.mapped) == (1, 6)
    assert not CoverageDirty.objects.filter(apprenticeship=world.apprenticeship).exists()


@pytest.mark.django_db(transaction=True)
def test_duplicated_and_concurrent_recomputes_record_one_event(celery_worker: Any) -> None:
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    _all_but_one(catalogue, world)
    a = world.apprenticeship
    _wait_for(lambda: CoverageSummary.objects.filter(apprenticeship=a, covered=5).exists(), "first compute")
    EvidenceFactory.create(apprenticeship=a, files=0, tags=("S3",), state="accepted")
    # The acceptance marked it, and its recompute may have run already: mark it again, as another change would (a
    # trailing recompute may still hold a mark: add ours to it rather than a second row).
    CoverageDirty.objects.update_or_create(apprenticeship=a, defaults={"marked_at": timezone.now()})

    # The same task delivered three times to the worker, plus the periodic pass...
    results = [recompute_apprenticeship.delay(a.pk) for _ in range(3)] + [recompute_dirty.delay()]
    for result in results:
        result.get(timeout=60)
    # ...and four recomputes at once in this process, past the "still dirty?" check, straight at the lock.
    barrier = threading.Barrier(4)

    def run() -> None:
        try:
            barrier.wait()
            coverage_recompute(apprenticeship_ids=[a.pk])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert list(ReadinessEvent.objects.filter(apprenticeship=a).values_list("sequence", "ready")) == [(1, True)]
    summary = CoverageSummary.objects.get(apprenticeship=a)
    assert (summary.ready, summary.event_sequence) == (True, 1)
    assert summary.recompute_count >= 5  # 1 first compute, at least 1 by the worker, 4 here: they all ran


def _burst_apprenticeship(monkeypatch: pytest.MonkeyPatch, settings: Any) -> tuple[int, list[Any]]:
    """An id no row has, its coalescing keys cleared; windows of a minute, whatever the machine's speed."""
    settings.COVERAGE_COALESCE_MS = 60_000
    settings.COVERAGE_COALESCE_MAX_MS = 300_000
    sent: list[Any] = []
    # The sends are recorded instead of made: what matters here is how many, and their delays.
    monkeypatch.setattr(enqueue, "task_send", lambda name, *args, **kwargs: sent.append(kwargs.get("countdown")))
    apprenticeship_id = 900_000_000 + int(time.time() * 1000) % 1_000_000
    enqueue._redis().delete(enqueue.burst_key(apprenticeship_id), enqueue.trail_key(apprenticeship_id))
    return apprenticeship_id, sent


def test_a_burst_to_one_apprenticeship_enqueues_one_leading_and_one_trailing_recompute(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    apprenticeship_id, sent = _burst_apprenticeship(monkeypatch, settings)
    try:
        for _ in range(1000):
            enqueue.coverage_enqueue(apprenticeship_ids=[apprenticeship_id])
        assert sent == [None, 60.0]  # leading now, trailing a window later

        enqueue.coverage_trailing_started(apprenticeship_id=apprenticeship_id)  # the trailing task starts...
        enqueue.coverage_enqueue(apprenticeship_ids=[apprenticeship_id])  # ...so a later change needs another
        assert sent == [None, 60.0, 120.0]
    finally:
        enqueue._redis().delete(enqueue.burst_key(apprenticeship_id), enqueue.trail_key(apprenticeship_id))


def test_trailing_recomputes_back_off_while_the_burst_lasts_and_the_next_burst_starts_at_once(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    apprenticeship_id, sent = _burst_apprenticeship(monkeypatch, settings)
    client = enqueue._redis()
    try:
        for _ in range(7):  # each trailing recompute starts while changes keep coming
            for _ in range(50):
                enqueue.coverage_enqueue(apprenticeship_ids=[apprenticeship_id])
            enqueue.coverage_trailing_started(apprenticeship_id=apprenticeship_id)
        # leading, then 1, 2, 4 windows, then the longest wait (5 windows) from there on
        assert sent == [None, 60.0, 120.0, 240.0, 300.0, 300.0, 300.0, 300.0]
        remaining_ms = client.pttl(enqueue.burst_key(apprenticeship_id))
        assert isinstance(remaining_ms, int)
        assert 0 < remaining_ms <= 120_000  # the burst lasts two windows after its last change

        client.delete(enqueue.burst_key(apprenticeship_id))  # two quiet windows: the burst is over
        sent.clear()
        enqueue.coverage_enqueue(apprenticeship_ids=[apprenticeship_id])
        enqueue.coverage_enqueue(apprenticeship_ids=[apprenticeship_id])
        assert sent == [None, 60.0]  # a new burst: recomputed at once, then one window again
    finally:
        client.delete(enqueue.burst_key(apprenticeship_id), enqueue.trail_key(apprenticeship_id))
