"""The dispatch point: services name a task; a real worker runs it, or it runs in process without a broker."""

from __future__ import annotations

import ast
import pathlib
import time
import uuid

import pytest
import redis
from celery import current_app
from celery.exceptions import NotRegistered
from django.conf import settings
from django.db import transaction

from portfolio.core.dispatch import task_send, task_send_on_commit, task_send_or_log
from portfolio.mail.models import OutgoingMail
from tests.conftest import WORKER_LOG

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_no_module_of_the_domain_imports_the_task_layer() -> None:
    offenders = []
    for path in (ROOT / "portfolio").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[0] == "workers"]
    assert offenders == []


def test_every_task_is_registered_by_its_name_in_a_django_process() -> None:
    names = {name for name in current_app.tasks if not name.startswith("celery.")}
    assert {"coverage.recompute", "evidence.verify_file", "mail.send", "webhooks.deliver", "system.ping"} <= names


def test_a_task_sent_by_name_runs_in_a_worker_process(celery_worker) -> None:
    token = uuid.uuid4().hex
    answer = task_send("system.ping", token).get(timeout=30)
    assert (answer["token"], answer["worker_pid"]) == (token, str(celery_worker.pid))


def test_without_a_broker_the_task_runs_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(current_app.conf, "task_always_eager", True)
    ran: list[str] = []
    monkeypatch.setattr(current_app.tasks["system.ping"], "run", lambda token: ran.append(token))
    task_send("system.ping", "abc")
    assert ran == ["abc"]
    with pytest.raises(NotRegistered):
        task_send("no.such_task")


@pytest.mark.django_db(transaction=True)
def test_work_sent_on_commit_is_not_sent_when_the_transaction_rolls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(current_app.conf, "task_always_eager", True)
    ran: list[str] = []
    monkeypatch.setattr(current_app.tasks["system.ping"], "run", lambda token: ran.append(token))

    class Undo(Exception):
        pass

    def send_then_fail() -> None:
        with transaction.atomic():
            task_send_on_commit("system.ping", "rolled back")
            raise Undo

    with pytest.raises(Undo):
        send_then_fail()
    with transaction.atomic():
        task_send_on_commit("system.ping", "committed")
        assert ran == []  # not before the commit
    assert ran == ["committed"]
    assert OutgoingMail.objects.count() == 0


def test_a_broker_that_is_down_is_logged_not_raised(monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    monkeypatch.setattr(current_app.conf, "task_always_eager", False)

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(current_app, "send_task", refuse)
    task_send_or_log("webhooks.deliver", 1)
    assert "webhooks.deliver not sent" in caplog.text
    with pytest.raises(ConnectionError):
        task_send("webhooks.deliver", 1)


def test_a_result_nobody_reads_is_not_stored(celery_worker) -> None:
    ignored = task_send("system.ping", "ignored", ignore_result=True)
    kept = task_send("system.ping", "kept")
    assert kept.get(timeout=30)["token"] == "kept"
    deadline = time.monotonic() + 30
    while f"[{ignored.id}] succeeded" not in WORKER_LOG.read_text():  # the worker logs each task it ran
        assert time.monotonic() < deadline, f"the ignored task did not run: see {WORKER_LOG}"
        time.sleep(0.1)

    backend = redis.Redis.from_url(str(settings.CELERY_RESULT_BACKEND))
    assert backend.exists(f"celery-task-meta-{kept.id}")
    assert not backend.exists(f"celery-task-meta-{ignored.id}")


@pytest.mark.django_db(transaction=True)
def test_work_sent_after_commit_or_logged_keeps_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(current_app.conf, "task_always_eager", False)
    sent: list[tuple[str, dict[str, object]]] = []
    monkeypatch.setattr(current_app, "send_task", lambda name, *args, **options: sent.append((name, options)))

    task_send_or_log("webhooks.deliver", 1)
    with transaction.atomic():
        task_send_on_commit("exports.build", 2)
    task_send("system.ping", "read")

    assert [(name, options.get("ignore_result")) for name, options in sent] == [
        ("webhooks.deliver", True),
        ("exports.build", True),
        ("system.ping", None),
    ]
