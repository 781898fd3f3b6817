"""Progress reviews made the way the pages and the API make them: through the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from portfolio.people.models import Apprenticeship
from portfolio.progress.models import ProgressReview
from portfolio.progress.services.recording import progress_review_hold
from portfolio.progress.services.scheduling import progress_review_schedule
from portfolio.progress.services.signatures import progress_review_sign
from tests.factories import World, make_world


def review_world() -> World:
    """A world whose apprenticeship names its tutor and line manager (the defaults a schedule picks)."""
    world = make_world()
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(
        tutor=world.tutor, assessor=world.assessor, line_manager=world.line_manager, mentor=world.mentor
    )
    world.apprenticeship.refresh_from_db()
    for person, (first, last) in ((world.apprentice, ("Alex", "Morgan")), (world.line_manager, ("Lena", "Hart")),
                                  (world.tutor, ("Tom", "Reed"))):  # fmt: skip
        person.first_name, person.last_name = first, last
        person.save()
    return world


def schedule(world: World, *, days_ahead: int = 7, **kwargs: Any) -> ProgressReview:
    return progress_review_schedule(
        actor=world.tutor,
        apprenticeship=world.apprenticeship,
        scheduled_for=timezone.now() + datetime.timedelta(days=days_ahead),
        **kwargs,
    )


def hold(world: World, *, days_ago: int = 0, review: ProgressReview | None = None, **kwargs: Any) -> ProgressReview:
    review = review or schedule(world)
    kwargs.setdefault(
        "contributions",
        {
            "apprentice": {"progress": "I ran my first get-in.", "wellbeing": "Fine.", "next_steps": "Lighting."},
            "employer": {"progress": "Reliable on site.", "wellbeing": "", "next_steps": "Shadow the LX crew."},
            "provider": {"progress": "On track.", "wellbeing": "No support needed.", "next_steps": "Unit 4."},
        },
    )
    return progress_review_hold(
        actor=kwargs.pop("actor", world.tutor),
        review=review,
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def sign_all(world: World, review: ProgressReview) -> ProgressReview:
    for person in (world.apprentice, world.line_manager, world.tutor):
        progress_review_sign(actor=person, review=review)
    review.refresh_from_db()
    return review
