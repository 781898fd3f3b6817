"""Reminders through the real Celery worker: sent once per rule, however often the task is delivered, with the
worker restarted in between (the reminder row commits with the notification and its owed email)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from portfolio.core.dispatch import task_send
from portfolio.notify.models import Notification
from portfolio.people.models import Apprenticeship
from portfolio.progress.models import ReviewReminder
from tests.progress.helpers import hold, review_world

TIMEOUT = 60


@pytest.mark.django_db(transaction=True)
def test_each_reminder_once_across_duplicated_deliveries_and_a_restart(celery_worker: Any) -> None:
    world = review_world()
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=60)
    )
    hold(world, days_ago=3)  # day 3 after the review: each of the three signatures is chased

    first = task_send("progress.send_reminders").get(timeout=TIMEOUT)
    assert first["signature"] == 3
    before = Notification.objects.filter(kind="progress_review.reminder.signature").count()
    assert before == 3

    old_pid = celery_worker.pid
    celery_worker.restart()
    assert celery_worker.pid != old_pid

    # The same task delivered three times at once, to the new worker (four threads): nothing more is sent.
    results = [task_send("progress.send_reminders") for _ in range(3)]
    answers = [result.get(timeout=TIMEOUT) for result in results]
    assert sum(answer["signature"] for answer in answers) == 0
    assert sum(answer["already_sent"] for answer in answers) == 9
    assert Notification.objects.filter(kind="progress_review.reminder.signature").count() == before
    assert ReviewReminder.objects.filter(rule="signature").count() == 3
