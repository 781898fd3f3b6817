"""The employer contact's start section, read by queries compiled once per shape (portfolio/core/start/employer.py),
holds what the scoped selectors read through the ORM: the queue's oldest items and length under each provider's
policy, the gateways and progress reviews to sign, the apprentices shown and what waits for each, for contacts of
one employer, of two, of an employer whose apprentices' providers keep different steps, a tutor who is also a line
manager, and a superuser."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from portfolio.core.queries import head_counted
from portfolio.core.start import employer
from portfolio.coverage.models import CoverageSummary
from portfolio.gateway.selectors import gateway_to_sign_at
from portfolio.people.models import Apprenticeship, Membership
from portfolio.people.selectors import user_held_organisations
from portfolio.progress.selectors import reviews_to_sign_at
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.queues import confirmation_queue_at
from tests.factories import (
    ApprenticeshipFactory,
    EvidenceFactory,
    MembershipFactory,
    UserFactory,
    build_world,
    make_world,
)
from tests.factories.progress import review_awaiting_signatures

pytestmark = pytest.mark.django_db


def _expected(person: Any) -> dict[str, Any]:
    """What the section shows, read through the scoped selectors and the ORM alone."""
    held = user_held_organisations(user=person)
    employer_ids = held.ids(Membership.EMPLOYER_ROLES)
    queue = confirmation_queue_at(employer_ids=held.ids(EMPLOYER_REVIEWER_ROLES))
    oldest, to_confirm = head_counted(queue, employer.OLDEST_SHOWN)
    gateways, gateways_count = head_counted(
        gateway_to_sign_at(
            provider_ids=held.ids(PROVIDER_REVIEWER_ROLES), employer_ids=held.ids(EMPLOYER_REVIEWER_ROLES)
        ).filter(employer_id__in=employer_ids),
        employer.OLDEST_SHOWN,
    )
    reviews, reviews_count = head_counted(
        reviews_to_sign_at(user=person, held=held).filter(apprenticeship__employer_id__in=employer_ids),
        employer.OLDEST_SHOWN,
    )
    shown = list(
        Apprenticeship.objects.filter(employer_id__in=employer_ids)
        .order_by("apprentice__first_name", "apprentice__last_name", "apprentice__email", "pk")
        .values_list("public_id", "pk")[: employer.APPRENTICES_SHOWN]
    )
    waiting = dict(
        queue.filter(apprenticeship_id__in=[pk for _, pk in shown])
        .order_by()
        .values("apprenticeship_id")
        .annotate(n=Count("id"))
        .values_list("apprenticeship_id", "n")
    )
    return {
        "oldest": [(e.public_id, e.title, e.apprenticeship.apprentice.display_name, e.submitted_at) for e in oldest],
        "to_confirm": to_confirm,
        "to_sign": [(a.public_id, a.apprentice.display_name, a.coverage_summary.ready_since) for a in gateways],
        "to_sign_count": gateways_count,
        "reviews_to_sign": [(r.public_id, r.apprenticeship.apprentice.display_name, r.held_on) for r in reviews],
        "reviews_to_sign_count": reviews_count,
        "apprentices": [(public_id, waiting.get(pk, 0)) for public_id, pk in shown],
    }


def _shown(section: dict[str, Any]) -> dict[str, Any]:
    return {
        "oldest": [(line.public_id, line.title, line.name, line.at) for line in section["oldest"]],
        "to_confirm": section["to_confirm"],
        "to_sign": [(line.public_id, line.name, line.at) for line in section["to_sign"]],
        "to_sign_count": section["to_sign_count"],
        "reviews_to_sign": [(line.public_id, line.name, line.at) for line in section["reviews_to_sign"]],
        "reviews_to_sign_count": section["reviews_to_sign_count"],
        "apprentices": [(row.public_id, row.to_confirm) for row in section["apprentices"]],
    }


def _ready(apprenticeship: Apprenticeship, days_ago: int) -> None:
    since = timezone.now() - datetime.timedelta(days=days_ago)
    CoverageSummary.objects.update_or_create(
        apprenticeship=apprenticeship, defaults={"state": "ready", "ready": True, "ready_since": since}
    )


def test_the_compiled_reads_hold_what_the_selectors_read() -> None:
    first, second = build_world()
    # An apprentice of the first employer at the second provider, whose policy then drops the employer step: the
    # item submitted before waits on the provider, no longer on the employer.
    crossed = ApprenticeshipFactory.create(provider=second.provider, employer=first.employer, standard=second.standard)
    EvidenceFactory.create(apprenticeship=crossed, state="submitted")
    EvidenceFactory.create(apprenticeship=second.apprenticeship, state="submitted")
    # A third employer, whose apprentices' provider keeps both steps: its queue's statement reads differently.
    third = make_world(standard=first.standard)
    EvidenceFactory.create(apprenticeship=third.apprenticeship, state="submitted")
    ReviewPolicy.objects.update_or_create(provider=second.provider, defaults={"require_employer_confirmation": False})
    more = [
        ApprenticeshipFactory.create(provider=first.provider, employer=first.employer, standard=first.standard)
        for _ in range(6)
    ]
    for index, apprenticeship in enumerate([first.apprenticeship, *more]):
        for _ in range(index % 3):
            EvidenceFactory.create(apprenticeship=apprenticeship, state="submitted")
        if index % 2:
            _ready(apprenticeship, days_ago=index)
        if index % 3 == 1:
            review_awaiting_signatures(apprenticeship, first.tutor, days_ago=index)
    EvidenceFactory.create(apprenticeship=second.apprenticeship, state="confirmed")
    _ready(second.apprenticeship, days_ago=2)
    _ready(crossed, days_ago=1)
    # A mentor at both employers; a tutor of the first provider who is a line manager at the second employer.
    both = UserFactory.create()
    for world in (first, second):
        MembershipFactory.create(user=both, organisation=world.employer, role=Membership.Role.MENTOR)
    MembershipFactory.create(user=first.tutor, organisation=second.employer, role=Membership.Role.LINE_MANAGER)
    superuser = UserFactory.create(is_superuser=True)
    MembershipFactory.create(user=superuser, organisation=first.employer, role=Membership.Role.LINE_MANAGER)
    people = [
        third.line_manager,
        second.line_manager,
        first.line_manager,
        first.mentor,
        both,
        first.tutor,
        superuser,
        second.mentor,
    ]

    for person in [*people, *reversed(people)]:  # each shape compiled by the first to ask, then kept
        assert _shown(employer.tasks(user=person)) == _expected(person), person

    lines = employer.tasks(user=first.line_manager)
    assert lines["to_confirm"] == 6  # the crossed apprentice's item waits on their provider
    assert (len(lines["oldest"]), len(lines["apprentices"])) == (employer.OLDEST_SHOWN, 8)
    assert (lines["to_sign_count"], lines["reviews_to_sign_count"]) == (4, 2)
    assert _shown(employer.tasks(user=first.tutor))["to_sign"][0][0] == second.apprenticeship.public_id
    # The second employer's item waits on its provider now; the third's on the employer.
    assert employer.tasks(user=second.line_manager)["to_confirm"] == 0
    assert employer.tasks(user=third.mentor)["to_confirm"] == 1
