"""Two reviewers acting on one item at once, in two real transactions on two PostgreSQL connections.

Each thread gets its own Django connection (connections are per thread). The second reviewer's
select_for_update waits on the first's row lock; when the first commits, it reads the new version and
gets a conflict. No mocks: the lock and the wait are PostgreSQL's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from portfolio.core.errors import Conflict
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.returns import evidence_return
from tests.factories import EvidenceFactory, build_world

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


def test_two_confirmations_at_once_one_wins_the_other_is_told_who_won() -> None:
    own, _ = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def confirm_as(user: Any) -> Callable[[], Any]:
        def go() -> Any:
            barrier.wait(timeout=10)  # both transactions start together
            return evidence_confirm(actor=user, evidence=evidence, expected_version=2)

        return go

    threads = [
        threading.Thread(target=_run, args=(confirm_as(own.line_manager), results, "line_manager")),
        threading.Thread(target=_run, args=(confirm_as(own.mentor), results, "mentor")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [name for name, result in results.items() if isinstance(result, ReviewDecision)]
    losers = [result for result in results.values() if isinstance(result, Conflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].details == {"expected_version": 2, "current_version": 3, "current_state": "confirmed"}
    winner = getattr(own, winners[0])
    assert f"confirmed by {winner.display_name}" in losers[0].message
    assert ReviewDecision.objects.filter(evidence=evidence, action="confirm").count() == 1


def test_the_second_reviewer_waits_for_the_first_commit_then_gets_a_conflict() -> None:
    """Deterministic interleaving: A holds the lock in an open transaction; B is seen waiting on it in
    pg_stat_activity; A commits; B then reads A's version and fails."""
    own, _ = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed", tags=("K1",))
    a_decided, release_a = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def accept() -> Any:
        with transaction.atomic():
            decision = evidence_accept(
                actor=own.assessor, evidence=evidence, expected_version=3, tags=[TagVerdict("K1", True)]
            )
            a_decided.set()
            assert release_a.wait(timeout=20)
        return decision

    def return_() -> Any:
        return evidence_return(actor=own.tutor, evidence=evidence, expected_version=3, comment="Not enough.")

    a = threading.Thread(target=_run, args=(accept, results, "accept"))
    a.start()
    assert a_decided.wait(timeout=20)
    b = threading.Thread(target=_run, args=(return_, results, "return"))
    b.start()
    waited = False
    for _ in range(200):  # B must be blocked on A's row lock before A commits
        if _waiting_on_a_lock():
            waited = True
            break
        b.join(timeout=0.05)
    release_a.set()
    a.join(timeout=30)
    b.join(timeout=30)

    assert waited, "the second transaction never waited on the row lock"
    assert isinstance(results["accept"], ReviewDecision), results
    conflict = results["return"]
    assert isinstance(conflict, Conflict), results
    assert conflict.details == {"expected_version": 3, "current_version": 4, "current_state": "accepted"}
    assert "accepted by" in conflict.message
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.ACCEPTED
    assert not ReviewDecision.objects.filter(evidence=evidence, action="return").exists()
