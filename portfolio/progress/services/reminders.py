"""Reminders about progress reviews, sent by Celery beat (`progress.send_reminders`), each exactly once.

| rule | to whom | when |
|---|---|---|
| meeting | the apprentice, the employer contact, the reviewer | within a day before a scheduled review |
| signature | each person whose signature is missing (`signers_for`) | 1, 3, 7 days after the review, then weekly |
| overdue | the tutor and assessor (else the provider's admins) | 1 day after the due date, then weekly |

Once per (apprenticeship, person, rule, occurrence): the `ReviewReminder` row is unique on those, and it is written
in one transaction with the notification and its owed email (portfolio/notify, portfolio/mail). A duplicated
delivery of the task, two beat processes, or a worker restarted half-way find the row (or wait on its insert and
fail it) and send nothing more. A run that was missed does not send the reminders it skipped: only the latest
occurrence reached is sent (day 7, not days 1, 3 and 7 at once).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from portfolio.notify.models import Notification
from portfolio.people.models import Apprenticeship, Membership
from portfolio.people.selectors import organisation_members
from portfolio.progress.lifecycle import State, missing_parties
from portfolio.progress.models import ProgressReview, ReviewReminder
from portfolio.progress.notifications import attendees, remind_meeting, remind_overdue, remind_signature
from portfolio.progress.roles import is_provider_assessor, signers_for
from portfolio.progress.schedule import NONE_DUE_STATUSES, PAUSED_STATUSES
from portfolio.progress.selectors import due_by_apprenticeship, signed_parties

MEETING_NOTICE = datetime.timedelta(hours=24)
Rule = ReviewReminder.Rule
CHUNK = 1000


def signature_occurrence(days: int) -> int | None:
    """The latest signature reminder reached `days` days after the review: 1, 3, 7, then 14, 21, ...; None on the
    day itself."""
    if days < 1:
        return None
    if days < 3:
        return 1
    if days < 7:
        return 3
    return 7 * (days // 7)


def overdue_occurrence(days: int) -> int | None:
    """The latest overdue reminder reached `days` days after the due date: 1, then 8, 15, ..."""
    if days < 1:
        return None
    return 1 + 7 * ((days - 1) // 7)


@dataclass
class ReminderReport:
    meeting: int = 0
    signature: int = 0
    overdue: int = 0
    already_sent: int = 0

    @property
    def sent(self) -> int:
        return self.meeting + self.signature + self.overdue


def _send(
    report: ReminderReport,
    *,
    apprenticeship: Apprenticeship,
    review: ProgressReview | None,
    recipient: Any,
    rule: str,
    occurrence: str,
    notify: Callable[[], list[Notification]],
    now: datetime.datetime,
) -> None:
    if recipient is None or not recipient.is_active:
        return
    key = {"apprenticeship": apprenticeship, "recipient": recipient, "rule": rule, "occurrence": occurrence}
    if ReviewReminder.objects.filter(**key).exists():
        report.already_sent += 1
        return
    try:
        # The row, the notification and its owed email commit together: a reminder is on record exactly when it
        # went out. A second delivery inserting the same row at the same moment waits for this one, then fails
        # its insert, and its savepoint takes its notification and email away with it.
        with transaction.atomic():
            reminder = ReviewReminder.objects.create(**key, review=review, sent_at=now)
            sent = notify()
            if sent:
                reminder.notification = sent[0]
                reminder.save(update_fields=["notification"])
    except IntegrityError:
        report.already_sent += 1
        return
    setattr(report, rule, getattr(report, rule) + 1)


def _meetings(report: ReminderReport, now: datetime.datetime) -> None:
    soon = ProgressReview.objects.filter(
        state=State.SCHEDULED, scheduled_for__gt=now, scheduled_for__lte=now + MEETING_NOTICE
    ).select_related("apprenticeship__apprentice", "reviewer", "employer_contact")
    for review in soon:
        # Keyed by the meeting's time too: a review moved to another day is reminded of again.
        occurrence = f"{review.public_id}:{review.scheduled_for.isoformat()}"
        for person in attendees(review):
            _send(report, apprenticeship=review.apprenticeship, review=review, recipient=person, rule=Rule.MEETING,
                  occurrence=occurrence, notify=partial(remind_meeting, review=review, recipient=person),
                  now=now)  # fmt: skip


def _signatures(report: ReminderReport, now: datetime.datetime, today: datetime.date) -> None:
    waiting = list(
        ProgressReview.objects.filter(state=State.AWAITING_SIGNATURES, held_on__lt=today).select_related(
            "apprenticeship__apprentice",
            "apprenticeship__line_manager",
            "apprenticeship__mentor",
            "reviewer",
            "employer_contact",
        )
    )
    signed = signed_parties(reviews=waiting)
    for review in waiting:
        days = (today - review.held_on).days if review.held_on else 0
        day = signature_occurrence(days)
        if day is None:
            continue
        for party in missing_parties(review.state, signed.get(review.pk, set())):
            for person in signers_for(review=review, party=party):
                _send(report, apprenticeship=review.apprenticeship, review=review, recipient=person,
                      rule=Rule.SIGNATURE, occurrence=f"{review.public_id}:day-{day}",
                      notify=partial(remind_signature, review=review, recipient=person, party=party, days=days),
                      now=now)  # fmt: skip


def _overdue_recipients(apprenticeship: Apprenticeship) -> list[Any]:
    people = [
        person
        for person in (apprenticeship.tutor, apprenticeship.assessor)
        if person is not None and is_provider_assessor(user=person, apprenticeship=apprenticeship)
    ]
    return people or organisation_members(
        organisation_id=apprenticeship.provider_id, roles=[Membership.Role.PROVIDER_ADMIN]
    )


def _overdue(report: ReminderReport, now: datetime.datetime, today: datetime.date) -> None:
    running = Apprenticeship.objects.exclude(status__in=[*NONE_DUE_STATUSES, *PAUSED_STATUSES]).order_by("pk")
    ids = list(running.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = Apprenticeship.objects.filter(pk__in=ids[start : start + CHUNK])
        late = {pk: due for pk, due in due_by_apprenticeship(apprenticeships=chunk, today=today).items()
                if due.overdue(today)}  # fmt: skip
        for apprenticeship in chunk.filter(pk__in=list(late)).select_related("apprentice", "tutor", "assessor"):
            due = late[apprenticeship.pk]
            days = due.days_overdue(today)
            step = overdue_occurrence(days)
            if step is None or due.due_on is None:
                continue
            for person in _overdue_recipients(apprenticeship):
                _send(report, apprenticeship=apprenticeship, review=None, recipient=person, rule=Rule.OVERDUE,
                      occurrence=f"{due.due_on.isoformat()}:day-{step}",
                      notify=partial(remind_overdue, apprenticeship=apprenticeship, recipient=person,
                                     due_on=due.due_on, days=days),
                      now=now)  # fmt: skip


def progress_reminders_send(*, now: datetime.datetime | None = None) -> ReminderReport:
    """Send every reminder that is due now and was not sent before."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ReminderReport()
    _meetings(report, now)
    _signatures(report, now, today)
    _overdue(report, now, today)
    return report
