"""The cohort's reads compiled once per process answer what the ORM path answers: the sorted ids of an unfiltered
cohort for every person and sort (portfolio/coverage/cohort_compiled.py), a page's rows and AO figures by their ids
(cohort_rows.py), and the next progress review of a page's rows (progress/selectors.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from portfolio.core.queries import with_total
from portfolio.coverage.cohort_compiled import unfiltered_ids
from portfolio.coverage.cohort_csv import ao_column_of
from portfolio.coverage.cohort_rows import (
    _VALUES,
    SHOWN_VALUES,
    _ao_rows,
    _by_ids,
    ao_rows_of,
    cohort_values_of,
    page_ids,
    with_row_relations,
)
from portfolio.coverage.filters import CohortFilter, CohortPageFilter
from portfolio.coverage.pages import cohort_filter_choices
from portfolio.coverage.selectors import cohort_list_for_user
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.people.models import Apprenticeship, BreakInLearning, Membership
from portfolio.people.selectors import HeldOrganisations, user_held_organisations
from portfolio.progress.models import AgreedReviewInterval, ProgressReview
from portfolio.progress.schedule import AGREED_INTERVALS
from portfolio.progress.selectors import due_by_apprenticeship
from tests.factories import (
    ApprenticeshipFactory,
    EvidenceFactory,
    MembershipFactory,
    UserFactory,
    make_catalogue,
    make_world,
)

pytestmark = pytest.mark.django_db

SORTS = {CohortFilter: "ordering", CohortPageFilter: "sort"}


@pytest.fixture
def worlds() -> tuple[Any, Any]:
    """Two providers with a few apprentices each: different coverage, one never computed, names that tie."""
    catalogue = make_catalogue()
    first, second = make_world(standard=catalogue.standard), make_world(standard=catalogue.standard)
    for world in (first, second):
        made = [world.apprenticeship]
        for index in range(5):
            apprenticeship = ApprenticeshipFactory.create(
                provider=world.provider, employer=world.employer, standard=catalogue.standard,
                option=catalogue.route_a if index % 2 else catalogue.route_b,
            )  # fmt: skip
            apprenticeship.apprentice.last_name = "Shared" if index < 3 else f"Name{index}"
            apprenticeship.apprentice.save()
            tags = (("K1",), ("K1", "S3"), ("K1", "K2", "K3"))[index % 3]
            EvidenceFactory.create(apprenticeship=apprenticeship, files=0, tags=tags, state="accepted")
            made.append(apprenticeship)
        coverage_recompute(apprenticeship_ids=[a.pk for a in made[:-1]])  # the last never computed
    return first, second


def _held(user: Any) -> HeldOrganisations:
    return user_held_organisations(user=user)


def _orm_ids(filterset_class: Any, user: Any, value: str) -> list[tuple[int, int]]:
    """The sorted ids through the ORM, the scope as membership subqueries and as the ids read first: the same."""
    data = QueryDict(mutable=True)
    data[SORTS[filterset_class]] = value
    found = []
    for held in (None, _held(user)):
        cohort = cohort_list_for_user(user=user, held=held)
        filterset = filterset_class(data=data, queryset=with_row_relations(cohort))
        assert filterset.is_valid()
        found.append(list(with_total(page_ids(filterset.qs))))
    assert found[0] == found[1]
    return found[0]


def _people(first: Any, second: Any) -> list[Any]:
    both = UserFactory.create()  # staff at one provider and line manager at the other's employer
    MembershipFactory.create(user=both, organisation=first.provider, role="tutor")
    MembershipFactory.create(user=both, organisation=second.employer, role="line_manager")
    return [first.tutor, first.line_manager, first.mentor, second.tutor, second.line_manager, both]


def test_the_unfiltered_ids_are_the_orm_s_for_every_person_and_sort(worlds: tuple[Any, Any]) -> None:
    first, second = worlds
    for person in _people(first, second):
        for filterset_class, name in SORTS.items():
            for value in filterset_class.base_filters[name].orderings:
                expected = _orm_ids(filterset_class, person, value)
                assert expected, (person.email, value)
                page = unfiltered_ids(
                    filterset_class=filterset_class, data=QueryDict(f"{name}={value}"), user=person, held=_held(person)
                )
                assert page is not None
                assert page[0:100] == expected, (person.email, filterset_class.__name__, value)
                assert page[2:4] == expected[2:4]
                assert page.count() == len(expected)
            # No sort asked for: the default's.
            default = filterset_class.base_filters[name].default
            page = unfiltered_ids(filterset_class=filterset_class, data=QueryDict(""), user=person, held=_held(person))
            assert page is not None
            assert page[0:100] == _orm_ids(filterset_class, person, default)
    # Another provider's apprentices never appear.
    page = unfiltered_ids(filterset_class=CohortFilter, data=QueryDict(""), user=second.tutor, held=_held(second.tutor))
    assert page is not None
    theirs = set(Apprenticeship.objects.filter(provider=first.provider).values_list("pk", flat=True))
    assert not theirs & {pk for pk, _ in page[0:100]}


def test_a_filter_an_unknown_sort_a_superuser_or_an_inactive_person_takes_the_orm_path(
    worlds: tuple[Any, Any],
) -> None:
    first, _ = worlds
    for query in ("ready=true", "q=Shared", "standard=x", "ordering=bogus", "ordering=percent&ordering=-percent"):
        assert (
            unfiltered_ids(
                filterset_class=CohortFilter, data=QueryDict(query), user=first.tutor, held=_held(first.tutor)
            )
            is None
        ), query
    assert (
        unfiltered_ids(
            filterset_class=CohortPageFilter, data=QueryDict("sort=x"), user=first.tutor, held=_held(first.tutor)
        )
        is None
    )
    # An empty filter filters nothing (a form sent with its fields blank).
    assert (
        unfiltered_ids(
            filterset_class=CohortFilter, data=QueryDict("q=&page=2"), user=first.tutor, held=_held(first.tutor)
        )
        is not None
    )
    admin = UserFactory.create(is_superuser=True)
    assert unfiltered_ids(filterset_class=CohortFilter, data=QueryDict(""), user=admin, held=_held(admin)) is None
    first.tutor.is_active = False
    assert (
        unfiltered_ids(filterset_class=CohortFilter, data=QueryDict(""), user=first.tutor, held=_held(first.tutor))
        is None
    )


def test_no_organisation_or_very_many_take_the_orm_path(worlds: tuple[Any, Any]) -> None:
    first, _ = worlds
    Membership.objects.filter(user=first.tutor).update(is_active=False)
    assert _held(first.tutor) == HeldOrganisations()
    assert (
        unfiltered_ids(filterset_class=CohortFilter, data=QueryDict(""), user=first.tutor, held=_held(first.tutor))
        is None
    )
    assert _orm_ids(CohortFilter, first.tutor, "-percent") == []
    many = HeldOrganisations(by_role={"tutor": frozenset(range(1, 10))})
    assert unfiltered_ids(filterset_class=CohortFilter, data=QueryDict(""), user=first.line_manager, held=many) is None


def test_the_api_and_the_page_answer_the_same_with_and_without_the_compiled_ids(
    client: Client, worlds: tuple[Any, Any]
) -> None:
    first, _ = worlds
    client.force_login(first.tutor)
    # An empty filter takes the compiled path; `q` matching everyone takes the ORM's: the same rows.
    everyone = "@"  # in every email
    for path in ("/api/cohort/?ordering=percent", "/api/cohort/?ordering=-percent&page=1"):
        compiled, filtered = client.get(f"{path}&q="), client.get(f"{path}&q={everyone}")
        assert compiled.status_code == filtered.status_code == 200
        assert compiled.json()["results"] == filtered.json()["results"]
        assert compiled.json()["count"] == filtered.json()["count"] == 6
    for sort in CohortPageFilter.base_filters["sort"].orderings:
        compiled, filtered = client.get(f"/cohort/?sort={sort}&q="), client.get(f"/cohort/?sort={sort}&q={everyone}")
        assert compiled.status_code == filtered.status_code == 200
        assert compiled.context["page"].object_list == filtered.context["page"].object_list
    # A page past the end is refused as before.
    assert client.get("/api/cohort/?page=9").status_code == 404


def test_a_page_s_rows_by_id_are_the_orm_s(worlds: tuple[Any, Any]) -> None:
    ids = list(Apprenticeship.objects.order_by("-pk").values_list("pk", flat=True))
    assert 2 < len(ids) <= 50
    for columns in (_VALUES, SHOWN_VALUES):
        for last_activity in (False, True):
            expected = {v["pk"]: v for v in _by_ids(ids, last_activity=last_activity, columns=columns)}
            got = cohort_values_of(ids, last_activity=last_activity, columns=columns)
            assert [v["pk"] for v in got] == ids  # in the order asked
            assert got == [expected[pk] for pk in ids]
            assert cohort_values_of(ids[:1], last_activity=last_activity, columns=columns) == [expected[ids[0]]]
    chips = ao_rows_of(ids)
    expected_chips: dict[int, list[Any]] = {pk: [] for pk in ids}
    for apprenticeship_id, *chip in _ao_rows(ids):
        expected_chips[apprenticeship_id].append(tuple(chip))
    assert chips == expected_chips
    assert any(chips.values())
    # The CSV's AO column: each AO's code and percent, in plan order, as the page's chips have them.
    column = ao_column_of(ids)
    assert column == {pk: "; ".join(f"{code} {percent:.0f}%" for code, _, percent, _, _ in chips[pk]) for pk in ids}
    assert any(column.values())


def test_a_page_s_next_reviews_are_those_of_the_orm_path(worlds: tuple[Any, Any]) -> None:
    first, _ = worlds
    today = timezone.localdate()
    apprenticeships = list(Apprenticeship.objects.order_by("pk"))
    one, two, three = apprenticeships[:3]
    BreakInLearning.objects.create(apprenticeship=one, started_on=today - datetime.timedelta(days=60),
                                   ended_on=today - datetime.timedelta(days=20), recorded_by=first.tutor)  # fmt: skip
    BreakInLearning.objects.create(apprenticeship=one, started_on=today - datetime.timedelta(days=10),
                                   recorded_by=first.tutor)  # fmt: skip
    AgreedReviewInterval.objects.create(apprenticeship=two, interval_months=AGREED_INTERVALS[1], reason="agreed",
                                        recorded_by=first.tutor, recorded_at=timezone.now())  # fmt: skip
    ProgressReview.objects.create(apprenticeship=three, held_on=today - datetime.timedelta(days=40),
                                  scheduled_for=timezone.now() - datetime.timedelta(days=41), reviewer=first.tutor,
                                  employer_contact=first.line_manager, scheduled_by=first.tutor)  # fmt: skip
    from_queryset = due_by_apprenticeship(apprenticeships=Apprenticeship.objects.all(), today=today)
    from_rows = due_by_apprenticeship(apprenticeships=apprenticeships, today=today)
    assert from_rows == from_queryset
    assert len({due.due_on for due in from_rows.values()}) > 1


def test_the_filter_choices_compiled_are_the_orm_s(worlds: tuple[Any, Any]) -> None:
    first, second = worlds
    # More employers than a compiled read of names is made for (8): read through the ORM.
    for _ in range(9):
        ApprenticeshipFactory.create(provider=first.provider, standard=first.standard)
    for person in _people(first, second):
        compiled = cohort_filter_choices(user=person, held=_held(person))
        assert compiled == cohort_filter_choices(user=person), person.email
        assert compiled["standards"]
        assert compiled["employers"]
    assert len(cohort_filter_choices(user=first.tutor, held=_held(first.tutor))["employers"]) == 10
