"""Full recompute on PostgreSQL: N apprentices (~40 evidence items and ~100 OTJ activities each), against the bare
SQL aggregate that reads the same tag rows, measured in the same run: wall time, and CPU time (the PostgreSQL
backend's, read from /proc, plus this process's), which a machine shared with other work distorts far less.

    .venv/bin/python bench/coverage_full.py --sizes 1000,10000 [--repeat 7] [--reuse]

Recreates the benchmark database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench) per size;
with --reuse, a database already seeded with that many apprentices is migrated and measured as it is.
"""

from __future__ import annotations

import argparse
import json
import time

from _setup import backend_cpu, configure, load_average, machine, median, recreate_database

BARE = """
SELECT e.apprenticeship_id, g.statement_id, COUNT(*)
FROM evidence_evidence e JOIN evidence_evidencetag g ON g.evidence_id = e.id
WHERE g.state = 'accepted' AND e.state NOT IN ('withdrawn', 'draft', 'returned')
GROUP BY e.apprenticeship_id, g.statement_id
"""
BARE_WITH_FILES = """
SELECT e.apprenticeship_id, g.statement_id, COUNT(*)
FROM evidence_evidence e JOIN evidence_evidencetag g ON g.evidence_id = e.id
WHERE g.state = 'accepted' AND e.state NOT IN ('withdrawn', 'draft', 'returned')
  AND NOT EXISTS (SELECT 1 FROM evidence_evidencefile f WHERE f.evidence_id = e.id AND f.state <> 'verified')
GROUP BY e.apprenticeship_id, g.statement_id
"""


def _seeded_size(model: type) -> int:
    """Apprenticeships already in the benchmark database; 0 when it does not exist or is not migrated yet."""
    from django.db import DatabaseError

    try:
        return int(model._default_manager.count())  # type: ignore[attr-defined]
    except DatabaseError:
        return 0


def run(size: int, repeat: int, reuse: bool = False) -> dict[str, object]:
    from django.core.management import call_command
    from django.db import connection, connections

    from portfolio.people.models import Apprenticeship

    seed_seconds = 0.0
    if reuse and _seeded_size(Apprenticeship) == size:
        call_command("migrate", verbosity=0)
    else:
        connections.close_all()
        recreate_database()
        call_command("migrate", verbosity=0)
        call_command("import_standards", verbosity=0)
        started = time.monotonic()
        call_command("seed_synthetic", apprentices=size, no_compute=True, verbosity=0)
        seed_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM evidence_evidence), (SELECT COUNT(*) FROM evidence_evidencetag), "
            "(SELECT COUNT(*) FROM otj_otjactivity)"
        )
        evidence, tags, otj = cursor.fetchone()

    from portfolio.coverage.models import CoverageSummary
    from portfolio.coverage.services.compute import coverage_recompute_all

    cpu_samples: list[float] = []

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        cpu = backend_cpu(connection) + time.process_time()
        t = time.perf_counter()
        fn()
        wall = time.perf_counter() - t
        cpu_samples.append(backend_cpu(connection) + time.process_time() - cpu)
        return wall

    def bare(sql: str) -> None:
        from django.conf import settings
        from django.db import transaction

        with transaction.atomic(), connection.cursor() as cursor:
            # The same work_mem the engine's transaction gets, so the comparison is like for like.
            cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.COVERAGE_WORK_MEM])
            cursor.execute(sql)
            cursor.fetchall()

    # The first compute writes every row and the readiness events for the ready; on reused data it was done before.
    cold = timed(coverage_recompute_all) if seed_seconds else None
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    coverage_recompute_all()  # one unmeasured pass of each, so every round finds the same caches
    bare(BARE)
    # Rounds of the three, interleaved: the machine's speed drifts over minutes (shared cores), and a ratio
    # within one round is not skewed by that drift.
    bare_times, bare_files_times, warm_times = [], [], []
    bare_cpu, bare_files_cpu, warm_cpu = [], [], []
    load_before = load_average()
    for _ in range(repeat):
        bare_times.append(timed(lambda: bare(BARE)))
        bare_cpu.append(cpu_samples[-1])
        bare_files_times.append(timed(lambda: bare(BARE_WITH_FILES)))
        bare_files_cpu.append(cpu_samples[-1])
        warm_times.append(timed(coverage_recompute_all))  # nothing changed since: the steady state
        warm_cpu.append(cpu_samples[-1])
    ratios = sorted(w / b for w, b in zip(warm_times, bare_times, strict=True))
    cpu_ratios = sorted(w / b for w, b in zip(warm_cpu, bare_files_cpu, strict=True))
    ready = CoverageSummary.objects.filter(ready=True).count()
    result = {
        "apprentices": size,
        "evidence": evidence,
        "tags": tags,
        "seed_s": round(seed_seconds, 1),
        "bare_aggregate_s": round(median(bare_times), 3),
        "bare_aggregate_with_file_check_s": round(median(bare_files_times), 3),
        "full_recompute_first_s": round(cold, 3) if cold is not None else None,
        "full_recompute_s": round(median(warm_times), 3),
        "ratio_to_bare": round(median(warm_times) / median(bare_times), 2),
        "ratio_per_round_median": round(median(ratios), 2),
        "ratio_per_round_range": [round(ratios[0], 2), round(ratios[-1], 2)],
        "ratio_to_bare_with_files": round(median(warm_times) / median(bare_files_times), 2),
        "cpu_bare_aggregate_s": round(median(bare_cpu), 3),
        "cpu_bare_aggregate_with_file_check_s": round(median(bare_files_cpu), 3),
        "cpu_full_recompute_s": round(median(warm_cpu), 3),
        "cpu_ratio_to_bare_with_files": round(median(warm_cpu) / median(bare_files_cpu), 2),
        "cpu_ratio_per_round_range": [round(cpu_ratios[0], 2), round(cpu_ratios[-1], 2)],
        "otj_activities": otj,
        "ready": ready,
        "load_average_before_after": [load_before, load_average()],
    }
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=7, help="rounds of bare aggregate, with file check, recompute")
    parser.add_argument("--reuse", action="store_true", help="measure the data already there if it has that size")
    args = parser.parse_args()
    configure()
    print(json.dumps({"machine": machine()}), flush=True)
    for size in [int(s) for s in args.sizes.split(",")]:
        run(size, args.repeat, reuse=args.reuse)


if __name__ == "__main__":
    main()
