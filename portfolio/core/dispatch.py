"""The one point where the domain hands work to the task layer.

Services name a task (the `name=` of a task in `workers/tasks/`) and never import `workers`: the arrow runs
from the task layer to the domain only. With a broker the task is sent by name; without one (the embedded
default, or a test that makes Celery eager) it runs here, in process, as Celery's own eager mode would.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from celery.result import AsyncResult, EagerResult
from django.db import transaction

logger = logging.getLogger(__name__)


def task_send(
    name: str,
    /,
    *args: Any,
    countdown: float | None = None,
    retry: bool = True,
    ignore_result: bool = False,
    **kwargs: Any,
) -> AsyncResult | EagerResult:
    """Send task `name` now. `retry=False` fails at once when the broker is down (for callers whose periodic
    sweep picks the work up later); the exception is the caller's to handle. `ignore_result=True`: nobody reads
    what the task returns, so the worker does not store it (a write to the result backend per task, kept an
    hour)."""
    app = current_app
    if app.conf.task_always_eager:
        return app.tasks[name].apply(args, kwargs)
    options: dict[str, Any] = {"ignore_result": True} if ignore_result else {}
    return app.send_task(name, args, kwargs, countdown=countdown, retry=retry, **options)


def task_send_on_commit(name: str, /, *args: Any, **kwargs: Any) -> None:
    """Send task `name` once the current transaction commits (at once outside one): a worker must never
    pick up an id whose row it cannot see yet, nor work that a rollback undid. Nobody waits for its result."""
    transaction.on_commit(lambda: task_send(name, *args, ignore_result=True, **kwargs))


def task_send_or_log(name: str, /, *args: Any, **kwargs: Any) -> None:
    """Send task `name` without retrying; when the broker is down, log and go on: the caller's periodic
    sweep does the work later. Nobody waits for its result."""
    try:
        task_send(name, *args, retry=False, ignore_result=True, **kwargs)
    except Exception:
        logger.warning("task %s not sent; its periodic sweep will do the work", name)
