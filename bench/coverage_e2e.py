"""End to end through Redis and a real Celery worker, on PostgreSQL.

1. Latency: from the commit of a tag acceptance (or decline) to the stored coverage and its readiness event,
   over 500 changes (50 apprentices, each one statement from ready, toggled in turn): p50, p95, max.
2. Coalescing: 1,000 tag changes to one apprentice, each its own committed transaction: how many recompute tasks
   were enqueued and how many recomputes ran. Twice: through the ORM as fast as it goes (several seconds here),
   and as lean transactions (the tag and the dirty mark, then the service's coverage_enqueue) paced evenly over
   one second.

    .venv/bin/python bench/coverage_e2e.py [--changes 500] [--burst 1000]

Uses its own database (BENCH_E2E_DATABASE_URL, default .../bench_e2e) and Redis db 11.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

os.environ.setdefault(
    "BENCH_DATABASE_URL", os.environ.get("BENCH_E2E_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_e2e")
)
from _setup import BENCH_BROKER, BENCH_DB, REPO, configure, machine, median, pct, recreate_database


def _run_in_threads(target: Callable[[int], None], count: int) -> None:
    """`target(0)` to `target(count - 1)`, each in its own thread, all at once; returns when all are done."""
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _settled(apprenticeship: object) -> int:
    """The apprenticeship's recompute count once nothing is owed: no dirty mark, and trailing tasks done."""
    from portfolio.coverage.models import CoverageDirty, CoverageSummary

    while CoverageDirty.objects.filter(apprenticeship=apprenticeship).exists():
        time.sleep(0.05)
    time.sleep(3)  # a trailing task that finds nothing to do still finishes; the longest wait is 2 s
    return CoverageSummary.objects.get(apprenticeship=apprenticeship).recompute_count


def _fresh(apprenticeship: object) -> bool:
    """What the worker stored after the burst equals a recompute from scratch now (no change was left out)."""
    from portfolio.coverage.models import AOCoverage, CoverageSummary
    from portfolio.coverage.services.compute import coverage_recompute

    def stored() -> tuple[object, ...]:
        summary = CoverageSummary.objects.filter(apprenticeship=apprenticeship)
        aos = AOCoverage.objects.filter(apprenticeship=apprenticeship).order_by("outcome_id")
        return (
            list(summary.values_list("covered", "mapped", "missing", "ready")),
            list(aos.values_list("outcome_id", "covered", "missing")),
        )

    before = stored()
    coverage_recompute(apprenticeship_ids=[apprenticeship.pk])  # type: ignore[attr-defined]
    return stored() == before


def _item(apprenticeship: object, tags: dict[object, str]) -> object:
    """An accepted item with these tags (statement -> tag state) and no files, its rows written directly and the
    apprenticeship marked dirty: the benchmark times the recompute a change triggers, not the services that make
    the rows (some of which, such as a tag to another option's statement, no service would write)."""
    import datetime

    from portfolio.coverage.services.dirty import coverage_mark_dirty
    from portfolio.evidence.models import Evidence, EvidenceTag

    evidence = Evidence.objects.create(
        apprenticeship=apprenticeship, author=apprenticeship.apprentice, author_role=Evidence.AuthorRole.APPRENTICE,
        kind=Evidence.Kind.REFLECTIVE_ACCOUNT, title="Bench item", occurred_on=datetime.date(2025, 10, 1),
        state=Evidence.State.ACCEPTED, ever_submitted=True,
    )  # fmt: skip
    for statement, state in tags.items():
        EvidenceTag.objects.create(evidence=evidence, statement=statement, state=state)
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="bench evidence")
    return evidence


def _set_tag(*, evidence: object, statement: object, state: str) -> None:
    """A tag's state as an acceptance or a return leaves it, with the dirty mark they write."""
    from portfolio.coverage.services.dirty import coverage_mark_dirty
    from portfolio.evidence.models import EvidenceTag

    EvidenceTag.objects.update_or_create(evidence=evidence, statement=statement, defaults={"state": state})
    coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="tag decided")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8, help="connections committing the burst's changes")
    parser.add_argument("--burst-seconds", type=float, default=1.0, help="the paced burst spreads its changes so")
    parser.add_argument("--apprentices", type=int, default=50)
    args = parser.parse_args()
    recreate_database()
    configure(broker=BENCH_BROKER)
    import psycopg
    import redis
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(BENCH_BROKER).flushdb()

    from portfolio.coverage.models import CoverageSummary
    from portfolio.coverage.services.compute import coverage_recompute_all
    from portfolio.evidence.models import EvidenceTag
    from tests.factories import make_catalogue, make_world
    from workers.tasks.coverage import recompute_apprenticeship

    catalogue = make_catalogue(behaviours=())
    s = catalogue.statements
    accepted = EvidenceTag.State.ACCEPTED
    people = []
    for _ in range(args.apprentices):
        world = make_world(standard=catalogue.standard)
        a = world.apprenticeship
        _item(a, {s[c]: accepted for c in ("K1", "K2", "K3", "S1", "S2")})
        toggled = _item(a, {s["S3"]: EvidenceTag.State.PENDING})
        people.append({"a": a, "evidence": toggled, "sequence": 0, "accepted": False})
    burst_world = make_world(standard=catalogue.standard)
    burst_items = [_item(burst_world.apprenticeship, {s[c]: accepted for c in s}) for _ in range(20)]
    coverage_recompute_all()

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    (REPO / "var").mkdir(exist_ok=True)
    log = (REPO / "var" / "bench-coverage-worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workers",
            "worker",
            "--pool=threads",
            "--concurrency=4",
            "--loglevel=WARNING",
            "-n",
            f"bench-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        from workers.celery import app

        while not app.control.ping(timeout=0.5):
            time.sleep(0.2)
        poll = psycopg.connect(BENCH_DB, autocommit=True)
        latencies = []
        for i in range(args.changes):
            person = people[i % len(people)]
            person["accepted"] = not person["accepted"]
            person["sequence"] += 1
            committed: list[float] = []
            with transaction.atomic():
                transaction.on_commit(lambda committed=committed: committed.append(time.perf_counter()))
                state = EvidenceTag.State.ACCEPTED if person["accepted"] else EvidenceTag.State.DECLINED
                _set_tag(evidence=person["evidence"], statement=s["S3"], state=state)
            while True:
                row = poll.execute(
                    "SELECT 1 FROM coverage_readinessevent e JOIN coverage_coveragesummary c "
                    "ON c.apprenticeship_id = e.apprenticeship_id AND c.event_sequence = e.sequence "
                    "WHERE e.apprenticeship_id = %s AND e.sequence = %s",
                    (person["a"].pk, person["sequence"]),
                ).fetchone()
                if row:
                    latencies.append((time.perf_counter() - committed[0]) * 1000)
                    break
                time.sleep(0.001)
        ms = [round(x, 1) for x in latencies]
        print(json.dumps({"machine": machine()}), flush=True)
        print(
            json.dumps(
                {"e2e_changes": len(ms), "p50_ms": round(median(ms), 1), "p95_ms": pct(ms, 95), "max_ms": max(ms)}
            ),
            flush=True,
        )

        # Coalescing: count what was enqueued here and what the worker computed.
        enqueued: list[float | None] = []
        original = recompute_apprenticeship.apply_async

        def counting(*a: object, **k: object) -> object:
            enqueued.append(k.get("countdown"))  # type: ignore[arg-type]
            return original(*a, **k)

        recompute_apprenticeship.apply_async = counting  # type: ignore[method-assign]
        apprenticeship = burst_world.apprenticeship
        before = CoverageSummary.objects.get(apprenticeship=apprenticeship).recompute_count
        codes = [c for c in s if c != "S4"]
        # Several connections commit the changes at once, to make the burst as dense as the machine allows.

        from django.db import connection

        def changes(offset: int) -> None:
            try:
                for i in range(offset, args.burst, args.threads):
                    item = burst_items[i % len(burst_items)]
                    flip = (i // len(burst_items)) % 2 == 0
                    state = EvidenceTag.State.DECLINED if flip else EvidenceTag.State.ACCEPTED
                    with transaction.atomic():
                        _set_tag(evidence=item, statement=s[codes[i % len(codes)]], state=state)
            finally:
                connection.close()

        started = time.perf_counter()
        _run_in_threads(changes, args.threads)
        burst_seconds = time.perf_counter() - started
        after = _settled(apprenticeship)
        print(
            json.dumps(
                {
                    "burst": "ORM, as fast as it goes",
                    "burst_changes": args.burst,
                    "burst_seconds": round(burst_seconds, 2),
                    "tasks_enqueued": len(enqueued),
                    "trailing": sum(1 for c in enqueued if c),
                    "recomputes_ran": after - before,
                    "final_coverage_fresh": _fresh(apprenticeship),
                }
            ),
            flush=True,
        )

        # The same 1,000 changes in one second: each its own transaction that changes a tag and marks the
        # apprenticeship dirty (what the review service writes), committed, then enqueued by the service's own
        # coverage_enqueue. Lean SQL, several connections, paced evenly over the second.
        time.sleep(3)  # two quiet windows and more: the next changes start a new burst
        enqueued.clear()
        before = _settled(apprenticeship)
        tags = list(EvidenceTag.objects.filter(evidence__in=burst_items).order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter() + 0.2
        late: list[float] = []

        def paced(offset: int) -> None:
            from portfolio.coverage.services.enqueue import coverage_enqueue

            with psycopg.connect(BENCH_DB) as conn:
                for i in range(offset, args.burst, args.threads):
                    due = started + i * args.burst_seconds / args.burst
                    wait = due - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                    else:
                        late.append(-wait)
                    state = "declined" if (i // len(tags)) % 2 == 0 else "accepted"
                    with conn.transaction():
                        conn.execute(
                            "UPDATE evidence_evidencetag SET state = %s WHERE id = %s", (state, tags[i % len(tags)])
                        )
                        conn.execute(
                            "INSERT INTO coverage_coveragedirty (apprenticeship_id, generation, marked_at, reason) "
                            "VALUES (%s, 1, now(), 'tag decided') ON CONFLICT (apprenticeship_id) DO UPDATE SET "
                            "generation = coverage_coveragedirty.generation + 1, marked_at = excluded.marked_at",
                            (apprenticeship.pk,),
                        )
                    coverage_enqueue(apprenticeship_ids=[apprenticeship.pk])

        _run_in_threads(paced, args.threads)
        paced_seconds = time.perf_counter() - started
        after = _settled(apprenticeship)
        print(
            json.dumps(
                {
                    "burst": f"paced over {args.burst_seconds} s",
                    "burst_changes": args.burst,
                    "burst_seconds": round(paced_seconds, 2),
                    "changes_late_by_over_50ms": sum(1 for x in late if x > 0.05),
                    "tasks_enqueued": len(enqueued),
                    "trailing": sum(1 for c in enqueued if c),
                    "recomputes_ran": after - before,
                    "final_coverage_fresh": _fresh(apprenticeship),
                }
            ),
            flush=True,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    main()
