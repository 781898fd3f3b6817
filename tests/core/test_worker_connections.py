"""The worker keeps its database connections between tasks, and closes them as Django does around a request
(workers/celery.py, CELERY_DB_REUSE_MAX in portfolio/settings.py)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from celery import current_app
from django.db import connection, transaction

from workers.celery import _close_old_connections
from workers.tasks.coverage import recompute_apprenticeship


def _other_backends() -> set[int]:
    """The test database's client connections other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees its first snapshot throughout
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return {row[0] for row in cursor.fetchall()}


def _settled_backends() -> set[int]:
    """After a task's result arrived, its post-run handlers may still be running: wait until nothing changes."""
    seen = _other_backends()
    for _ in range(20):
        time.sleep(0.1)
        now = _other_backends()
        if now == seen:
            return now
        seen = now
    return seen


@pytest.mark.django_db
def test_the_worker_keeps_its_database_connection_between_tasks(celery_worker) -> None:
    # A recompute of an apprenticeship not marked dirty: one query, then nothing to do.
    assert recompute_apprenticeship.delay(-1).get(timeout=30) == 0
    first = _settled_backends()
    for _ in range(8):
        assert recompute_apprenticeship.delay(-1).get(timeout=30) == 0
    later = _settled_backends()

    assert first, "the worker closed its connection after the task"
    assert first <= later, "the worker opened a new connection for a later task"
    assert len(later) <= 4  # one per thread of the worker's pool (--concurrency=4)


def _worker_task() -> SimpleNamespace:
    return SimpleNamespace(request=SimpleNamespace(is_eager=False))


@pytest.mark.django_db(transaction=True)
def test_a_connection_older_than_conn_max_age_is_closed_between_tasks() -> None:
    connection.close()  # a fresh connection: one an earlier test opened may be near its age already
    connection.ensure_connection()
    _close_old_connections(task=_worker_task())
    assert connection.connection is not None  # young: kept

    connection.close_at = time.monotonic() - 1
    _close_old_connections(task=_worker_task())
    assert connection.connection is None


@pytest.mark.django_db
def test_a_task_run_in_process_leaves_its_callers_transaction_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(current_app.conf, "task_always_eager", True)
    with transaction.atomic():
        connection.ensure_connection()
        held = connection.connection
        current_app.tasks["system.ping"].apply(("token",))
        assert not connection.closed_in_transaction
        assert not connection.needs_rollback
        assert connection.connection is held
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
