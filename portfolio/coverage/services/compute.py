"""Recomputing coverage and readiness: a batch of apprenticeships per transaction, in a few SQL statements."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portfolio.coverage import sql
from portfolio.coverage.models import CoverageDirty, CoverageSummary, ReadinessEvent
from portfolio.people.models import Apprenticeship

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# A full recompute goes in one pass up to this many apprenticeships: each batch reads the evidence and tag tables
# once (hash joins), so fewer, larger batches cost less in total than many small ones.
FULL_BATCH_SIZE = 100_000


@dataclass
class RecomputeResult:
    computed: int = 0
    events: list[ReadinessEvent] = field(default_factory=list)

    def __iadd__(self, other: RecomputeResult) -> RecomputeResult:
        self.computed += other.computed
        self.events += other.events
        return self


def _batches(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def coverage_recompute(*, apprenticeship_ids: Iterable[int], batch_size: int = BATCH_SIZE) -> RecomputeResult:
    """Recompute these apprenticeships, `batch_size` per transaction. Safe to run twice, or concurrently."""
    ids = sorted(set(apprenticeship_ids))
    result = RecomputeResult()
    for batch in _batches(ids, batch_size):
        result += _recompute_batch(batch)
    return result


def coverage_recompute_all(*, batch_size: int = FULL_BATCH_SIZE) -> RecomputeResult:
    """Every apprenticeship, in batches (benchmarks, a repair after a bug fix)."""
    ids = list(Apprenticeship.objects.order_by("pk").values_list("pk", flat=True))
    return coverage_recompute(apprenticeship_ids=ids, batch_size=batch_size)


def coverage_recompute_dirty(
    *, standard_id: int | None = None, provider_id: int | None = None, batch_size: int = BATCH_SIZE
) -> RecomputeResult:
    """Whatever is still marked dirty (optionally on one standard or at one provider), in batches.

    The periodic reconciler: a lost message, a dead worker or a broker outage leaves the mark, so the work
    is done here, late but not lost.
    """
    queryset = CoverageDirty.objects.order_by("apprenticeship_id")
    if standard_id is not None:
        queryset = queryset.filter(apprenticeship__standard_id=standard_id)
    if provider_id is not None:
        queryset = queryset.filter(apprenticeship__provider_id=provider_id)
    result = RecomputeResult()
    last = 0
    while True:
        # Keyset pages: rows marked again while we work are caught by the next pass, not re-read forever.
        batch = list(
            queryset.filter(apprenticeship_id__gt=last).values_list("apprenticeship_id", flat=True)[:batch_size]
        )
        if not batch:
            return result
        result += _recompute_batch(batch)
        last = batch[-1]


@transaction.atomic
def _recompute_batch(ids: list[int]) -> RecomputeResult:
    from portfolio.coverage.services.readiness import readiness_event_record

    now = timezone.now()
    # Raw SQL for the batch's reads: the id list is one array parameter on PostgreSQL (sql.id_filter), where
    # the ORM would send one placeholder per id (10,000 of them on a full pass, parsed three times over).
    with connection.cursor() as cursor:
        where, params = sql.id_filter("a.id", ids)
        cursor.execute(
            "SELECT a.id, s.apprenticeship_id FROM people_apprenticeship a "  # noqa: S608
            f"LEFT JOIN coverage_coveragesummary s ON s.apprenticeship_id = a.id WHERE {where} ORDER BY a.id",
            params,
        )
        rows = cursor.fetchall()
    existing = [pk for pk, _ in rows]
    if not existing:
        return RecomputeResult()
    # Make sure each apprenticeship has a summary row, then lock the rows in id order: this lock serialises
    # recomputes of one apprenticeship (a task delivered twice, the periodic pass racing the immediate task),
    # so the previous `ready` read here is the one the last committed recompute wrote. Only the rows missing
    # from the read above are inserted (a concurrent insert of the same row is ignored).
    CoverageSummary.objects.bulk_create(
        [CoverageSummary(apprenticeship_id=pk) for pk, summary in rows if summary is None], ignore_conflicts=True
    )
    with connection.cursor() as cursor:
        where, params = sql.id_filter("apprenticeship_id", existing)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite locks the database
        cursor.execute(
            "SELECT apprenticeship_id, ready, event_sequence FROM coverage_coveragesummary "  # noqa: S608
            f"WHERE {where} ORDER BY apprenticeship_id{lock}",
            params,
        )
        previous = {row[0]: (bool(row[1]), row[2]) for row in cursor.fetchall()}
        # Read the marks before the inputs: a change committed after this read bumps the generation, so its
        # mark survives the delete below and the change is computed again (by its own task or the periodic pass).
        cursor.execute(f"SELECT apprenticeship_id, generation FROM coverage_coveragedirty WHERE {where}", params)  # noqa: S608
        generations = cursor.fetchall()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The aggregate and its joins spill to disk at PostgreSQL's default 4 MB; this transaction only.
            cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.COVERAGE_WORK_MEM])
            # The planner overestimates the joined rows by orders of magnitude, so JIT compiles for ~1 s on
            # a 10,000-apprenticeship pass to save nothing measurable.
            cursor.execute("SELECT set_config('jit', 'off', true)")
            cursor.execute(*sql.ao_prune(existing))
            cursor.execute(*sql.coverage_upsert(existing, now=now))
        else:
            cursor.execute(*sql.ao_upsert(existing, now=now))
            cursor.execute(*sql.ao_prune(existing))
            cursor.execute(*sql.summary_upsert(existing, now=now))
        computed = {row[0]: bool(row[1]) for row in cursor.fetchall()}
        if generations:
            values = ", ".join(["(%s, %s)"] * len(generations))
            cursor.execute(
                f"DELETE FROM coverage_coveragedirty WHERE (apprenticeship_id, generation) IN (VALUES {values})",  # noqa: S608
                [value for pair in generations for value in pair],
            )
    events = []
    for apprenticeship_id, ready in computed.items():
        was_ready, sequence = previous.get(apprenticeship_id, (False, 0))
        if ready != was_ready:
            events.append(
                readiness_event_record(apprenticeship_id=apprenticeship_id, ready=ready, sequence=sequence + 1, at=now)
            )
    return RecomputeResult(computed=len(computed), events=events)
