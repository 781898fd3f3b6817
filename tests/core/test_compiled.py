"""`CompiledQuery`: a scoped query compiled once answers exactly what the ORM answers for every person and value,
converts its rows as the ORM does, and refuses a stand-in that never reached the SQL."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.test.utils import CaptureQueriesContext

from portfolio.core.compiled import (
    CompiledIdsQuery,
    CompiledPage,
    CompiledQuery,
    CompiledShapes,
    InArray,
    InNamed,
    prefetched,
)
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, User
from portfolio.people.selectors import apprenticeship_list_for_user
from tests.factories import ApprenticeshipFactory, EvidenceFactory, build_world

pytestmark = pytest.mark.django_db

STAND_IN_USER = -9_000_000_001
STAND_IN_ID = uuid.UUID("00000000-0000-4000-8000-0000000000aa")


def _visible(user: User, public_id: uuid.UUID | str) -> QuerySet[Any]:
    return (
        apprenticeship_list_for_user(user=user)
        .filter(public_id=public_id)
        .values_list("pk", "apprentice__email", "created_at", F("provider__name"))
    )


def _compiled() -> CompiledQuery:
    return CompiledQuery(
        lambda user_id, public_id: _visible(User(pk=user_id, is_active=True, is_superuser=False), public_id),
        fields={"public_id": Apprenticeship._meta.get_field("public_id")},
        user_id=STAND_IN_USER,
        public_id=STAND_IN_ID,
    )


def test_the_same_rows_as_the_orm_for_everyone_in_both_worlds() -> None:
    first, second = build_world()
    compiled = _compiled()
    people = [first.apprentice, first.tutor, first.line_manager, first.mentor, second.tutor, second.apprentice]
    for person in people:
        for world in (first, second):
            public_id = world.apprenticeship.public_id
            expected = list(_visible(person, public_id))
            got = compiled.rows(user_id=person.pk, public_id=public_id)
            assert got == expected, (person.email, world.apprenticeship.pk)
            # The text form of the id too, as a URL carries it.
            assert compiled.rows(user_id=person.pk, public_id=str(public_id)) == expected
    # Someone else's apprenticeship stays out of sight; one's own is found.
    assert compiled.rows(user_id=second.tutor.pk, public_id=first.apprenticeship.public_id) == []
    (row,) = compiled.rows(user_id=first.tutor.pk, public_id=first.apprenticeship.public_id)
    assert row[0] == first.apprenticeship.pk
    # Rows converted as the ORM converts them: an aware datetime.
    assert isinstance(row[2], datetime.datetime)
    assert row[2].tzinfo is not None


def test_a_malformed_id_fails_as_the_orm_does() -> None:
    first, _ = build_world()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _compiled().rows(user_id=first.tutor.pk, public_id="not-a-uuid")


def test_a_stand_in_missing_from_the_sql_is_refused() -> None:
    compiled = CompiledQuery(
        lambda user_id, other: Apprenticeship.objects.filter(apprentice_id=user_id).values_list("pk"),
        user_id=STAND_IN_USER,
        other=-9_000_000_002,
    )
    with pytest.raises(ValueError, match="other"):
        compiled.rows(user_id=1, other=2)


def test_values_for_every_stand_in_are_required() -> None:
    with pytest.raises(TypeError):
        _compiled().rows(user_id=1)


def _by_email(user_id: int) -> QuerySet[Any]:
    return (
        apprenticeship_list_for_user(user=User(pk=user_id, is_active=True, is_superuser=False))
        .order_by("apprentice__email", "pk")
        .values_list("pk", "apprentice__email")
    )


def test_a_page_is_the_orm_slice_and_a_sliced_queryset_is_not_sliced_again() -> None:
    first, _ = build_world()
    for _ in range(4):
        ApprenticeshipFactory.create(provider=first.provider, employer=first.employer)
    compiled = CompiledQuery(_by_email, user_id=STAND_IN_USER)
    every = list(_by_email(first.tutor.pk))
    assert len(every) == 5
    assert compiled.rows(user_id=first.tutor.pk) == every
    assert compiled.rows(user_id=first.tutor.pk, limit=2, offset=1) == every[1:3]
    assert compiled.rows(user_id=first.tutor.pk, limit=2, offset=9) == []
    page = CompiledPage(compiled, count=lambda: len(every), user_id=first.tutor.pk)
    assert page[2:4] == every[2:4]
    assert page.count() == 5
    with pytest.raises(TypeError):
        page[1]  # type: ignore[index]  # a single row is not a page
    sliced = CompiledQuery(lambda user_id: _by_email(user_id)[:2], user_id=STAND_IN_USER)
    assert sliced.rows(user_id=first.tutor.pk) == every[:2]
    with pytest.raises(ValueError, match="sliced"):
        sliced.rows(user_id=first.tutor.pk, limit=1)


def test_a_query_by_ids_answers_as_the_orm_for_short_and_long_lists() -> None:
    first, second = build_world()
    made = [ApprenticeshipFactory.create(provider=first.provider, employer=first.employer) for _ in range(6)]
    ids = [first.apprenticeship.pk, second.apprenticeship.pk, *(a.pk for a in made)]

    def build(ids: list[int]) -> QuerySet[Any]:
        return Apprenticeship.objects.filter(pk__in=ids).values_list("pk", "apprentice__email")

    compiled = CompiledIdsQuery(build, size=3)
    for asked in ([], ids[:1], ids[:3], ids[2:6], ids, [ids[0], ids[0], -1]):
        assert sorted(compiled.rows(asked)) == sorted(build(asked)), asked


def test_objects_make_the_models_select_related_makes(django_assert_num_queries: Any) -> None:
    """`objects`: from each row the instances `select_related` makes: each related one cached on its parent, None
    for a nullable relation with no row; by ids too (`CompiledIdsQuery.objects`)."""
    first, second = build_world()
    Apprenticeship.objects.filter(pk=second.apprenticeship.pk).update(tutor=second.tutor)
    joined = Apprenticeship.objects.select_related("apprentice", "tutor", "standard")
    compiled = CompiledQuery(lambda pk: joined.filter(pk=pk).order_by(), pk=-9_000_000_002)
    by_ids = CompiledIdsQuery(lambda ids: joined.filter(pk__in=ids).order_by(), size=2)
    for world, tutor in ((first, None), (second, second.tutor)):
        expected = joined.get(pk=world.apprenticeship.pk)
        for made in (*compiled.objects(pk=world.apprenticeship.pk), *by_ids.objects([world.apprenticeship.pk])):
            assert isinstance(made, Apprenticeship)
            with django_assert_num_queries(0):
                related = [made.apprentice, made.tutor, made.standard]
            assert [made.pk, made.apprentice_id, made.created_at] == [
                expected.pk,
                expected.apprentice_id,
                expected.created_at,
            ]
            assert related == [expected.apprentice, expected.tutor, expected.standard]
            assert made.tutor == tutor
            assert made.apprentice.email == world.apprentice.email


def test_prefetched_leaves_rows_where_prefetch_related_does(django_assert_num_queries: Any) -> None:
    """`prefetched`: rows read otherwise answer `instance.<reverse FK>.all()` as a prefetch's do, with no query, each
    with its foreign key to the instance cached; a chained filter still asks the database."""
    world, _ = build_world()
    items = [EvidenceFactory.create(apprenticeship=world.apprenticeship, title=title) for title in ("B", "A")]
    apprenticeship = Apprenticeship.objects.get(pk=world.apprenticeship.pk)
    expected = Apprenticeship.objects.prefetch_related("evidence").get(pk=apprenticeship.pk)
    prefetched(apprenticeship, "evidence", list(Evidence.objects.filter(apprenticeship=apprenticeship)))
    with django_assert_num_queries(0):
        got = list(apprenticeship.evidence.all())
        assert [item.apprenticeship for item in got] == [apprenticeship] * 2
    assert got == list(expected.evidence.all())
    assert sorted(got, key=lambda item: item.pk) == items
    with django_assert_num_queries(1):
        assert list(apprenticeship.evidence.filter(title="A")) == [items[1]]


def test_a_query_by_ids_takes_other_values_too() -> None:
    first, second = build_world()
    made = [ApprenticeshipFactory.create(provider=first.provider, employer=first.employer) for _ in range(3)]
    ids = [first.apprenticeship.pk, second.apprenticeship.pk, *(a.pk for a in made)]

    def build(ids: list[int], apprentice_id: int) -> QuerySet[Any]:
        return Apprenticeship.objects.filter(pk__in=ids, apprentice_id=apprentice_id).values_list("pk", "status")

    compiled = CompiledIdsQuery(build, size=3, apprentice_id=STAND_IN_USER)
    for apprentice in (first.apprentice, second.apprentice, made[2].apprentice):
        for asked in ([], ids[:1], ids[:3], ids):
            expected = sorted(build(asked, apprentice.pk))
            assert sorted(compiled.rows(asked, apprentice_id=apprentice.pk)) == expected, (asked, apprentice.pk)
    assert compiled.rows(ids[:2], apprentice_id=second.apprentice.pk) == [(second.apprenticeship.pk, "in_learning")]
    with pytest.raises(TypeError):
        compiled.rows(ids[:2])
    with pytest.raises(ValueError, match="id_0"):
        CompiledIdsQuery(build, size=2, id_0=STAND_IN_USER)


def test_a_query_by_shape_answers_as_the_orm_for_every_length_and_key() -> None:
    first, second = build_world()
    made = [ApprenticeshipFactory.create(provider=first.provider, employer=first.employer) for _ in range(3)]
    providers = [first.provider.pk, second.provider.pk]
    built: list[Any] = []

    def build(key: str, providers: list[int], apprentice: int) -> QuerySet[Any]:
        built.append(key)
        found = Apprenticeship.objects.filter(provider_id__in=providers).exclude(apprentice_id=apprentice)
        return found.order_by(key, "pk").values_list("pk", "provider_id")

    compiled = CompiledShapes(build)
    for key in ("start_date", "-pk", "start_date"):
        for asked in ([], providers[:1], providers[1:], providers, [providers[0], providers[0]]):
            for apprentice in (first.apprentice.pk, made[0].apprentice_id):
                expected = list(build(key, asked, apprentice))
                assert compiled.rows(key, providers=asked, apprentice=apprentice) == expected, (key, asked)
                assert list(compiled.queryset(key, providers=asked, apprentice=apprentice)) == expected
    assert len(compiled.rows("-pk", providers=providers[:1], apprentice=0)) == 4
    # Built once per shape: two keys, and lists of none, one and two ids (besides the ORM's reads above).
    built.clear()
    compiled = CompiledShapes(build)
    for asked in ([], providers[:1], providers[1:], providers, [providers[1], providers[0]]):
        compiled.rows("-pk", providers=asked, apprentice=0)
        compiled.rows("start_date", providers=asked, apprentice=0)
    assert sorted(built) == ["-pk"] * 3 + ["start_date"] * 3


def test_a_query_by_an_array_of_ids_answers_as_the_orm_for_any_length() -> None:
    """With `array`, the ids go to PostgreSQL as one array (`InArray`): one SQL for every length, the same rows."""
    first, second = build_world()
    made = [ApprenticeshipFactory.create(provider=first.provider, employer=first.employer) for _ in range(6)]
    ids = [first.apprenticeship.pk, second.apprenticeship.pk, *(a.pk for a in made)]

    def build(ids: list[int]) -> QuerySet[Any]:
        return Apprenticeship.objects.filter(InArray(F("pk"), ids)).values_list("pk", "apprentice__email")

    def orm(ids: list[int]) -> list[tuple[Any, ...]]:
        return list(Apprenticeship.objects.filter(pk__in=ids).values_list("pk", "apprentice__email"))

    compiled = CompiledIdsQuery(build, size=3, array=True)
    for asked in ([], ids[:1], ids[:3], ids[2:6], ids, [ids[0], ids[0], -1]):
        assert sorted(compiled.rows(asked)) == sorted(orm(asked)), asked
        assert sorted(build(asked)) == sorted(orm(asked)), asked  # the ORM's own reading of it, as elsewhere
    with CaptureQueriesContext(connection) as captured:
        compiled.rows(ids[:2])
        compiled.rows(ids)
    # One SQL for both lengths: they differ only in the array they were sent (as the log writes it).
    short, long = (re.sub(r"'\{[-0-9,]*\}'", "ids", query["sql"]) for query in captured.captured_queries)
    assert short == long
    assert "= ANY(ids" in short


def _fields(instance: Any, relations: tuple[str, ...]) -> list[Any]:
    """Every field of the instance and of the related rows read with it, and what the ORM knows of its state."""
    found: list[Any] = [(f.attname, getattr(instance, f.attname)) for f in type(instance)._meta.concrete_fields]
    found += [instance._state.db, instance._state.adding, sorted(instance.get_deferred_fields())]
    for relation in relations:
        related = getattr(instance, relation)
        found += [relation, None if related is None else _fields(related, ())]
    return found


def test_models_are_made_as_the_orm_makes_them() -> None:
    first, second = build_world()
    no_option = ApprenticeshipFactory.create(provider=first.provider, employer=first.employer, option=None)
    relations = ("apprentice", "employer", "standard", "option")

    def build(user_id: int, public_id: uuid.UUID) -> QuerySet[Any]:
        person = User(pk=user_id, is_active=True, is_superuser=False)
        visible = apprenticeship_list_for_user(user=person).select_related(None).select_related(*relations)
        return visible.filter(public_id=public_id).annotate(twice=F("pk") * 2).only(
            "public_id", "provider_id", "employer_id", "standard_id", "option_id", "apprentice_id",
            "apprentice__email", "employer__name", "standard__title", "option__title",
        )  # fmt: skip

    compiled = CompiledQuery(
        build, fields={"public_id": Apprenticeship._meta.get_field("public_id")}, user_id=STAND_IN_USER,
        public_id=STAND_IN_ID,
    )  # fmt: skip
    for person in (first.tutor, first.line_manager, first.apprentice, second.tutor):
        for apprenticeship in (first.apprenticeship, second.apprenticeship, no_option):
            expected = list(build(person.pk, apprenticeship.public_id))
            made = compiled.objects(user_id=person.pk, public_id=apprenticeship.public_id)
            assert [_fields(a, relations) for a in made] == [_fields(a, relations) for a in expected]
            assert [a.twice for a in made] == [a.twice for a in expected]  # type: ignore[attr-defined]
    (one,) = compiled.objects(user_id=first.tutor.pk, public_id=no_option.public_id)
    assert isinstance(one, Apprenticeship)
    assert one.option is None
    assert one.get_deferred_fields()  # what `only` left out is read when asked, as the ORM's
    with pytest.raises(TypeError):
        CompiledQuery(lambda user_id: _by_email(user_id), user_id=STAND_IN_USER).objects(user_id=first.tutor.pk)


def _started_before(month: int) -> QuerySet[Any]:
    # A number compared in an expression: with server-side binding psycopg is sent it typed (Int4), not as an int.
    started = ExtractYear("start_date") * 12 + ExtractMonth("start_date")
    return Apprenticeship.objects.annotate(month=started).filter(month__lt=month).order_by("pk").values_list("pk")


def test_a_value_sent_typed_is_sent_so_with_the_real_value() -> None:
    _, second = build_world()
    Apprenticeship.objects.filter(pk=second.apprenticeship.pk).update(start_date=datetime.date(2020, 6, 1))
    # A stand-in beyond an integer column's range would match no row: the ORM would drop the query.
    compiled = CompiledShapes(lambda key, month: _started_before(month), month=-1_000_001)
    for month in (2020 * 12 + 6, 2020 * 12 + 7, 3000 * 12):
        assert compiled.rows(month=month) == list(_started_before(month))
    assert compiled.rows(month=2020 * 12 + 7) == [(second.apprenticeship.pk,)]


def test_a_count_is_the_orm_count_of_a_plain_and_a_grouped_query() -> None:
    first, second = build_world()
    for world in (first, second):
        EvidenceFactory.create(apprenticeship=world.apprenticeship)
    EvidenceFactory.create(apprenticeship=first.apprenticeship)

    def plain(key: Any, providers: list[int]) -> QuerySet[Any]:
        return Evidence.objects.filter(apprenticeship__provider_id__in=providers).order_by().values_list("pk")

    def grouped(key: Any, providers: list[int]) -> QuerySet[Any]:
        return (
            Apprenticeship.objects.filter(provider_id__in=providers)
            .annotate(items=Count("evidence"))
            .filter(items__gte=1)
            .order_by()
            .values_list("pk", "items")
        )

    for build in (plain, grouped):
        compiled = CompiledShapes(build)
        for providers in ([first.provider.pk], [second.provider.pk], [first.provider.pk, second.provider.pk]):
            assert compiled.count(providers=providers) == build((), providers).count()
    assert CompiledShapes(plain).count(providers=[first.provider.pk]) == 2
    assert CompiledShapes(grouped).count(providers=[first.provider.pk, second.provider.pk]) == 2
    assert CompiledShapes(plain).count(providers=[]) == 0  # no row can match: no statement


def test_named_values_are_written_into_the_statement_and_nothing_else_is() -> None:
    first, second = build_world()
    EvidenceFactory.create(apprenticeship=first.apprenticeship, state="submitted")
    EvidenceFactory.create(apprenticeship=second.apprenticeship, state="confirmed")
    EvidenceFactory.create(apprenticeship=second.apprenticeship)
    named = Evidence.objects.filter(InNamed(F("state"), ["submitted", "confirmed"])).order_by("pk")
    assert list(named.values_list("pk", flat=True)) == list(
        Evidence.objects.filter(state__in=["submitted", "confirmed"]).order_by("pk").values_list("pk", flat=True)
    )
    sql, params = named.values_list("pk").query.sql_with_params()
    assert "IN ('submitted', 'confirmed')" in sql
    assert "submitted" not in params
    assert list(Evidence.objects.filter(InNamed(F("state"), []))) == []  # none named: no row, no statement
    for given in ("draft' OR 1=1 --", "Submitted", "a b"):  # anything but a code's plain name is refused
        with pytest.raises(ValueError, match="not a value the code names"):
            list(Evidence.objects.filter(InNamed(F("state"), [given])))
