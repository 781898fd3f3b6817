"""Reminders (portfolio/progress/services/reminders.py): before the meeting, for each missing signature on days
1, 3 and 7 after the review and then weekly, to the provider when a review is overdue; each one once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portfolio.mail.models import OutgoingMail
from portfolio.notify.models import Notification
from portfolio.people.models import Apprenticeship
from portfolio.progress.models import ReviewReminder
from portfolio.progress.services.reminders import overdue_occurrence, progress_reminders_send, signature_occurrence
from portfolio.progress.services.scheduling import progress_review_reschedule
from portfolio.progress.services.signatures import progress_review_sign
from tests.factories import World
from tests.progress.helpers import hold, review_world, schedule

DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("days", "reminder"),
    [(0, None), (1, 1), (2, 1), (3, 3), (6, 3), (7, 7), (13, 7), (14, 14), (20, 14), (21, 21), (60, 56)],
)
def test_signature_reminders_on_days_1_3_7_then_weekly(days: int, reminder: int | None) -> None:
    assert signature_occurrence(days) == reminder


@pytest.mark.parametrize(("days", "reminder"), [(0, None), (1, 1), (7, 1), (8, 8), (14, 8), (15, 15), (30, 29)])
def test_overdue_reminders_the_day_after_then_weekly(days: int, reminder: int | None) -> None:
    assert overdue_occurrence(days) == reminder


def _sent(rule: str) -> list[tuple[str, str]]:
    rows = ReviewReminder.objects.filter(rule=rule).select_related("recipient").order_by("occurrence", "recipient")
    return [(r.recipient.email, r.occurrence.rsplit(":", 1)[-1]) for r in rows]


@pytest.mark.django_db
def test_missing_signatures_are_chased_once_per_occurrence() -> None:
    world: World = review_world()
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(start_date=timezone.localdate() - 60 * DAY)
    review = hold(world, days_ago=0)
    now = timezone.now()
    assert progress_reminders_send(now=now).signature == 0  # the day of the review: none yet

    day_3 = progress_reminders_send(now=now + 3 * DAY)
    assert day_3.signature == 3  # the apprentice, the employer contact named on the review, the reviewer
    again = progress_reminders_send(now=now + 3 * DAY)
    assert (again.signature, again.already_sent) == (0, 3)
    # Each reminder is one notification (linking the signing page) and one owed email.
    notes = Notification.objects.filter(kind="progress_review.reminder.signature")
    assert notes.count() == 3
    assert {n.link for n in notes} == {f"/progress-reviews/{review.public_id}/sign/"}
    assert OutgoingMail.objects.filter(kind="notification.progress_review.reminder.signature").count() == 3

    progress_review_sign(actor=world.apprentice, review=review)
    progress_reminders_send(now=now + 8 * DAY)  # day 8: the day-7 reminder, to the two still missing
    emails = (world.apprentice.email, world.line_manager.email, world.tutor.email)
    assert _sent("signature") == [*((e, "day-3") for e in sorted(emails)),
                                  *((e, "day-7") for e in sorted(emails[1:]))]  # fmt: skip


@pytest.mark.django_db
def test_attendees_are_reminded_the_day_before_and_again_when_it_moves() -> None:
    world: World = review_world()
    review = schedule(world, days_ahead=2)
    assert progress_reminders_send().meeting == 0  # two days ahead: not yet
    tomorrow = timezone.now() + DAY
    assert progress_reminders_send(now=tomorrow).meeting == 3
    assert progress_reminders_send(now=tomorrow).meeting == 0
    progress_review_reschedule(actor=world.tutor, review=review, scheduled_for=review.scheduled_for + 3 * DAY)
    assert progress_reminders_send(now=tomorrow + 3 * DAY).meeting == 3


@pytest.mark.django_db
def test_the_provider_is_told_when_a_review_is_overdue() -> None:
    world: World = review_world()
    start = timezone.localdate() - 200 * DAY
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(start_date=start)
    report = progress_reminders_send()
    # The tutor and the assessor of the apprenticeship, once each for this week of lateness.
    assert report.overdue == 2
    assert progress_reminders_send().overdue == 0
    assert {r.recipient for r in ReviewReminder.objects.filter(rule="overdue")} == {world.tutor, world.assessor}
    note = Notification.objects.filter(kind="progress_review.reminder.overdue", recipient=world.tutor).get()
    assert note.link == f"/progress-reviews/apprenticeships/{world.apprenticeship.public_id}/"
    # Withdrawn: none due, no more reminders.
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(status="withdrawn")
    assert progress_reminders_send(now=timezone.now() + 7 * DAY).overdue == 0
