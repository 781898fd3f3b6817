"""What progress reviews tell people (in the app and by email, through portfolio/notify), in one place.

Every message about a signature links to the signing page; its email carries the notification's "open" link,
which asks the person to sign in first and then lands on that page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from portfolio.notify.models import Notification
from portfolio.notify.services.notifications import notify_users
from portfolio.progress.lifecycle import Party
from portfolio.progress.models import ProgressReview
from portfolio.progress.schedule import day_text


def sign_link(review: ProgressReview) -> str:
    return reverse("progress-review-sign-page", kwargs={"public_id": review.public_id})


def review_link(review: ProgressReview) -> str:
    return reverse("progress-review-page", kwargs={"public_id": review.public_id})


def schedule_link(review: ProgressReview) -> str:
    return reverse("progress-review-schedule-page", kwargs={"public_id": review.apprenticeship.public_id})


def _when(review: ProgressReview) -> str:
    moment = timezone.localtime(review.scheduled_for)
    return f"{day_text(moment.date())} at {moment:%H:%M}"


def _name(review: ProgressReview) -> str:
    return review.apprenticeship.apprentice.display_name


def _others(people: Iterable[Any], actor: Any) -> list[Any]:
    return [p for p in people if p is not None and getattr(actor, "pk", None) != p.pk]


def attendees(review: ProgressReview) -> list[Any]:
    return [review.apprenticeship.apprentice, review.employer_contact, review.reviewer]


def notify_scheduled(*, review: ProgressReview, actor: Any, changed: bool = False) -> list[Notification]:
    verb = "moved to" if changed else "on"
    where = f" ({review.location})" if review.location else ""
    return notify_users(
        recipients=_others(attendees(review), actor),
        kind="progress_review.scheduled",
        title=f"Progress review of {_name(review)} {verb} {_when(review)}",
        body=f"A progress review of {_name(review)} with their employer and provider is {verb} {_when(review)}"
        f"{where}. Open it to see what it will cover.",
        link=review_link(review),
    )


def notify_cancelled(*, review: ProgressReview, actor: Any) -> list[Notification]:
    return notify_users(
        recipients=_others(attendees(review), actor),
        kind="progress_review.cancelled",
        title=f"Progress review of {_name(review)} on {_when(review)} cancelled",
        body=f"The progress review of {_name(review)} planned for {_when(review)} was cancelled."
        + (f" Reason: {review.cancel_reason}" if review.cancel_reason else ""),
        link=schedule_link(review),
    )


def notify_to_sign(
    *, review: ProgressReview, recipients: Iterable[Any], kind: str, again: bool = False
) -> list[Notification]:
    """Ask people to sign the record (when it is held, when a change ended their signature)."""
    held = day_text(review.held_on) if review.held_on else "recently"
    if again:
        title = f"Sign the progress review of {_name(review)} again: its record changed"
        body = (f"The record of the progress review held on {held} changed after you signed it, so your signature "
                "no longer stands. Read it again and sign it.")  # fmt: skip
    else:
        title = f"Sign the progress review of {_name(review)} held on {held}"
        body = (f"The progress review of {_name(review)} held on {held} is recorded. Read the record and sign it: "
                "the apprentice, the employer and the provider each sign.")  # fmt: skip
    return notify_users(recipients=recipients, kind=kind, title=title, body=body, link=sign_link(review))


def notify_complete(*, review: ProgressReview, actor: Any, recipients: Iterable[Any]) -> list[Notification]:
    return notify_users(
        recipients=_others(recipients, actor),
        kind="progress_review.complete",
        title=f"Progress review of {_name(review)} signed by all three",
        body=f"The progress review of {_name(review)} held on {day_text(review.held_on) if review.held_on else '?'} is "
        "signed by the apprentice, the employer and the provider. Its PDF is linked from the review.",
        link=review_link(review),
    )


def remind_meeting(*, review: ProgressReview, recipient: Any) -> list[Notification]:
    where = f" ({review.location})" if review.location else ""
    return notify_users(
        recipients=[recipient],
        kind="progress_review.reminder.meeting",
        title=f"Reminder: progress review of {_name(review)} on {_when(review)}",
        body=f"The progress review of {_name(review)} is on {_when(review)}{where}. Open it to see what it covers.",
        link=review_link(review),
    )


def remind_signature(*, review: ProgressReview, recipient: Any, party: Party, days: int) -> list[Notification]:
    held = day_text(review.held_on) if review.held_on else "recently"
    return notify_users(
        recipients=[recipient],
        kind="progress_review.reminder.signature",
        title=f"Reminder: sign the progress review of {_name(review)} held on {held}",
        body=f"The {party.label.lower()}'s signature is still missing, {days} day{'s' if days != 1 else ''} after the "
        f"review. The provider loses funding for reviews left unsigned: one click below opens it to sign.",
        link=sign_link(review),
    )


def remind_overdue(*, apprenticeship: Any, recipient: Any, due_on: Any, days: int) -> list[Notification]:
    name = apprenticeship.apprentice.display_name
    return notify_users(
        recipients=[recipient],
        kind="progress_review.reminder.overdue",
        title=f"Progress review of {name} overdue since {day_text(due_on)}",
        body=f"{name}'s progress review was due by {day_text(due_on)} ({days} day{'s' if days != 1 else ''} ago) and "
        "has not been held. Schedule and hold it: late reviews put the funding at risk.",
        link=reverse("progress-review-schedule-page", kwargs={"public_id": apprenticeship.public_id}),
    )
