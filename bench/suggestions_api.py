"""Benchmark: GET /api/evidence/{id}/suggestions/ through gunicorn, with the model loaded once per worker process.

    DEBUG=1 .venv/bin/python manage.py import_standards && DEBUG=1 .venv/bin/python manage.py load_demo
    .venv/bin/python bench/suggestions_api.py [--requests 200] [--port 8766]

Uses the database in DATABASE_URL (the demo's: about 50 evidence items with verified PDFs). Starts gunicorn
with one sync worker, signs in as the demo tutor (who sees every item), and measures, from the client:
- "stored": the suggestions were made before (by the refresh task, as after any change): the digest of the
  item's inputs is compared and the stored rows answered;
- "made on read": before each request the item's stored run is deleted (as when the refresh task was lost or
  has not run yet), so the request embeds the item's text and ranks its route, then stores the result.
Also the worker's RSS before and after the model is loaded, and its CPU time per request (from /proc; the
machine may be shared, so wall-clock latencies are noisy and CPU time is not). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
os.environ.setdefault("DEBUG", "1")
TICKS = os.sysconf("SC_CLK_TCK")


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    import django

    django.setup()
    from portfolio.evidence.models import Evidence
    from portfolio.suggestions.models import SuggestionRun

    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "CELERY_BROKER_URL": "",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portfolio.wsgi", "-w", "1", "-b", f"127.0.0.1:{args.port}", "-t", "120"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(REPO_ROOT / "var" / "bench-gunicorn.log").open("w"),
    )
    try:
        worker = _worker_pid(server.pid)
        session = requests.Session()
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = session.post(
                    f"{base}/api/auth/token/",
                    json={"email": "tutor@demo.example.org", "password": "demo-portfolio-2025"},
                    timeout=120,
                )
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        answer.raise_for_status()
        session.headers["Authorization"] = f"Token {answer.json()['token']}"
        items = [str(public_id) for public_id in Evidence.objects.values_list("public_id", flat=True)[:40]]
        if not items:
            raise SystemExit("No evidence in this database: run load_demo first (see the docstring).")
        for item in items:  # Django, the database connection: warm, without the model
            session.get(f"{base}/api/evidence/{item}/", timeout=120).raise_for_status()
        rss_without_model = _rss_mb(worker)
        # Made on this read, so the first request loads the model whether or not suggestions were stored.
        SuggestionRun.objects.filter(evidence__public_id=items[0]).delete()
        started = time.perf_counter()
        session.get(f"{base}/api/evidence/{items[0]}/suggestions/", timeout=120).raise_for_status()
        first_request = time.perf_counter() - started
        for item in items:
            session.get(f"{base}/api/evidence/{item}/suggestions/", timeout=120).raise_for_status()
        rss_with_model = _rss_mb(worker)

        uptime_before = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
        results = {}
        for phase in ("stored", "made on read"):
            latencies = []
            cpu_before = _cpu_seconds(worker)
            for n in range(args.requests):
                item = items[n % len(items)]
                if phase == "made on read":
                    SuggestionRun.objects.filter(evidence__public_id=item).delete()
                started = time.perf_counter()
                response = session.get(f"{base}/api/evidence/{item}/suggestions/", timeout=30)
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                assert response.json()["suggestions"], response.text
            cpu_ms = (_cpu_seconds(worker) - cpu_before) * 1000 / args.requests
            results[phase] = (latencies, cpu_ms)
        uptime_after = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
        rss_after = _rss_mb(worker)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"uptime before: {uptime_before}\nuptime after:  {uptime_after}")
    print(f"items: {len(items)}, requests per phase: {args.requests}")
    print(f"first suggestions request (loads the model): {first_request * 1000:.0f} ms")
    print(
        f"worker RSS: {rss_without_model:.0f} MB before the model, {rss_with_model:.0f} MB with it loaded, "
        f"{rss_after:.0f} MB after the runs"
    )
    print("\n| path | p50 ms | p95 ms | max ms | worker CPU ms per request |\n|---|---|---|---|---|")
    for phase, (latencies, cpu_ms) in results.items():
        print(
            f"| {phase} | {statistics.median(latencies):.1f} | {_percentile(latencies, 95):.1f} | "
            f"{max(latencies):.1f} | {cpu_ms:.1f} |"
        )


if __name__ == "__main__":
    main()
