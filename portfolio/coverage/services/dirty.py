"""Marking apprenticeships dirty: every service that changes a coverage input calls this, in its transaction.

The mark is the durable fact that work is owed; after commit a recompute is enqueued (coalesced, see
portfolio/coverage/services/enqueue.py). If that message is lost, the periodic `coverage.recompute_dirty`
finds the mark: an update can be late, never lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from portfolio.coverage.models import CoverageDirty

# One statement, so concurrent markers cannot lose a mark between a read and a write: an existing row's
# generation grows, so a recompute that read the old generation keeps the row for the next pass.
# PostgreSQL and SQLite (the embedded default) both speak this upsert.
_UPSERT = (
    "INSERT INTO {table} (apprenticeship_id, generation, marked_at, reason) {source} "
    "ON CONFLICT (apprenticeship_id) DO UPDATE SET generation = {table}.generation + 1, "
    "marked_at = excluded.marked_at, reason = excluded.reason"
)


def _table() -> str:
    return connection.ops.quote_name(CoverageDirty._meta.db_table)


def coverage_mark_dirty(*, apprenticeship_ids: Iterable[int], reason: str) -> None:
    """Record, inside the caller's transaction, that these apprenticeships need a recompute; enqueue it after
    commit."""
    ids = sorted(set(apprenticeship_ids))  # sorted: concurrent markers lock rows in one order, no deadlock
    if not ids:
        return
    now = timezone.now()
    values = "VALUES " + ", ".join(["(%s, 1, %s, %s)"] * len(ids))
    params: list[Any] = []
    for apprenticeship_id in ids:
        params += [apprenticeship_id, now, reason[:64]]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=_table(), source=values), params)

    def enqueue() -> None:
        from portfolio.coverage.services.enqueue import coverage_enqueue

        coverage_enqueue(apprenticeship_ids=ids)

    transaction.on_commit(enqueue)


def _mark_where(where: str, params: list[Any], reason: str, **scope: int) -> int:
    """Mark every apprenticeship matching `where` in one statement; after commit, recompute them in batches."""
    now = timezone.now()
    source = f"SELECT id, 1, %s, %s FROM people_apprenticeship WHERE {where} ORDER BY id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=_table(), source=source), [now, reason[:64], *params])
        marked = cursor.rowcount

    def enqueue() -> None:
        from portfolio.coverage.services.enqueue import coverage_enqueue_scope

        coverage_enqueue_scope(**scope)

    if marked:
        transaction.on_commit(enqueue)
    return marked


def coverage_mark_standard_dirty(*, standard_id: int, reason: str = "standard changed") -> int:
    """Every apprenticeship on this standard version (a re-import changed its mapping): recomputed in batches."""
    return _mark_where("standard_id = %s", [standard_id], reason, standard_id=standard_id)


def coverage_mark_time_dependent_dirty(*, reason: str = "a new day") -> int:
    """Every apprenticeship still in learning, for the daily pass: the practical period, expected OTJ to date and
    last month's activity change with the date alone, with no input changing."""
    return _mark_where("status NOT IN (%s, %s)", ["completed", "withdrawn"], reason)


def coverage_mark_provider_dirty(*, provider_id: int, reason: str = "policy changed") -> int:
    """Every apprenticeship at this provider (its review policy changed N or a gate): one statement, then one
    scoped recompute after commit."""
    return _mark_where("provider_id = %s", [provider_id], reason, provider_id=provider_id)
