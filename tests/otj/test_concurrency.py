"""Two overlapping entries written at once, in two real transactions on two PostgreSQL connections: one wins.

Without the lock on the apprenticeship row, each transaction would check for overlaps before the other's row
was committed, and both would be saved. With it, the second waits for the first to commit, then sees its entry
and is refused. No mocks: the lock and the wait are PostgreSQL's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from portfolio.otj.models import OtjActivity
from tests.factories import build_world
from tests.otj.helpers import log

pytestmark = pytest.mark.django_db(transaction=True)


def _run(fn: Callable[[], Any], results: dict[str, Any], name: str) -> None:
    try:
        results[name] = fn()
    except Exception as exc:
        results[name] = exc
    finally:
        connections.close_all()  # this thread's connection, so the test database can be dropped


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


def test_two_overlapping_entries_at_once_one_wins() -> None:
    own, _ = build_world()
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def entry(at: str, actor: Any) -> Callable[[], Any]:
        def go() -> Any:
            barrier.wait(timeout=10)  # both transactions start together
            return log(own, at=at, minutes=60, actor=actor)

        return go

    threads = [
        threading.Thread(target=_run, args=(entry("09:00", own.apprentice), results, "apprentice")),
        threading.Thread(target=_run, args=(entry("09:30", own.tutor), results, "tutor")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = [r for r in results.values() if isinstance(r, OtjActivity)]
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert (len(saved), len(refused)) == (1, 1), results
    assert "overlaps" in refused[0].message_dict["start_time"][0]
    assert OtjActivity.objects.count() == 1


def test_the_second_entry_waits_for_the_first_commit_then_is_refused() -> None:
    """Deterministic interleaving: A has logged in an open transaction; B is seen waiting on the apprenticeship
    lock in pg_stat_activity; A commits; B then sees A's entry and is refused."""
    own, _ = build_world()
    a_logged, release_a = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def first() -> Any:
        with transaction.atomic():
            activity = log(own, at="09:00", minutes=60)
            a_logged.set()
            assert release_a.wait(timeout=20)
        return activity

    def second() -> Any:
        return log(own, at="09:45", minutes=30, actor=own.tutor)

    a = threading.Thread(target=_run, args=(first, results, "first"))
    a.start()
    assert a_logged.wait(timeout=20)
    b = threading.Thread(target=_run, args=(second, results, "second"))
    b.start()
    waited = False
    for _ in range(200):  # B must be blocked on A's lock before A commits
        if _waiting_on_a_lock():
            waited = True
            break
        b.join(timeout=0.05)
    release_a.set()
    a.join(timeout=30)
    b.join(timeout=30)

    assert waited, "the second transaction never waited on the apprenticeship's row lock"
    assert isinstance(results["first"], OtjActivity), results
    assert isinstance(results["second"], ValidationError), results
    assert "from 09:00 to 10:00" in results["second"].message_dict["start_time"][0]
    assert OtjActivity.objects.count() == 1
