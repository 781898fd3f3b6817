"""Scheduling a progress review (date, time, where, the reviewer and the employer contact who attend), changing
that, and cancelling it. The attendees are told each time."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.errors import Conflict
from portfolio.people.models import Apprenticeship, User
from portfolio.progress.lifecycle import Action, State
from portfolio.progress.models import ProgressReview
from portfolio.progress.notifications import notify_cancelled, notify_scheduled
from portfolio.progress.roles import is_employer_contact, is_provider_assessor
from portfolio.progress.services.common import check_allowed, clean_text, locked

FURTHEST_AHEAD = datetime.timedelta(days=366)


def _check_when(apprenticeship: Apprenticeship, scheduled_for: datetime.datetime) -> None:
    if timezone.is_naive(scheduled_for):
        raise ValidationError({"scheduled_for": "Give the time with its time zone, e.g. 2026-03-02T10:00:00+00:00."})
    day = timezone.localtime(scheduled_for).date()
    if day < apprenticeship.start_date:
        raise ValidationError(
            {"scheduled_for": f"The apprenticeship starts on {apprenticeship.start_date:%d %b %Y}: choose a day after."}
        )
    if scheduled_for > timezone.now() + FURTHEST_AHEAD:
        raise ValidationError({"scheduled_for": "Schedule it within the next twelve months."})


def _check_people(apprenticeship: Apprenticeship, reviewer: User | None, employer_contact: User | None) -> User:
    """The reviewer, once they and the employer contact may take their parts."""
    errors = {}
    if reviewer is None or not is_provider_assessor(user=reviewer, apprenticeship=apprenticeship):
        errors["reviewer"] = "Choose the reviewer from the assessors and tutors of the apprentice's training provider."
    if employer_contact is not None and not is_employer_contact(user=employer_contact, apprenticeship=apprenticeship):
        errors["employer_contact"] = (
            "Choose the employer contact from the line managers and mentors at the apprentice's employer."
        )
    if errors or reviewer is None:
        raise ValidationError(errors)
    return reviewer


def _default_reviewer(actor: Any, apprenticeship: Apprenticeship) -> User | None:
    for person in (actor, apprenticeship.tutor, apprenticeship.assessor):
        if person is not None and is_provider_assessor(user=person, apprenticeship=apprenticeship):
            return person
    return None


def _default_contact(apprenticeship: Apprenticeship) -> User | None:
    for person in (apprenticeship.line_manager, apprenticeship.mentor):
        if person is not None and is_employer_contact(user=person, apprenticeship=apprenticeship):
            return person
    return None


@transaction.atomic
def progress_review_schedule(
    *,
    actor: Any,
    apprenticeship: Apprenticeship,
    scheduled_for: datetime.datetime,
    location: str = "",
    reviewer: User | None = None,
    employer_contact: User | None = None,
) -> ProgressReview:
    """Schedule the next review. The reviewer defaults to the person scheduling (when an assessor or tutor), else
    the apprenticeship's tutor or assessor; the employer contact to its line manager, else its mentor."""
    check_allowed(actor=actor, apprenticeship=apprenticeship, review=None, action=Action.SCHEDULE)
    _check_when(apprenticeship, scheduled_for)
    reviewer = reviewer or _default_reviewer(actor, apprenticeship)
    employer_contact = employer_contact or _default_contact(apprenticeship)
    reviewer = _check_people(apprenticeship, reviewer, employer_contact)
    existing = ProgressReview.objects.filter(apprenticeship=apprenticeship, state=State.SCHEDULED).first()
    if existing is not None:
        raise _already_scheduled(existing)
    try:
        with transaction.atomic():
            review = ProgressReview.objects.create(
                apprenticeship=apprenticeship,
                scheduled_for=scheduled_for,
                location=clean_text(location, field="location", limit=200),
                reviewer=reviewer,
                employer_contact=employer_contact,
                scheduled_by=actor,
            )
    except IntegrityError as exc:  # scheduled by someone else between the check and the insert
        found = ProgressReview.objects.filter(apprenticeship=apprenticeship, state=State.SCHEDULED).first()
        raise _already_scheduled(found) from exc
    audit_record(
        actor=actor,
        action="progress_review.scheduled",
        target=review,
        target_repr=f"progress review of {apprenticeship}",
        changes={"scheduled_for": scheduled_for, "reviewer": str(reviewer.public_id) if reviewer else None},
    )
    notify_scheduled(review=review, actor=actor)
    return review


def _already_scheduled(existing: ProgressReview | None) -> Conflict:
    when = f" for {timezone.localtime(existing.scheduled_for):%d %b %Y %H:%M}" if existing else ""
    return Conflict(
        f"A progress review is already scheduled{when}: change or cancel that one instead.",
        code="already_scheduled",
        details={"review": str(existing.public_id)} if existing else {},
    )


_UNSET: Any = object()


@transaction.atomic
def progress_review_reschedule(
    *,
    actor: Any,
    review: ProgressReview,
    scheduled_for: datetime.datetime | None = None,
    location: str | None = None,
    reviewer: User | None = None,
    employer_contact: User | None = _UNSET,
) -> ProgressReview:
    """Change a scheduled review's date and time, place or attendees; the attendees are told."""
    review = locked(review)
    apprenticeship = review.apprenticeship
    check_allowed(actor=actor, apprenticeship=apprenticeship, review=review, action=Action.RESCHEDULE)
    changes: dict[str, Any] = {}
    if scheduled_for is not None and scheduled_for != review.scheduled_for:
        _check_when(apprenticeship, scheduled_for)
        review.scheduled_for = changes["scheduled_for"] = scheduled_for
    if location is not None and location.strip() != review.location:
        review.location = changes["location"] = clean_text(location, field="location", limit=200)
    if reviewer is not None and reviewer.pk != review.reviewer_id:
        review.reviewer = reviewer
        changes["reviewer"] = str(reviewer.public_id)
    if employer_contact is not _UNSET and getattr(employer_contact, "pk", None) != review.employer_contact_id:
        review.employer_contact = employer_contact
        changes["employer_contact"] = str(employer_contact.public_id) if employer_contact else None
    if not changes:
        return review
    _check_people(apprenticeship, review.reviewer, review.employer_contact)
    review.save()
    audit_record(
        actor=actor, action="progress_review.rescheduled", target=review, target_repr=str(review), changes=changes
    )
    notify_scheduled(review=review, actor=actor, changed=True)
    return review


@transaction.atomic
def progress_review_cancel(*, actor: Any, review: ProgressReview, reason: str = "") -> ProgressReview:
    review = locked(review)
    check_allowed(actor=actor, apprenticeship=review.apprenticeship, review=review, action=Action.CANCEL)
    review.state = State.CANCELLED
    review.cancelled_at = timezone.now()
    review.cancel_reason = clean_text(reason, field="reason", limit=2000)
    review.save(update_fields=["state", "cancelled_at", "cancel_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="progress_review.cancelled",
        target=review,
        target_repr=str(review),
        changes={"reason": review.cancel_reason},
    )
    notify_cancelled(review=review, actor=actor)
    return review
