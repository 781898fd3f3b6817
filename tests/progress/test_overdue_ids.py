"""`overdue_ids` and `overdue_count` read only the apprenticeships that could be overdue (progress.selectors.
_month_end_passed), take those the month-end rule alone decides as they are, and let the rule decide the others:
the same answer as working out every due date (`due_by_apprenticeship`), in each organisation, at the edges the SQL
narrowing must not cut (breaks moving a due date, open breaks, statuses with none due or pausing the clock, agreed
and provider intervals, reviews held), and nothing of another organisation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from portfolio.core.start.staff import tasks
from portfolio.people.models import Apprenticeship, BreakInLearning
from portfolio.progress.models import AgreedReviewInterval, ProgressReview, ProgressReviewPolicy
from portfolio.progress.selectors import due_by_apprenticeship, overdue_count, overdue_ids
from tests.factories import ApprenticeshipFactory, UserFactory, build_world
from tests.factories.world import World

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)
SEPTEMBER = D(2025, 9, 1)  # the factory's start date


def _every_due_date(queryset: Any, today: D) -> set[int]:
    """The answer before the narrowing: every due date worked out, the overdue kept."""
    found = due_by_apprenticeship(apprenticeships=queryset, today=today)
    return {pk for pk, due in found.items() if due.overdue(today)}


class Cases:
    """Apprenticeships of one provider, each named by what makes it (not) overdue on TODAY."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.by_name: dict[str, Apprenticeship] = {}

    def add(self, name: str, *, start: D = SEPTEMBER, status: str = "in_learning") -> Apprenticeship:
        apprenticeship = ApprenticeshipFactory.create(
            provider=self.world.provider, employer=self.world.employer, standard=self.world.standard,
            start_date=start, status=status,
        )  # fmt: skip
        self.by_name[name] = apprenticeship
        return apprenticeship

    def held(self, apprenticeship: Apprenticeship, on: D, state: str = ProgressReview.State.COMPLETE) -> None:
        ProgressReview.objects.create(
            apprenticeship=apprenticeship, state=state, reviewer=self.world.tutor, scheduled_by=self.world.tutor,
            scheduled_for=timezone.now(), held_on=on,
        )  # fmt: skip

    def on_break(self, apprenticeship: Apprenticeship, first: D, last: D | None) -> None:
        BreakInLearning.objects.create(
            apprenticeship=apprenticeship, started_on=first, ended_on=last, recorded_by=self.world.tutor
        )

    def ids(self, *names: str) -> set[int]:
        return {self.by_name[name].pk for name in names}


def _provider_a(world: World) -> Cases:
    cases = Cases(world)
    cases.add("never reviewed")  # due 31 Dec 2025
    cases.held(cases.add("reviewed lately"), D(2026, 1, 15))  # due 30 Apr 2026
    cases.held(cases.add("reviewed long ago"), D(2025, 10, 5))  # due 31 Jan 2026
    # The latest held review counts, a scheduled one does not.
    late = cases.add("reviewed twice, lately")
    cases.held(late, D(2025, 10, 5))
    cases.held(late, D(2026, 2, 2), state=ProgressReview.State.AWAITING_SIGNATURES)
    cases.held(cases.add("review scheduled only"), None, state=ProgressReview.State.SCHEDULED)  # type: ignore[arg-type]
    cases.add("due last month", start=D(2025, 11, 15))  # due 28 Feb 2026
    cases.add("due this month", start=D(2025, 12, 1))  # due 31 Mar 2026
    # 80 days on a break move 31 Dec 2025 to 21 Mar 2026: the month-end date has passed, the due date has not.
    cases.on_break(cases.add("a break moves it past today"), D(2025, 10, 1), D(2025, 12, 19))
    cases.on_break(cases.add("a short break"), D(2025, 10, 1), D(2025, 10, 10))  # due 10 Jan 2026
    cases.on_break(cases.add("an open break"), D(2026, 2, 1), None)
    cases.add("on a break (status)", status="break_in_learning")
    cases.add("withdrawn", status="withdrawn")
    cases.add("completed", status="completed")
    cases.add("ready", status="ready")
    for name, months in (("agreed 6 months", 6), ("agreed 4 months", 4)):  # due 31 Mar, 31 Jan 2026
        AgreedReviewInterval.objects.create(
            apprenticeship=cases.add(name), interval_months=months, reason="Seasonal work.",
            recorded_by=world.tutor, recorded_at=timezone.now(),
        )  # fmt: skip
    return cases


def _provider_b(world: World) -> Cases:
    # Monthly reviews: due a month after the start, where three months would not be due yet.
    ProgressReviewPolicy.objects.create(provider=world.provider, interval_months=1)
    cases = Cases(world)
    cases.add("monthly, due last month", start=D(2026, 1, 20))  # due 28 Feb 2026
    cases.add("monthly, due this month", start=D(2026, 2, 5))  # due 31 Mar 2026
    cases.add("never reviewed")
    return cases


def test_the_overdue_are_those_every_due_date_finds_in_each_organisation() -> None:
    world_a, world_b = build_world()
    a, b = _provider_a(world_a), _provider_b(world_b)
    expected_a = a.ids(
        "never reviewed", "reviewed long ago", "due last month", "a short break", "agreed 4 months", "ready",
        "review scheduled only",
    ) | {world_a.apprenticeship.pk}  # fmt: skip
    expected_b = b.ids("monthly, due last month", "never reviewed") | {world_b.apprenticeship.pk}
    for world, expected in ((world_a, expected_a), (world_b, expected_b)):
        mine = Apprenticeship.objects.filter(provider=world.provider)
        found = overdue_ids(apprenticeships=mine, today=TODAY)
        assert len(found) == len(set(found))
        assert set(found) == expected
        assert set(found) == _every_due_date(mine, TODAY)
        assert overdue_count(apprenticeships=mine, today=TODAY) == len(expected)
    everyone = Apprenticeship.objects.all()
    assert set(overdue_ids(apprenticeships=everyone, today=TODAY)) == expected_a | expected_b
    assert overdue_count(apprenticeships=everyone, today=TODAY) == len(expected_a | expected_b)
    # A list filtered through other tables (a page's search) is read by id: the same answer.
    searched = Apprenticeship.objects.filter(employer__name=world_a.employer.name, breaks__isnull=True)
    assert set(overdue_ids(apprenticeships=searched, today=TODAY)) == _every_due_date(searched, TODAY)
    assert set(overdue_ids(apprenticeships=searched, today=TODAY)) == expected_a - a.ids("a short break")
    assert overdue_count(apprenticeships=searched, today=TODAY) == len(expected_a - a.ids("a short break"))


@pytest.mark.parametrize("today", [D(2025, 9, 1), D(2025, 12, 31), D(2026, 1, 1), D(2026, 3, 21), D(2027, 1, 1)])
def test_the_answer_stays_the_same_on_other_days(today: D) -> None:
    world_a, world_b = build_world()
    _provider_a(world_a), _provider_b(world_b)
    everyone = Apprenticeship.objects.all()
    assert set(overdue_ids(apprenticeships=everyone, today=today)) == _every_due_date(everyone, today)
    assert overdue_count(apprenticeships=everyone, today=today) == len(_every_due_date(everyone, today))


def test_breaks_of_the_withdrawn_and_statuses_the_rule_does_not_name_are_decided_by_the_rule() -> None:
    world_a, _ = build_world()
    cases = _provider_a(world_a)
    cases.on_break(cases.by_name["withdrawn"], D(2025, 10, 1), D(2025, 10, 10))
    cases.on_break(cases.by_name["on a break (status)"], D(2025, 10, 1), D(2025, 10, 10))
    # No form or service writes a status outside the choices; the rule reads one as running, and so do the lists.
    odd = cases.add("a status the rule does not name")
    Apprenticeship.objects.filter(pk=odd.pk).update(status="transferred")
    mine = Apprenticeship.objects.filter(provider=world_a.provider)
    expected = _every_due_date(mine, TODAY)
    assert odd.pk in expected
    assert not expected & cases.ids("withdrawn", "on a break (status)")
    assert set(overdue_ids(apprenticeships=mine, today=TODAY)) == expected
    assert overdue_count(apprenticeships=mine, today=TODAY) == len(expected)


def test_the_staff_start_page_counts_its_providers_overdue_and_a_superuser_everyone_s() -> None:
    world_a, world_b = build_world()
    _provider_a(world_a), _provider_b(world_b)
    today = timezone.localdate()
    mine = Apprenticeship.objects.filter(provider=world_a.provider)
    assert tasks(user=world_a.tutor)["reviews_overdue"] == len(_every_due_date(mine, today))
    superuser = UserFactory.create(is_superuser=True)
    assert tasks(user=superuser)["reviews_overdue"] == len(_every_due_date(Apprenticeship.objects.all(), today))
