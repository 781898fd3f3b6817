"""Test set-up: the real services of the machine, started or checked once per session.

PostgreSQL and Redis must be running (pyproject's pytest env points at them); an S3-compatible server
(moto's ThreadedMotoServer) is started here on a free port and reached over HTTP; a real Celery worker
process is started on demand by the `celery_worker` fixture. A missing service stops the run with a
message that names it and says how to start it: nothing is skipped silently.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import psycopg
import pytest
import redis
from django.conf import settings

from portfolio.storage import get_store
from tests.smtp_sink import SmtpSink

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
# Under pytest-xdist (`make test` runs the suite in two processes) this process's name, gw0, gw1, ...; else "".
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": (
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
        "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
    ),
}


def _redis_database_of_this_process(url: str) -> str:
    """The Redis URL with the database number moved up by this xdist process's number (gw1: the configured
    database + 1). Each process has its own test database and Celery worker, so it needs its own queue, and
    its own coverage keys too: they are named by apprenticeship id, and both test databases use the same ids."""
    if not XDIST_WORKER or not url.startswith("redis"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.lstrip("/") or 0) + int(XDIST_WORKER.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


def _use_own_redis_database() -> None:
    # Settings are loaded before this file is imported (pytest-django sets Django up first), but nothing has
    # connected to Redis yet: point the settings, the Celery app and the processes the tests start at it.
    if not XDIST_WORKER:
        return
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        value = getattr(settings, name, None)
        if value:
            setattr(settings, name, _redis_database_of_this_process(value))
        if os.environ.get(name):
            os.environ[name] = _redis_database_of_this_process(os.environ[name])
    from workers.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.result_backend = settings.CELERY_RESULT_BACKEND


_use_own_redis_database()


def _fail_service(name: str, where: str, error: Exception) -> None:
    pytest.exit(
        f"{name} at {where} cannot be reached ({error.__class__.__name__}: {error}).\n"
        f"The tests need the real {name}. Start it, e.g.: {HOW_TO_START[name]}",
        returncode=3,
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(f"The tests run against PostgreSQL; DATABASE_URL points at {database['ENGINE']}.", returncode=3)
    where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
    try:
        psycopg.connect(
            host=database.get("HOST") or None,
            port=database.get("PORT") or None,
            user=database.get("USER") or None,
            password=database.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        _fail_service("PostgreSQL", where, exc)
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        pytest.exit(f"The tests run Celery through Redis; CELERY_BROKER_URL is {broker!r}.", returncode=3)
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        _fail_service("Redis", urlsplit(broker).netloc, exc)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {timeout}s")


@pytest.fixture(scope="session", autouse=True)
def s3_server() -> Iterator[str]:
    """moto's S3 server on a free port; the project's storage layer is pointed at it over HTTP."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _wait_for_port(port)
    endpoint = f"http://127.0.0.1:{port}"
    settings.S3_ENDPOINT_URL = endpoint
    os.environ["S3_ENDPOINT_URL"] = endpoint  # for worker processes started later
    get_store.cache_clear()
    s3_client(endpoint).create_bucket(
        Bucket=settings.S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": settings.S3_REGION}
    )
    # Browsers post evidence straight to the bucket from the app's origin: allow it, as a deployment must.
    s3_client(endpoint).put_bucket_cors(
        Bucket=settings.S3_BUCKET,
        CORSConfiguration={
            "CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "POST"], "AllowedHeaders": ["*"]}]
        },
    )
    yield endpoint
    server.stop()
    get_store.cache_clear()


def s3_client(endpoint: str) -> Any:
    """A plain boto3 client, independent of the project's storage module, to check what it stored."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=settings.S3_REGION,
        aws_access_key_id=settings.S3_ACCESS_KEY_ID,
        aws_secret_access_key=settings.S3_SECRET_ACCESS_KEY,
    )


@pytest.fixture
def plain_s3(s3_server: str) -> Any:
    return s3_client(s3_server)


def subprocess_env() -> dict[str, str]:
    """The environment for a process the tests start (a worker, a manage.py command): the test database.

    Valid once pytest-django has created the test database (it renames DATABASES' NAME then).
    """
    database = settings.DATABASES["default"]
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    test_db_url = (
        f"postgres://{credentials}@{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}"
        f"/{database['NAME']}"
    )
    return {**os.environ, "DATABASE_URL": test_db_url}


_running_worker: dict[str, str] = {}
WORKER_LOG = ARTIFACTS / (f"celery-worker-{XDIST_WORKER}.log" if XDIST_WORKER else "celery-worker.log")


def wait_for_worker_idle(timeout: float = 30.0) -> None:
    """Drop queued messages and wait until the worker has finished what it holds (running, or waiting for
    a countdown). Called after each test that commits, so no task of one test runs into the next test's
    database clean-up (a TRUNCATE racing a worker's transaction deadlocks)."""
    node = _running_worker.get("node")
    if node is None:
        return
    from workers.celery import app

    app.control.purge()
    inspect = app.control.inspect(destination=[node], timeout=2.0, limit=1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = [inspect.active() or {}, inspect.reserved() or {}, inspect.scheduled() or {}]
        # A task finishing meanwhile may have sent another (a coverage recompute its trailing one): idle only when
        # the worker holds nothing and nothing was queued since the last purge.
        if not any(tasks for replies in held for tasks in replies.values()) and not app.control.purge():
            return
        time.sleep(0.05)
    raise RuntimeError(f"the Celery worker was still busy after {timeout}s: see {WORKER_LOG}")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # Runs before the fixtures are finalised, so before pytest-django flushes the database.
    marker = item.get_closest_marker("django_db")
    commits = bool(marker and marker.kwargs.get("transaction"))
    if _running_worker and (commits or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))):
        wait_for_worker_idle()


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    """The mail server the worker sends to: a local SMTP sink that keeps every message (tests/smtp_sink.py).
    A test may stop it (its port then refuses connections) and must start it again."""
    sink = SmtpSink(_free_port())
    sink.start()
    yield sink
    sink.stop()


class CeleryWorker:
    """The test worker: a real `celery worker` process on Redis and the test database. `pid` is the running
    process's; `restart()` stops it the way a deploy does (SIGTERM: it finishes what it holds, then exits) and
    starts a fresh process on the same queue, so a test can show that work is done once across a restart."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log = WORKER_LOG.open("w")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def poll(self) -> int | None:
        return self.process.poll() if self.process is not None else None

    def start(self) -> None:
        node = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workers",
                "worker",
                "--pool=threads",
                "--concurrency=4",
                "--loglevel=INFO",
                "-n",
                node,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        from workers.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"the Celery worker did not start: see {WORKER_LOG}")
        _running_worker["node"] = node

    def stop(self) -> None:
        _running_worker.clear()
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, django_db_blocker: object, s3_server: str, smtp_sink: SmtpSink
) -> Iterator[CeleryWorker]:
    """A real Celery worker process on Redis, using the test database, sending mail over SMTP to `smtp_sink`.

    Tests that hand work to it must use `transactional_db` (or commit), since the worker sees only
    committed rows, like production.
    """
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()  # a previous run's leftover messages must not be consumed by this worker
    env = {
        **subprocess_env(),
        "DEBUG": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
        # Failed mail is retried within a test's time, so no retry is still waiting when the test ends.
        "MAIL_RETRY_BASE_SECONDS": "1",
        "MAIL_RETRY_MAX_SECONDS": "2",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    worker = CeleryWorker(env)
    worker.start()
    yield worker
    worker.stop()
    worker.log.close()


@pytest.fixture
def mail_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mail outbox's send task runs in this process at commit, into Django's test outbox (`mail.outbox`),
    instead of waiting for a worker. Set on the Celery app itself: a value another test once set on app.conf
    would hide the Django setting."""
    from workers.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The production hasher is slow by design; tests create many accounts and need none of that cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
