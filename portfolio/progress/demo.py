"""Demo progress reviews for `make run`, through the services (audit entries, notifications, fingerprints):

- every demo apprentice reviewed on time since the start: each review held three weeks before it was due, with
  what each party said and one action, whose outcome the next review records, and signed by all three;
- their next review scheduled in ten days, with the tutor and the line manager;
- apprentice 5's latest review held three days ago, signed by the apprentice and the tutor, waiting for the
  employer's signature;
- apprentice 3's reviews stopped after the second: the next one is overdue (and not scheduled).

Worked out from today, so the story holds whenever the demo is loaded. Idempotent: an apprenticeship that has
reviews is left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from portfolio.notify.models import Notification
from portfolio.notify.services.notifications import notification_mark_read
from portfolio.people.models import Apprenticeship
from portfolio.progress.lifecycle import State
from portfolio.progress.models import ProgressReview, ReviewAction
from portfolio.progress.notifications import review_link, sign_link
from portfolio.progress.roles import is_employer_contact, is_provider_assessor
from portfolio.progress.schedule import month_end_after
from portfolio.progress.services.recording import progress_review_hold
from portfolio.progress.services.scheduling import progress_review_schedule
from portfolio.progress.services.signatures import progress_review_sign

AHEAD_OF_DUE = datetime.timedelta(days=21)
WAITING_FOR_EMPLOYER = 4  # apprentice 5 (by index), at employer 1: line.manager1 signs it
OVERDUE = 2  # apprentice 3
OVERDUE_AFTER = 2  # reviews held before apprentice 3's stopped

WORDS = {
    "apprentice": {
        "progress": "I ran the get-in for the studio shoot and kept the call sheet up to date.",
        "wellbeing": "Busy but fine; the early starts are tiring.",
        "next_steps": "Learn the budgeting software.",
    },
    "employer": {
        "progress": "Reliable on set, and the crew ask for her by name.",
        "wellbeing": "We agreed a later start after night shoots.",
        "next_steps": "Shadow the line producer on the next production.",
    },
    "provider": {
        "progress": "Coverage and off-the-job hours on track for this point.",
        "wellbeing": "No support needed; the wellbeing service was explained again.",
        "next_steps": "Evidence for the budgeting outcomes before the next review.",
    },
}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _hold(apprenticeship: Apprenticeship, held_on: datetime.date, previous: ProgressReview | None) -> ProgressReview:
    tutor, contact = apprenticeship.tutor, apprenticeship.line_manager
    review = progress_review_schedule(
        actor=tutor, apprenticeship=apprenticeship, scheduled_for=_at(held_on), reviewer=tutor,
        employer_contact=contact, location="On site, the production office",
    )  # fmt: skip
    outcomes = [
        {"action": a.public_id, "outcome": "done", "note": "Done, and evidenced."}
        for a in ReviewAction.objects.filter(review=previous)
    ]
    action = {"description": "Upload the evidence from the latest production", "owner": "apprentice",
              "due_on": held_on + datetime.timedelta(days=42)}  # fmt: skip
    return progress_review_hold(
        actor=tutor, review=review, held_on=held_on, contributions=WORDS, actions=[action], outcomes=outcomes
    )


@transaction.atomic
def _load_one(apprenticeship: Apprenticeship, index: int, today: datetime.date) -> int:
    anchor, previous, made = apprenticeship.start_date, None, 0
    while True:
        held_on = month_end_after(anchor, 3) - AHEAD_OF_DUE
        if held_on > today - datetime.timedelta(days=7) or (index == OVERDUE and made == OVERDUE_AFTER):
            break
        previous = _hold(apprenticeship, held_on, previous)
        for person in (apprenticeship.apprentice, apprenticeship.line_manager, apprenticeship.tutor):
            progress_review_sign(actor=person, review=previous)
        anchor, made = held_on, made + 1
    if index == WAITING_FOR_EMPLOYER:
        latest = _hold(apprenticeship, today - datetime.timedelta(days=3), previous)
        for person in (apprenticeship.apprentice, apprenticeship.tutor):
            progress_review_sign(actor=person, review=latest)
        made += 1
    elif index != OVERDUE:
        progress_review_schedule(
            actor=apprenticeship.tutor, apprenticeship=apprenticeship,
            scheduled_for=_at(today + datetime.timedelta(days=10)), reviewer=apprenticeship.tutor,
            employer_contact=apprenticeship.line_manager, location="Video call",
        )  # fmt: skip
    return made


def _mark_past_news_read(since: datetime.datetime) -> None:
    """The notifications about reviews long signed were read at the time; those about open reviews stay unread."""
    open_links = set()
    for review in ProgressReview.objects.filter(state__in=[State.SCHEDULED, State.AWAITING_SIGNATURES]):
        open_links |= {review_link(review), sign_link(review)}
    past = (
        Notification.objects.filter(kind__startswith="progress_review.", created_at__gte=since, read_at__isnull=True)
        .exclude(link__in=open_links)
        .select_related("recipient")
    )
    by_person: dict[Any, list[Any]] = {}
    for note in past:
        by_person.setdefault(note.recipient, []).append(note.public_id)
    for person, ids in by_person.items():
        notification_mark_read(user=person, public_ids=ids)


def demo_progress_load(*, apprenticeships: list[Apprenticeship], today: datetime.date | None = None) -> int:
    """Reviews for the demo apprenticeships (in apprentice order); answers the reviews held."""
    today = today or timezone.localdate()
    started = timezone.now()
    made = 0
    for index, apprenticeship in enumerate(apprenticeships):
        people: list[Any] = [apprenticeship.tutor, apprenticeship.line_manager]
        if ProgressReview.objects.filter(apprenticeship=apprenticeship).exists() or None in people:
            continue
        if not is_provider_assessor(user=apprenticeship.tutor, apprenticeship=apprenticeship):
            continue
        if not is_employer_contact(user=apprenticeship.line_manager, apprenticeship=apprenticeship):
            continue
        made += _load_one(apprenticeship, index, today)
    _mark_past_news_read(started)
    return made
