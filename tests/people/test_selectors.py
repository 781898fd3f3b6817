from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from portfolio.people.models import Membership
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    apprenticeship_list_for_user,
    organisation_list_for_user,
    user_is_provider_admin,
)
from tests.factories import build_world, make_apprenticeship, make_user

pytestmark = pytest.mark.django_db


def test_each_role_sees_its_own_side_only() -> None:
    own, other = build_world()
    second = make_apprenticeship(provider=own.provider, employer=own.employer, standard=own.standard)
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
    Membership.objects.create(user=own.tutor, organisation=own.provider, role=Membership.Role.ASSESSOR)
    assert apprenticeship_list_for_user(user=own.tutor).count() == 1


def test_user_is_provider_admin() -> None:
    own, _ = build_world()
    assert user_is_provider_admin(user=own.admin)
    assert not user_is_provider_admin(user=own.tutor)
    assert not user_is_provider_admin(user=own.line_manager)
    assert user_is_provider_admin(user=make_user(is_superuser=True))
    Membership.objects.filter(user=own.admin).update(is_active=False)
    assert not user_is_provider_admin(user=own.admin)


def test_organisations_visible_per_role() -> None:
    own, other = build_world()
    assert set(organisation_list_for_user(user=own.admin)) == {own.provider, own.employer}
    assert set(organisation_list_for_user(user=own.line_manager)) == {own.provider, own.employer}
    assert set(organisation_list_for_user(user=own.apprentice)) == {own.provider, own.employer}
    assert other.provider not in organisation_list_for_user(user=own.admin)
