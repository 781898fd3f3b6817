"""Marking apprenticeships dirty: every service that changes a coverage input calls this, in its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from portfolio.coverage.models import CoverageDirty

# One statement, so concurrent markers cannot lose a mark between a read and a write: an existing row's
# generation grows, so a recompute that read the old generation keeps the row for the next pass.
# PostgreSQL and SQLite (the embedded default) both speak this upsert.
_UPSERT = (
    "INSERT INTO {table} (apprenticeship_id, generation, marked_at, reason) VALUES {values} "
    "ON CONFLICT (apprenticeship_id) DO UPDATE SET generation = {table}.generation + 1, "
    "marked_at = excluded.marked_at, reason = excluded.reason"
)


def coverage_mark_dirty(*, apprenticeship_ids: Iterable[int], reason: str) -> None:
    """Record, inside the caller's transaction, that these apprenticeships need a recompute."""
    ids = sorted(set(apprenticeship_ids))  # sorted: concurrent markers lock rows in one order, no deadlock
    if not ids:
        return
    now = timezone.now()
    table = connection.ops.quote_name(CoverageDirty._meta.db_table)
    values = ", ".join(["(%s, 1, %s, %s)"] * len(ids))
    params: list[Any] = []
    for apprenticeship_id in ids:
        params += [apprenticeship_id, now, reason[:64]]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table, values=values), params)
