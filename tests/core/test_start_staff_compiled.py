"""The assessor's and tutor's start section, read by queries compiled once per shape (portfolio/core/start/staff.py),
holds what the scoped selectors read through the ORM: the acceptance queue's oldest items and length under each
provider's policy, the gateways to sign and to refer, the progress reviews overdue, awaiting signatures and theirs
to sign, the OTJ entries to approve and the readiness changes of the window, for staff of one provider, of two, a
tutor who is also a line manager, an IQA (no reviewer role) and a superuser."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from portfolio.core.queries import head_counted
from portfolio.core.start import staff
from portfolio.coverage.models import CoverageSummary, ReadinessEvent
from portfolio.gateway.roles import STAFF_ROLES as GATEWAY_STAFF_ROLES
from portfolio.gateway.selectors import gateway_to_refer_at, gateway_to_sign_at
from portfolio.otj.lifecycle import STAFF_ROLES as OTJ_STAFF_ROLES
from portfolio.otj.selectors import otj_queue_count
from portfolio.people.models import Apprenticeship, BreakInLearning, Membership
from portfolio.people.selectors import user_held_organisations
from portfolio.progress.models import ProgressReview
from portfolio.progress.selectors import overdue_count, reviews_to_sign_at, staff_apprenticeships
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.queues import acceptance_queue_at
from tests.factories import (
    ApprenticeshipFactory,
    EvidenceFactory,
    MembershipFactory,
    OtjActivityFactory,
    UserFactory,
    build_world,
)
from tests.factories.progress import review_awaiting_signatures

pytestmark = pytest.mark.django_db


def _name(apprenticeship: Apprenticeship) -> str:
    return apprenticeship.apprentice.display_name


def _expected(person: Any) -> dict[str, Any]:
    """What the section shows, read through the scoped selectors and the ORM alone."""
    held = user_held_organisations(user=person)
    providers = held.ids(Membership.PROVIDER_ROLES)
    oldest, to_accept = head_counted(acceptance_queue_at(provider_ids=held.ids(PROVIDER_REVIEWER_ROLES)), 5)
    to_sign, to_sign_count = head_counted(
        gateway_to_sign_at(
            provider_ids=held.ids(PROVIDER_REVIEWER_ROLES), employer_ids=held.ids(EMPLOYER_REVIEWER_ROLES)
        ).filter(provider_id__in=providers),
        5,
    )
    to_refer, to_refer_count = head_counted(gateway_to_refer_at(provider_ids=held.ids(GATEWAY_STAFF_ROLES)), 5)
    scheduled = (
        staff_apprenticeships(user=person)
        if person.is_superuser
        else Apprenticeship.objects.filter(provider_id__in=providers)
    )
    events = ReadinessEvent.objects.filter(
        occurred_at__gte=timezone.now() - staff.READINESS_WINDOW, apprenticeship__provider_id__in=providers
    ).order_by("-occurred_at", "-id")
    latest: dict[int, ReadinessEvent] = {}
    for event in events:
        latest.setdefault(event.apprenticeship_id, event)
    reviews = reviews_to_sign_at(user=person, held=held).filter(reviewer=person).order_by("held_on", "pk")[:5]
    otj = held.ids(OTJ_STAFF_ROLES)
    return {
        "oldest": [(e.public_id, e.title, _name(e.apprenticeship), e.submitted_at) for e in oldest],
        "to_accept": to_accept,
        "to_sign": [(a.public_id, _name(a), a.coverage_summary.ready_since) for a in to_sign],
        "to_sign_count": to_sign_count,
        "to_refer": [(a.public_id, _name(a), a.coverage_summary.ready_since) for a in to_refer],
        "to_refer_count": to_refer_count,
        "reviews_overdue": overdue_count(apprenticeships=scheduled),
        "reviews_awaiting": ProgressReview.objects.filter(
            state="awaiting_signatures", apprenticeship__provider_id__in=providers
        ).count(),
        "reviews_to_sign": [(r.public_id, _name(r.apprenticeship), r.held_on) for r in reviews],
        "otj_to_approve": otj_queue_count(user=person) if otj else None,
        "newly_ready": [
            (e.apprenticeship.public_id, _name(e.apprenticeship), e.occurred_at) for e in latest.values() if e.ready
        ],
        "no_longer_ready": [
            (e.apprenticeship.public_id, _name(e.apprenticeship), e.occurred_at) for e in latest.values() if not e.ready
        ],
    }


def _shown(section: dict[str, Any]) -> dict[str, Any]:
    lines = {"to_sign", "to_refer", "reviews_to_sign", "newly_ready", "no_longer_ready"}
    shown: dict[str, Any] = {name: [(line.public_id, line.name, line.at) for line in section[name]] for name in lines}
    shown["oldest"] = [(line.public_id, line.title, line.name, line.at) for line in section["oldest"]]
    for name in ("to_accept", "to_sign_count", "to_refer_count", "reviews_overdue", "reviews_awaiting"):
        shown[name] = section[name]
    shown["otj_to_approve"] = section["otj_to_approve"]
    return shown


def _summary(apprenticeship: Apprenticeship, state: str, days_ago: int) -> None:
    CoverageSummary.objects.update_or_create(
        apprenticeship=apprenticeship,
        defaults={
            "state": state,
            "ready": True,
            "ready_since": timezone.now() - datetime.timedelta(days=days_ago),
        },
    )


def _event(apprenticeship: Apprenticeship, sequence: int, ready: bool, days_ago: int) -> None:
    ReadinessEvent.objects.create(
        apprenticeship=apprenticeship, sequence=sequence, ready=ready, state="ready" if ready else "not_ready",
        previous_state="not_ready" if ready else "ready", coverage={},
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


def test_the_compiled_reads_hold_what_the_selectors_read() -> None:
    first, second = build_world()
    long_ago = timezone.localdate() - datetime.timedelta(days=400)  # overdue by the month-end rule
    more = [
        ApprenticeshipFactory.create(
            provider=first.provider, employer=first.employer, standard=first.standard, start_date=long_ago
        )
        for _ in range(6)
    ]
    for index, apprenticeship in enumerate([first.apprenticeship, *more]):
        for _ in range(index % 3):
            EvidenceFactory.create(apprenticeship=apprenticeship, state="confirmed")
        if index % 3 == 0:
            _summary(apprenticeship, "ready", days_ago=index)
        elif index % 3 == 1:
            _summary(apprenticeship, "gateway_signed", days_ago=index)
            review_awaiting_signatures(apprenticeship, first.tutor if index % 2 else first.assessor, days_ago=index)
        _event(apprenticeship, 1, True, days_ago=index + 1)
        if index % 2:
            _event(apprenticeship, 2, False, days_ago=index)
        OtjActivityFactory.create(apprenticeship=apprenticeship)
    _event(more[0], 3, True, days_ago=30)  # before the window
    # One on a break (the rule decides it in Python), one withdrawn (never overdue).
    BreakInLearning.objects.create(
        apprenticeship=more[1], started_on=long_ago + datetime.timedelta(days=10), ended_on=None,
        recorded_by=first.tutor,
    )  # fmt: skip
    Apprenticeship.objects.filter(pk=more[2].pk).update(status="withdrawn")
    # An entry the tutor logged is not theirs to approve.
    OtjActivityFactory.create(apprenticeship=more[3], logged_by=first.tutor)
    # The second provider then drops the employer step: its submitted item waits on the provider.
    EvidenceFactory.create(apprenticeship=second.apprenticeship, state="submitted")
    EvidenceFactory.create(apprenticeship=second.apprenticeship, state="confirmed")
    ReviewPolicy.objects.update_or_create(provider=second.provider, defaults={"require_employer_confirmation": False})
    _summary(second.apprenticeship, "ready", days_ago=3)
    _event(second.apprenticeship, 1, True, days_ago=2)
    # An assessor at both providers; a tutor of the first who is a line manager at the second employer.
    both = UserFactory.create()
    for world in (first, second):
        MembershipFactory.create(user=both, organisation=world.provider, role=Membership.Role.ASSESSOR)
    MembershipFactory.create(user=first.tutor, organisation=second.employer, role=Membership.Role.LINE_MANAGER)
    superuser = UserFactory.create(is_superuser=True)
    MembershipFactory.create(user=superuser, organisation=second.provider, role=Membership.Role.TUTOR)
    people = [second.tutor, first.iqa, first.tutor, both, first.assessor, superuser, first.admin]

    for person in [*people, *reversed(people)]:  # each shape compiled by the first to ask, then kept
        assert _shown(staff.tasks(user=person)) == _expected(person), person

    section = staff.tasks(user=first.tutor)
    assert (section["to_accept"], len(section["oldest"])) == (6, 5)
    assert (section["to_sign_count"], section["to_refer_count"]) == (3, 2)
    # Of those started long ago: not the two with a review held lately, the withdrawn, the one on a break.
    assert section["reviews_overdue"] >= 2
    assert section["otj_to_approve"] == 7  # the apprentices' entries, not the tutor's own
    assert section["reviews_awaiting"] == 2
    assert len(section["reviews_to_sign"]) == 1  # the one the tutor holds
    assert len(section["newly_ready"]) + len(section["no_longer_ready"]) == 7
    # The second provider's submitted item waits on it: its tutor's queue holds both.
    assert staff.tasks(user=second.tutor)["to_accept"] == 2
    assert staff.tasks(user=first.iqa)["otj_to_approve"] is None  # no staff role that decides OTJ entries
