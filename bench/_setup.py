"""Shared set-up for the coverage benchmarks: a separate database, Django configured for it, machine facts."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
BENCH_BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11")


def recreate_database() -> None:
    """Drop and create the benchmark database (never the app's or the tests')."""
    import psycopg

    base, name = BENCH_DB.rsplit("/", 1)
    assert name not in {"postgres", "test", "portfolio"}, f"refusing to recreate database {name!r}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def configure(*, broker: str | None = None) -> None:
    os.environ["DATABASE_URL"] = BENCH_DB
    os.environ["DEBUG"] = "1"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    if broker:
        os.environ["CELERY_BROKER_URL"] = broker
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    import django

    django.setup()


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    pg = subprocess.run(
        ["psql", BENCH_DB.rsplit("/", 1)[0] + "/postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": pg,
    }


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (`uptime`): how much else was running."""
    return [round(value, 2) for value in os.getloadavg()]


def backend_cpu(connection: Any) -> float:
    """CPU seconds the PostgreSQL backend serving `connection` has used (user + system, from /proc): unlike wall
    time, barely touched by other work on the machine. The server must run on this machine."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
