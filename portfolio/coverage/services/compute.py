"""Recomputing coverage and readiness: a batch of apprenticeships per transaction, in a few SQL statements."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portfolio.core.dispatch import task_send_on_commit
from portfolio.coverage import sql
from portfolio.coverage.gates import PASSED_COLUMNS, blocking_of
from portfolio.coverage.gates_sql import Dates
from portfolio.coverage.models import CoverageDirty, CoverageSummary, ReadinessEvent
from portfolio.coverage.readiness_states import ReadinessState, state_rule
from portfolio.people.models import Apprenticeship

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# A full recompute goes in one pass up to this many apprenticeships: each batch reads the evidence and tag tables
# once (hash joins), so fewer, larger batches cost less in total than many small ones.
FULL_BATCH_SIZE = 100_000
# Up to this many apprenticeships, a batch's statement runs on a plan made once per connection (_recompute_batch).
GENERIC_PLAN_BATCH = 100


@dataclass
class RecomputeResult:
    computed: int = 0
    events: list[ReadinessEvent] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # the apprenticeships computed

    def __iadd__(self, other: RecomputeResult) -> RecomputeResult:
        self.computed += other.computed
        self.events += other.events
        self.ids += other.ids
        return self


def _batches(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def coverage_recompute(
    *, apprenticeship_ids: Iterable[int], batch_size: int = BATCH_SIZE, today: datetime.date | None = None
) -> RecomputeResult:
    """Recompute these apprenticeships, `batch_size` per transaction. Safe to run twice, or concurrently.

    `today` (the site's local date unless given) is the day the time-dependent gates are worked out for."""
    ids = sorted(set(apprenticeship_ids))
    result = RecomputeResult()
    for batch in _batches(ids, batch_size):
        result += _recompute_batch(batch, today)
    return result


def coverage_recompute_all(*, batch_size: int = FULL_BATCH_SIZE, today: datetime.date | None = None) -> RecomputeResult:
    """Every apprenticeship, in batches (benchmarks, a repair after a bug fix)."""
    ids = list(Apprenticeship.objects.order_by("pk").values_list("pk", flat=True))
    return coverage_recompute(apprenticeship_ids=ids, batch_size=batch_size, today=today)


def coverage_recompute_dirty(
    *,
    standard_id: int | None = None,
    provider_id: int | None = None,
    batch_size: int = BATCH_SIZE,
    today: datetime.date | None = None,
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
            _explain_later(result.ids)
            return result
        result += _recompute_batch(batch, today)
        last = batch[-1]


def _explain_later(ids: list[int]) -> None:
    """The answers of a pass's apprenticeships were retired by it: the worker makes them again, in chunks, rather
    than the first reader of each (portfolio/coverage/services/explanations.py)."""
    from portfolio.coverage.services.explanations import TASK_IDS

    for start in range(0, len(ids), TASK_IDS):
        task_send_on_commit("coverage.explain", ids[start : start + TASK_IDS])


def _portable_statements(ids: list[int], now: datetime.datetime, dates: Dates) -> list[tuple[str, list[Any]]]:
    """Any database (SQLite, the embedded default): AO rows, prune, then summaries rolled up from the AO rows."""
    return [sql.ao_upsert(ids, now=now, dates=dates), sql.ao_prune(ids), sql.summary_upsert(ids, now=now, dates=dates)]


def _postgresql_statements(ids: list[int], now: datetime.datetime, dates: Dates) -> list[tuple[str, list[Any]]]:
    """PostgreSQL: one statement (sql.coverage_upsert), with masks as wide as the catalogue's widest AO needs."""
    with connection.cursor() as cursor:
        cursor.execute(sql.WIDEST_MASK)
        widest = cursor.fetchone()[0] or 0
    masks = sql.BIGINT_MASKS if widest <= sql.BIGINT_MASK_WIDTH else sql.VARBIT_MASKS
    return [sql.coverage_upsert(ids, now=now, dates=dates, masks=masks)]


@transaction.atomic
def _recompute_batch(ids: list[int], today: datetime.date | None = None) -> RecomputeResult:
    from portfolio.coverage.services.readiness import readiness_event_record, readiness_gateway_invalidate

    now = timezone.now()
    dates = Dates.on(today or timezone.localdate(now))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # For this transaction only, in one round trip: the aggregate and its joins spill to disk at
            # PostgreSQL's default 4 MB of work_mem; the planner overestimates the joined rows by orders of
            # magnitude, so JIT compiles for ~1 s on a 10,000-apprenticeship pass to save nothing measurable; and
            # the statement's joins are planned in the order written (collapse limits 1): searching the orders of
            # its ~15 joins took most of a one-apprenticeship recompute (planning 19.5 ms -> 11.6 ms, execution
            # 4.1 -> 2.3 ms; a 10,000-apprenticeship pass no slower), and the written order is the one it needs
            # (each input joined to the batch's targets). A small batch (the worker's recompute after a change: one
            # apprenticeship) runs its statements on their generic plans, made once per connection once they are
            # prepared (DATABASE_PREPARED_STATEMENTS): planning them cost ~6 of a one-apprenticeship recompute's
            # ~8 ms of PostgreSQL CPU, and the statement's generic plan runs as fast up to a few hundred
            # apprenticeships; a large batch is planned for its ids each time, as the hash joins of a full pass need
            # (the generic plan was ~15% slower at 2,000). Set first, so the batch's reads below are covered too.
            plans = "force_generic_plan" if len(ids) <= GENERIC_PLAN_BATCH else "force_custom_plan"
            cursor.execute(
                "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true), "
                "set_config('join_collapse_limit', '1', true), set_config('from_collapse_limit', '1', true), "
                "set_config('plan_cache_mode', %s, true)",
                [settings.COVERAGE_WORK_MEM, plans],
            )
    # Raw SQL for the batch's reads: the id list is one array parameter on PostgreSQL (sql.id_filter), where
    # the ORM would send one placeholder per id (10,000 of them on a full pass, parsed several times over).
    with connection.cursor() as cursor:
        where, params = sql.id_filter("a.id", ids)
        if connection.vendor == "postgresql":
            # The rows this pass writes refer to the apprenticeships, and their deferred foreign-key checks take a
            # KEY SHARE lock on each at COMMIT, after the pass has deleted the dirty marks. A service that holds an
            # apprenticeship FOR UPDATE and then marks it dirty would wait for that delete while the COMMIT waits
            # for it: a deadlock. Taken here, first and in id order, the lock makes such a service and this pass
            # wait for each other before either touches a mark. The same read finds the summaries still missing.
            cursor.execute(
                "SELECT a.id, s.id IS NULL FROM people_apprenticeship a "  # noqa: S608
                "LEFT JOIN coverage_coveragesummary s ON s.apprenticeship_id = a.id "
                f"WHERE {where} ORDER BY a.id FOR KEY SHARE OF a",
                params,
            )
            unsummarised = [row[0] for row in cursor.fetchall() if row[1]]
        else:
            cursor.execute(
                "SELECT a.id FROM people_apprenticeship a WHERE "  # noqa: S608
                f"{where} AND NOT EXISTS (SELECT 1 FROM coverage_coveragesummary s WHERE s.apprenticeship_id = a.id)",
                params,
            )
            unsummarised = [row[0] for row in cursor.fetchall()]
    # Make sure each apprenticeship has a summary row, then lock the rows in id order: this lock serialises
    # recomputes of one apprenticeship (a task delivered twice, the periodic pass racing the immediate task),
    # so the previous `ready` read here is the one the last committed recompute wrote. A concurrent insert of
    # the same row is ignored. An apprenticeship deleted meanwhile has no summary (it cascades), so the locked
    # rows are the batch's apprenticeships that exist.
    CoverageSummary.objects.bulk_create(
        [CoverageSummary(apprenticeship_id=pk) for pk in unsummarised], ignore_conflicts=True
    )
    with connection.cursor() as cursor:
        where, params = sql.id_filter("s.apprenticeship_id", ids)
        lock = " FOR UPDATE OF s" if connection.features.has_select_for_update else ""  # SQLite locks the database
        # The marks are read with the summaries, before the inputs: a change committed after this read bumps the
        # generation, so its mark survives the delete below and the change is computed again (by its own task
        # or the periodic pass).
        cursor.execute(
            "SELECT s.apprenticeship_id, s.event_sequence, d.generation, s.computed_at IS NULL, s.state, "  # noqa: S608
            f"{', '.join('s.' + column for column in PASSED_COLUMNS)} FROM coverage_coveragesummary s "
            "LEFT JOIN coverage_coveragedirty d ON d.apprenticeship_id = s.apprenticeship_id "
            f"WHERE {where} ORDER BY s.apprenticeship_id{lock}",
            params,
        )
        rows = cursor.fetchall()
    # A summary never computed has nothing blocking yet: its first event names no cause.
    previous = {
        row[0]: Previous(state=row[4], blocking=[] if row[3] else blocking_of(row[5:]), sequence=row[1]) for row in rows
    }
    generations = [(row[0], row[2]) for row in rows if row[2] is not None]
    existing = list(previous)
    if not existing:
        return RecomputeResult()
    with connection.cursor() as cursor:
        statements = _postgresql_statements if connection.vendor == "postgresql" else _portable_statements
        for statement in statements(existing, now, dates):
            cursor.execute(*statement)
        computed = {row[0]: (row[1], blocking_of(row[2:])) for row in cursor.fetchall()}
        if generations:
            values = ", ".join(["(%s, %s)"] * len(generations))
            cursor.execute(
                f"DELETE FROM coverage_coveragedirty WHERE (apprenticeship_id, generation) IN (VALUES {values})",  # noqa: S608
                [value for pair in generations for value in pair],
            )
    changes = []
    for apprenticeship_id, (state, blocking) in computed.items():
        before = previous.get(apprenticeship_id, Previous(ReadinessState.NOT_READY, [], 0))
        if state != before.state:
            changes.append((apprenticeship_id, before, state, blocking))
    # A gate that failed undoes the gateway: the live signatures and referral of every apprenticeship that fell
    # back to "not ready" are invalidated here, in the transaction that saw it, before its event is recorded.
    fallen = {pk: blocking for pk, _, state, blocking in changes if state == ReadinessState.NOT_READY}
    if fallen:
        readiness_gateway_invalidate(failed_gates=fallen, at=now)
    events = [
        readiness_event_record(
            apprenticeship_id=apprenticeship_id,
            state=state,
            previous_state=before.state,
            causes=_causes(before, state, blocking),
            sequence=before.sequence + 1,
            at=now,
        )
        for apprenticeship_id, before, state, blocking in changes
    ]
    return RecomputeResult(computed=len(computed), events=events, ids=list(computed))


@dataclass(frozen=True)
class Previous:
    """A summary as the last committed recompute left it, read under its lock."""

    state: str
    blocking: list[str]
    sequence: int


def _causes(before: Previous, state: str, blocking: list[str]) -> list[str]:
    """What moved the apprenticeship: the gates that failed (into "not ready"), the gates that passed last (out of
    it), or the signatures or the referral (between the later states)."""
    if state == ReadinessState.NOT_READY:
        return [gate for gate in blocking if gate not in before.blocking] or blocking
    if before.state == ReadinessState.NOT_READY:
        return before.blocking
    return list(state_rule(state).causes) or ["signatures"]
