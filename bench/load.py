"""Read paths under load: gunicorn + PostgreSQL + Redis + a Celery worker, 10,000 synthetic apprentices.

    make bench-load                                   # seeds (about a minute), then every phase
    .venv/bin/python bench/load.py --reuse            # the database already seeded: measure again
    .venv/bin/python bench/load.py --reuse --phases coverage,floor --seconds 20

Uses its own database (BENCH_LOAD_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_load, recreated
unless --reuse) and Redis db 12 (BENCH_LOAD_BROKER_URL). Requests are sent as a tutor of the first provider (2,500
apprentices), its employers' line managers and a sample of its apprentices, over keep-alive connections, by an
asyncio generator in this process (bench/_http_load.py). Per phase:

- saturation: a closed loop (`--connections` clients, each sending as soon as answered): requests per second;
- offered rate: an open loop at a fixed rate, latency from each request's due time: p50, p95, p99 per kind;
- CPU per request: the gunicorn workers', the PostgreSQL backends' (of this database) and this generator's own,
  from /proc, so a shared machine's noise shows less than in wall time.

Phases: `coverage` (GET /api/apprenticeships/{id}/coverage/), `floor` (a bare endpoint sending the same stored
JSON: bench/load_floor.py), `cohort` (GET /api/cohort/ and the cohort page), `pages` (each page of the busy-hour
mix alone, at a low rate), `mix` (a provider's busy hour at `--rate`, with commit -> readiness event measured
meanwhile). Results: one JSON line per measurement, then tables; docs/benchmarks.md says what they showed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault(
    "BENCH_DATABASE_URL", os.environ.get("BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load")
)
os.environ.setdefault("BENCH_BROKER_URL", os.environ.get("BENCH_LOAD_BROKER_URL", "redis://127.0.0.1:6379/12"))
# The server's key, here too: the sessions made here are signed with it, and a page signed in with another is
# answered as for someone signed out (a redirect to the sign-in page).
os.environ["SECRET_KEY"] = "bench-only-secret-key-bench-only-secret-key"  # noqa: S105 - a local benchmark's
from _http_load import Request, Results, closed_loop, open_loop, weighted
from _load_world import ReadinessProbe, World, build, prefill_answers, seed
from _setup import BENCH_BROKER, BENCH_DB, REPO, configure, load_average, machine

TICKS = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


class Meter:
    """CPU seconds of the server's processes: gunicorn's workers, the database's backends, the Celery worker."""

    def __init__(self, gunicorn: int, worker: int) -> None:
        self.gunicorn, self.worker = gunicorn, worker

    def _backends(self) -> list[int]:
        import psycopg

        name = BENCH_DB.rsplit("/", 1)[1]
        with psycopg.connect(BENCH_DB.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name <> 'bench-probe'", (name,)
            ).fetchall()
        return [row[0] for row in rows]

    def sample(self) -> dict[str, dict[int, float]]:
        """CPU seconds so far per process, by part (the generator: this process)."""
        celery = [self.worker, *_children(self.worker)]
        return {
            "gunicorn": {pid: _cpu(pid) for pid in _children(self.gunicorn)},
            "postgres": {pid: _cpu(pid) for pid in self._backends()},
            "worker": {pid: _cpu(pid) for pid in celery},
            "generator": {0: time.process_time()},
        }

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        """CPU seconds between two samples, per process: one started meanwhile counts whole; one that ended
        meanwhile (a connection closed, a worker replaced) is lost, so the figure is a lower bound then."""
        return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())


def _measure(meter: Meter, name: str, run: Callable[[], Results], extra: dict[str, Any] | None = None) -> Results:
    load_before = load_average()
    before = meter.sample()
    results = run()
    after = meter.sample()
    done = max(results.completed, 1)
    cpu = {key: round(meter.spent(before[key], after[key]) * 1000 / done, 2) for key in before}
    line = {
        "phase": name,
        "seconds": round(results.seconds, 1),
        "completed": results.completed,
        "throughput_req_s": round(results.completed / results.seconds, 1),
        "cpu_ms_per_request": cpu,
        "load_average_before_after": [load_before, load_average()],
        "late_starts": results.late_starts,
        "not_sent": results.not_sent,
        "kinds": results.table(),
        "errors": {kind: errors[:3] for kind, errors in results.errors.items()},
        **(extra or {}),
    }
    print(json.dumps(line), flush=True)
    MEASURED.append(line)
    return results


MEASURED: list[dict[str, Any]] = []


def _tables(probe: dict[str, Any] | None) -> None:
    """The measurements as Markdown, for docs/benchmarks.md."""
    print("\n| phase | load before → after | req/s | CPU ms per request: gunicorn + PostgreSQL (worker) |")
    print("|---|---|---|---|")
    for line in MEASURED:
        (before, after), cpu = line["load_average_before_after"], line["cpu_ms_per_request"]
        print(f"| {line['phase']} | {before[0]} → {after[0]} | {line['throughput_req_s']} | "
              f"{cpu['gunicorn']} + {cpu['postgres']} ({cpu['worker']}) |")  # fmt: skip
    print("\n| phase | request | n | req/s | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|---|")
    for line in MEASURED:
        for kind, row in line["kinds"].items():
            print(f"| {line['phase']} | {kind} | {row['n']} | {row['req_s']} | {row['p50_ms']} | {row['p95_ms']} | "
                  f"{row['p99_ms']} | {row['errors']} |")  # fmt: skip
    if probe:
        print(f"\ncommit → readiness event during the mix: {probe}")


class Requests:
    """The request kinds of the mix, as the people of `world` send them."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.to_accept = list(world.to_accept)
        self.to_confirm = {pk: list(items) for pk, items in world.to_confirm.items()}

    @staticmethod
    def _token(person: Any) -> tuple[tuple[str, str], ...]:
        return (("Authorization", f"Token {person.token}"), ("Accept", "application/json"))

    @staticmethod
    def _session(person: Any) -> tuple[tuple[str, str], ...]:
        return (("Cookie", f"sessionid={person.session}"),)

    def coverage(self) -> Request:
        public_id = self.rng.choice(self.world.apprenticeships)
        return Request("coverage (staff)", "GET", f"/api/apprenticeships/{public_id}/coverage/",
                       self._token(self.world.tutor))  # fmt: skip

    def floor(self) -> Request:
        public_id = self.rng.choice(self.world.apprenticeships)
        return Request("floor", "GET", f"/bench/floor/{public_id}/", self._token(self.world.tutor))

    def own_coverage(self) -> Request:
        me = self.rng.choice(self.world.apprentices)
        return Request("coverage (apprentice)", "GET", f"/api/apprenticeships/{me.apprenticeship}/coverage/",
                       self._token(me))  # fmt: skip

    def cohort_api(self) -> Request:
        return Request("cohort API", "GET", "/api/cohort/", self._token(self.world.tutor))

    def _staff_page(self, kind: str, path: str) -> Callable[[], Request]:
        return lambda: Request(kind, "GET", path, self._session(self.world.tutor))

    def _apprentice_page(self, kind: str, path: str) -> Callable[[], Request]:
        def make() -> Request:
            me = self.rng.choice(self.world.apprentices)
            return Request(kind, "GET", path.format(me=me.apprenticeship), self._session(me))

        return make

    def _employer_page(self, kind: str, path: str) -> Callable[[], Request]:
        return lambda: Request(kind, "GET", path, self._session(self.rng.choice(self.world.employers)))

    def accept(self) -> Request:
        if not self.to_accept:
            return self.coverage()
        public_id, version, codes = self.to_accept.pop()
        body = json.dumps({"expected_version": version, "tags": [{"statement": c, "accepted": True} for c in codes]})
        headers = (*self._token(self.world.tutor), ("Content-Type", "application/json"))
        return Request("accept (write)", "POST", f"/api/evidence/{public_id}/accept/", headers, body.encode())

    def confirm(self) -> Request:
        manager = self.rng.choice([m for m in self.world.employers if self.to_confirm[m.pk]] or self.world.employers)
        if not self.to_confirm[manager.pk]:
            return self.coverage()
        public_id, version = self.to_confirm[manager.pk].pop()
        body = json.dumps({"expected_version": version}).encode()
        headers = (*self._token(manager), ("Content-Type", "application/json"))
        return Request("confirm (write)", "POST", f"/api/evidence/{public_id}/confirm/", headers, body)

    def pages(self) -> list[tuple[float, str, Callable[[], Request]]]:
        """The busy hour's mix (weight per 100 requests, kind, maker): apprentices reading their progress and
        evidence, staff their cohort and queues, assessors accepting, employers confirming."""
        return [
            (18, "progress page", self._apprentice_page("progress page", "/progress/{me}/")),
            (12, "coverage (apprentice)", self.own_coverage),
            (10, "evidence page", self._apprentice_page("evidence page", "/apprenticeships/{me}/evidence/")),
            (10, "start page (apprentice)", self._apprentice_page("start page (apprentice)", "/")),
            (6, "start page (staff)", self._staff_page("start page (staff)", "/")),
            (8, "cohort page", self._staff_page("cohort page", "/cohort/")),
            (5, "cohort API", self.cohort_api),
            (5, "coverage (staff)", self.coverage),
            (5, "acceptance queue", self._staff_page("acceptance queue", "/reviews/acceptance/")),
            (2, "heat map", self._staff_page("heat map", "/cohort/heatmap/")),
            (0.5, "cohort CSV", self._staff_page("cohort CSV", "/cohort/?format=csv")),
            (5, "start page (employer)", self._employer_page("start page (employer)", "/")),
            (4, "confirmation queue", self._employer_page("confirmation queue", "/reviews/confirmation/")),
            (4, "accept (write)", self.accept),
            (5, "confirm (write)", self.confirm),
        ]

    def mix(self, rng: random.Random) -> Callable[[], Request]:
        return weighted([(weight, make) for weight, _, make in self.pages()], rng)

    def reads(self) -> dict[str, Callable[[], Request]]:
        return {kind: make for _, kind, make in self.pages() if "(write)" not in kind}


def _serve(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO}:{REPO / 'bench'}",
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "DATABASE_URL": BENCH_DB,
        "DATABASE_CONN_MAX_AGE": "600",
        "CELERY_BROKER_URL": BENCH_BROKER,
        "DEBUG": "0",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ALLOWED_HOSTS": HOST,
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    (REPO / "var").mkdir(exist_ok=True)
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portfolio.wsgi", "--worker-class", "gthread", "--workers",
         str(args.workers), "--threads", str(args.threads), "--bind", f"{HOST}:{args.port}", "--keep-alive", "30",
         "--backlog", "2048", "--timeout", "120"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=(REPO / "var" / "bench-load-gunicorn.log").open("w"),
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workers", "worker", "--pool=threads", "--concurrency=4",
         "--loglevel=WARNING", "-n", f"bench-load-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=(REPO / "var" / "bench-load-worker.log").open("w"),
    )  # fmt: skip
    return gunicorn, worker


def _wait_until_up(args: argparse.Namespace, world: World) -> None:
    import requests

    deadline = time.monotonic() + 120
    while True:
        try:
            answer = requests.get(f"http://{HOST}:{args.port}/api/cohort/", timeout=30,
                                  headers={"Authorization": f"Token {world.tutor.token}"})  # fmt: skip
            answer.raise_for_status()
            return
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _check_each_kind(args: argparse.Namespace, kinds: dict[str, Callable[[], Request]]) -> None:
    """One request of each kind, which must be answered as expected (a session the server does not accept would
    measure its redirect to the sign-in page instead of the page)."""
    import requests

    for kind, make in kinds.items():
        request = make()
        answer = requests.request(request.method, f"http://{HOST}:{args.port}{request.path}", data=request.body,
                                  headers=dict(request.headers), allow_redirects=False, timeout=120)  # fmt: skip
        if answer.status_code not in request.expect:
            raise SystemExit(f"{kind}: {request.method} {request.path} answered {answer.status_code}, not 200")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apprentices", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="measure the database already seeded")
    parser.add_argument("--phases", default="coverage,floor,cohort,pages,mix")
    parser.add_argument("--seconds", type=float, default=30, help="per measurement")
    parser.add_argument("--mix-seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=100, help="the mix's offered requests per second")
    parser.add_argument("--connections", type=int, default=16, help="closed-loop clients at saturation")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--sample", type=int, default=400, help="apprentices sending requests")
    args = parser.parse_args()
    rng = random.Random(1)
    configure(broker=BENCH_BROKER)
    print(json.dumps({"machine": machine(), "args": vars(args)}), flush=True)

    from portfolio.people.models import Apprenticeship

    facts: dict[str, Any] = {}
    try:
        seeded = Apprenticeship.objects.count()
    except Exception:  # the database does not exist yet
        seeded = 0
    if not (args.reuse and seeded >= args.apprentices):
        facts |= seed(args.apprentices)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    world = build(sample=args.sample, rng=rng)
    facts |= world.facts | prefill_answers(world)
    probe = ReadinessProbe() if "mix" in args.phases else None
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the kept answers and the probe's rows, as autovacuum would
    print(json.dumps({"prepared": facts}), flush=True)
    connection.close()

    import redis

    redis.Redis.from_url(BENCH_BROKER).flushdb()
    gunicorn, worker = _serve(args)
    try:
        _wait_until_up(args, world)
        meter = Meter(gunicorn.pid, worker.pid)
        requests_ = Requests(world, rng)
        go = {"host": HOST, "port": args.port}

        def saturate(make: Callable[[], Request], seconds: float | None = None) -> Callable[[], Results]:
            return lambda: asyncio.run(closed_loop(make, connections=args.connections, seconds=seconds or args.seconds,
                                                   **go))  # fmt: skip

        def offer(make: Callable[[], Request], rate: float, seconds: float | None = None) -> Callable[[], Results]:
            return lambda: asyncio.run(open_loop(make, rate=rate, seconds=seconds or args.seconds, **go))

        mix = requests_.reads()
        _check_each_kind(args, mix)
        # Warm every process and path: the first request of each kind loads templates and plans queries.
        asyncio.run(closed_loop(requests_.mix(rng), connections=8, seconds=5, **go))
        phases = args.phases.split(",")
        probed = None
        if "coverage" in phases:
            _measure(meter, "coverage saturation", saturate(requests_.coverage))
            _measure(meter, "coverage at 100 req/s", offer(requests_.coverage, 100))
        if "floor" in phases:
            _measure(meter, "floor saturation", saturate(requests_.floor))
            _measure(meter, "floor at 100 req/s", offer(requests_.floor, 100))
        if "cohort" in phases:
            _measure(meter, "cohort API saturation", saturate(requests_.cohort_api))
            _measure(meter, "cohort API at 50 req/s", offer(requests_.cohort_api, 50))
            _measure(meter, "cohort page saturation", saturate(mix["cohort page"]))
            _measure(meter, "cohort page at 50 req/s", offer(mix["cohort page"], 50))
        if "pages" in phases:
            for kind, make in mix.items():
                _measure(meter, f"{kind} at 10 req/s", offer(make, 10, seconds=min(args.seconds, 10)))
        if "mix" in phases and probe is not None:
            probe.start(every=0.5)
            _measure(meter, f"busy-hour mix at {args.rate:g} req/s", offer(requests_.mix(rng), args.rate,
                     seconds=args.mix_seconds), extra={"readiness_probe": "below"})  # fmt: skip
            probed = probe.stop()
            print(json.dumps({"phase": "commit -> readiness event during the mix", **probed}), flush=True)
        _tables(probed)
    finally:
        for process in (gunicorn, worker):
            process.terminate()
        for process in (gunicorn, worker):
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
