from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from portfolio.people.models import Membership
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    apprenticeship_list_for_user,
    organisation_list_for_user,
    organisation_members,
    request_user_roles,
    user_is_provider_admin,
    user_organisation_ids,
    user_roles,
    user_roles_at,
)
from tests.factories import ApprenticeshipFactory, MembershipFactory, UserFactory, build_world

pytestmark = pytest.mark.django_db


def test_each_role_sees_its_own_side_only() -> None:
    own, other = build_world()
    second = ApprenticeshipFactory.create(provider=own.provider, employer=own.employer, standard=own.standard)
    mine = {own.apprenticeship.pk, second.pk}
    for person in (own.admin, own.tutor, own.assessor, own.iqa, own.line_manager, own.mentor):
        assert set(apprenticeship_list_for_user(user=person).values_list("pk", flat=True)) == mine
    assert list(apprenticeship_list_for_user(user=own.apprentice)) == [own.apprenticeship]
    assert list(apprenticeship_list_for_user(user=other.apprentice)) == [other.apprenticeship]


def test_out_of_scope_and_missing_raise_the_same_404() -> None:
    own, other = build_world()
    with pytest.raises(Http404) as hidden:
        apprenticeship_get_for_user(user=other.admin, public_id=own.apprenticeship.public_id)
    with pytest.raises(Http404) as missing:
        apprenticeship_get_for_user(user=other.admin, public_id=uuid.uuid4())
    with pytest.raises(Http404):
        apprenticeship_get_for_user(user=other.admin, public_id="not-a-uuid")
    assert str(hidden.value) == str(missing.value)


def test_an_inactive_membership_grants_nothing() -> None:
    own, _ = build_world()
    Membership.objects.filter(user=own.tutor).update(is_active=False)
    assert not apprenticeship_list_for_user(user=own.tutor).exists()
    assert not organisation_list_for_user(user=own.tutor).exists()


def test_a_person_with_two_roles_sees_each_row_once() -> None:
    own, _ = build_world()
    MembershipFactory.create(user=own.tutor, organisation=own.provider, role=Membership.Role.ASSESSOR)
    assert apprenticeship_list_for_user(user=own.tutor).count() == 1


def test_user_is_provider_admin() -> None:
    own, _ = build_world()
    assert user_is_provider_admin(user=own.admin)
    assert not user_is_provider_admin(user=own.tutor)
    assert not user_is_provider_admin(user=own.line_manager)
    assert user_is_provider_admin(user=UserFactory.create(is_superuser=True))
    Membership.objects.filter(user=own.admin).update(is_active=False)
    assert not user_is_provider_admin(user=own.admin)


def test_organisations_visible_per_role() -> None:
    own, other = build_world()
    assert set(organisation_list_for_user(user=own.admin)) == {own.provider, own.employer}
    assert set(organisation_list_for_user(user=own.line_manager)) == {own.provider, own.employer}
    assert set(organisation_list_for_user(user=own.apprentice)) == {own.provider, own.employer}
    assert other.provider not in organisation_list_for_user(user=own.admin)


def test_the_membership_lookups_count_active_memberships_only() -> None:
    own, other = build_world()
    # The line manager is also a mentor at the other employer, and was a tutor at their own provider once.
    MembershipFactory.create(organisation=other.employer, role=Membership.Role.MENTOR, user=own.line_manager)
    MembershipFactory.create(organisation=own.provider, role=Membership.Role.TUTOR, user=own.line_manager)
    Membership.objects.filter(user=own.line_manager, organisation=own.provider).update(is_active=False)
    person = own.line_manager

    everywhere = [own.employer.pk, own.provider.pk, other.employer.pk]
    assert user_roles_at(user=person, organisation_ids=everywhere) == {"line_manager", "mentor"}
    assert user_roles_at(user=person, organisation_ids=[own.employer.pk]) == {"line_manager"}
    assert user_roles_at(user=person, organisation_ids=everywhere, roles=["mentor"]) == {"mentor"}
    assert user_roles_at(user=person, organisation_ids=[own.provider.pk]) == set()
    ids = user_organisation_ids(user=person, roles=["line_manager", "mentor", "tutor"])
    assert {row["organisation_id"] for row in ids} == {own.employer.pk, other.employer.pk}

    tutors = organisation_members(organisation_id=own.provider.pk, roles=["tutor", "assessor"])
    assert tutors == sorted([own.tutor, own.assessor], key=lambda user: user.pk)  # the inactive tutor is left out
    MembershipFactory.create(organisation=own.provider, role=Membership.Role.ASSESSOR, user=own.tutor)
    assert organisation_members(organisation_id=own.provider.pk, roles=["tutor", "assessor"]) == tutors  # once each


def test_each_person_has_the_kinds_of_access_of_their_active_roles() -> None:
    own, _ = build_world()
    assert user_roles(user=own.apprentice) == {"apprentice"}
    assert user_roles(user=own.line_manager) == {"employer"}
    assert user_roles(user=own.admin) == {"provider", "provider_admin"}
    assert user_roles(user=own.tutor) == user_roles(user=own.assessor) == {"provider", "reviewer"}
    assert user_roles(user=own.iqa) == {"provider"}
    assessor = MembershipFactory.create(organisation=own.employer, role=Membership.Role.END_POINT_ASSESSOR).user
    assert user_roles(user=assessor) == {"assessment_organisation"}
    # An apprentice who is also a mentor holds both; an inactive membership grants nothing.
    MembershipFactory.create(organisation=own.employer, role=Membership.Role.MENTOR, user=own.apprentice)
    tutor = Membership.Role.TUTOR
    MembershipFactory.create(organisation=own.provider, role=tutor, user=own.apprentice, is_active=False)
    assert user_roles(user=own.apprentice) == {"apprentice", "employer"}
    assert user_roles(user=UserFactory.create(is_superuser=True)) == {"provider", "provider_admin"}
    assert user_roles(user=UserFactory.create()) == frozenset()
    assert user_roles(user=AnonymousUser()) == frozenset()


def test_a_request_reads_its_users_roles_once() -> None:
    own, _ = build_world()
    request = RequestFactory().get("/")
    request.user = own.tutor
    with CaptureQueriesContext(connection) as read:
        assert request_user_roles(request=request) == {"provider", "reviewer"}
        assert request_user_roles(request=request) == {"provider", "reviewer"}
    assert len(read.captured_queries) == 1
    # Someone else signed in on the same request (or signed out) is read afresh.
    request.user = own.apprentice
    assert request_user_roles(request=request) == {"apprentice"}
    request.user = AnonymousUser()
    assert request_user_roles(request=request) == frozenset()


def test_the_roles_read_for_a_request_give_the_same_rows_as_the_membership_subqueries() -> None:
    """With the person's roles given, one holding no employer's or provider's role is asked for their own rows
    alone: the same rows, for every kind of person, an apprentice who is also a line manager and a superuser."""
    own, other = build_world()
    both = ApprenticeshipFactory.create(apprentice=own.line_manager, provider=other.provider, standard=own.standard)
    inactive = MembershipFactory.create(organisation=other.employer, role="mentor", is_active=False).user
    ApprenticeshipFactory.create(apprentice=inactive, provider=other.provider, standard=own.standard)
    superuser = UserFactory.create(is_superuser=True)
    people = (own.apprentice, other.apprentice, own.line_manager, own.tutor, own.admin, inactive, superuser)
    for person in people:
        roles = user_roles(user=person)
        expected = set(apprenticeship_list_for_user(user=person).values_list("pk", flat=True))
        assert set(apprenticeship_list_for_user(user=person, roles=roles).values_list("pk", flat=True)) == expected
    assert both.pk in set(apprenticeship_list_for_user(user=own.line_manager).values_list("pk", flat=True))
    with pytest.raises(Http404):
        apprenticeship_get_for_user(
            user=own.apprentice, public_id=other.apprenticeship.public_id, roles=user_roles(user=own.apprentice)
        )


def test_the_roles_at_one_organisation_compiled_are_the_orms(django_assert_num_queries: Any) -> None:
    """`user_roles_at` at one organisation reads a query compiled once per set of roles: for people of two worlds,
    every organisation and several sets of roles, what the ORM reads; nothing read for no organisation or no role."""
    own, other = build_world()
    MembershipFactory.create(organisation=other.employer, role=Membership.Role.MENTOR, user=own.line_manager)
    MembershipFactory.create(organisation=own.provider, role=Membership.Role.TUTOR, user=own.assessor)
    Membership.objects.filter(user=own.mentor).update(is_active=False)
    organisations = [own.provider, own.employer, other.provider, other.employer]
    people = [own.line_manager, own.mentor, own.assessor, own.tutor, own.apprentice, other.tutor, other.admin]
    for roles in (None, ["line_manager", "mentor"], ["tutor", "assessor"], ["mentor"]):
        for person in people:
            for organisation in organisations:
                orm = Membership.objects.filter(user=person, is_active=True, organisation=organisation)
                if roles is not None:
                    orm = orm.filter(role__in=roles)
                expected = set(orm.values_list("role", flat=True))
                assert user_roles_at(user=person, organisation_ids=[organisation.pk], roles=roles) == expected
    assert user_roles_at(user=own.assessor, organisation_ids=[own.provider.pk]) == {"assessor", "tutor"}
    assert user_roles_at(user=own.line_manager, organisation_ids=[other.employer.pk]) == {"mentor"}
    with django_assert_num_queries(0):
        assert user_roles_at(user=own.tutor, organisation_ids=[]) == set()
        assert user_roles_at(user=own.tutor, organisation_ids=[own.provider.pk], roles=[]) == set()


def test_an_apprenticeship_is_read_as_the_orm_reads_it_for_everyone() -> None:
    """`apprenticeship_get_for_user` reads by a query compiled once per set of relations and scope: for each person
    and each apprenticeship, the same instance as the ORM's `get` on their scope, or the same 404."""
    own, other = build_world()
    MembershipFactory.create(user=own.apprentice, organisation=other.employer, role=Membership.Role.LINE_MANAGER)
    superuser = UserFactory.create(is_superuser=True)
    people = [own.apprentice, own.tutor, own.line_manager, other.apprentice, other.tutor, superuser]
    for person in people:
        for related in (None, ("apprentice", "standard")):
            for roles in (None, frozenset(user_roles(user=person))):
                for public_id in (own.apprenticeship.public_id, other.apprenticeship.public_id, uuid.uuid4()):
                    queryset = apprenticeship_list_for_user(user=person, roles=roles)
                    if related is not None:
                        queryset = queryset.select_related(None).select_related(*related)
                    expected = queryset.filter(public_id=public_id).first()
                    if expected is None:
                        with pytest.raises(Http404):
                            apprenticeship_get_for_user(user=person, public_id=public_id, related=related, roles=roles)
                        continue
                    found = apprenticeship_get_for_user(user=person, public_id=public_id, related=related, roles=roles)
                    assert (found.pk, found.apprentice.email, found.standard.title) == (
                        expected.pk, expected.apprentice.email, expected.standard.title,
                    )  # fmt: skip
                    assert found.__dict__.keys() == expected.__dict__.keys()
                    assert found._state.fields_cache.keys() == expected._state.fields_cache.keys()
    # Their own apprenticeship, and through the line manager's role the other one: the apprentice sees both.
    roles = frozenset(user_roles(user=own.apprentice))
    assert apprenticeship_get_for_user(user=own.apprentice, public_id=other.apprenticeship.public_id, roles=roles)
