"""The heat map offers the standards of the cohort filter's list (`cohort_filter_choices`), read by one test per
standard instead of a DISTINCT over the cohort: the same standards, in the same order, with the same labels, for
provider staff, employer contacts, people holding roles at two organisations and people whose membership ended."""

from __future__ import annotations

import pytest
from django.test import Client

from portfolio.coverage.pages import cohort_filter_choices, cohort_standards, cohort_standards_for, heatmap_for
from portfolio.coverage.selectors import cohort_list_for_user
from portfolio.people.models import Membership
from tests.factories import ApprenticeshipFactory, MembershipFactory, StandardFactory, UserFactory, build_world

pytestmark = pytest.mark.django_db


def test_the_heatmap_offers_the_cohort_filters_standards() -> None:
    own, other = build_world()
    # Each organisation follows a standard of its own besides the shared one; the other employer's apprentice
    # trains with the own provider too.
    own_only, other_only = StandardFactory.create(options=()), StandardFactory.create(options=())
    ApprenticeshipFactory.create(provider=own.provider, employer=own.employer, standard=own_only)
    ApprenticeshipFactory.create(provider=other.provider, employer=other.employer, standard=other_only)
    shared_employer = ApprenticeshipFactory.create(provider=own.provider, employer=other.employer, standard=own_only)
    # A tutor at the own provider is a line manager at the other employer; one line manager has left.
    MembershipFactory.create(organisation=other.employer, role=Membership.Role.LINE_MANAGER, user=own.tutor)
    Membership.objects.filter(user=other.mentor).update(is_active=False)
    superuser = UserFactory.create(is_superuser=True)
    people = (own.tutor, own.line_manager, other.tutor, other.line_manager, other.mentor, own.apprentice, superuser)
    offered = {}
    for user in people:
        expected = cohort_filter_choices(user=user)["standards"]
        standards = cohort_standards(cohort=cohort_list_for_user(user=user))
        assert [(str(s.public_id), f"{s.reference} v{s.version}") for s in standards] == expected, user
        offered[user] = {s.pk for s in standards}
    assert offered[own.tutor] == {own.standard.pk, own_only.pk, other_only.pk}
    assert offered[own.line_manager] == {own.standard.pk, own_only.pk}
    assert offered[other.line_manager] == {own.standard.pk, own_only.pk, other_only.pk}
    assert offered[other.mentor] == set()
    assert shared_employer.standard_id in offered[other.line_manager]


def test_the_heatmap_shows_a_standard_only_to_those_who_see_its_apprentices(client: Client) -> None:
    own, other = build_world()
    own_only = StandardFactory.create(options=())
    ApprenticeshipFactory.create(provider=own.provider, employer=own.employer, standard=own_only)
    client.force_login(own.tutor)
    page = client.get("/cohort/heatmap/", {"standard": str(own_only.public_id)})
    assert page.status_code == 200
    assert f'<option value="{own_only.public_id}" selected>' in page.content.decode()
    client.force_login(other.tutor)
    assert client.get("/cohort/heatmap/", {"standard": str(own_only.public_id)}).status_code == 400


def test_the_heatmaps_compiled_reads_answer_what_the_orm_answers() -> None:
    """`cohort_standards_for` and `heatmap_for` (no cohort given) read by queries compiled once per process: for
    people of two organisations, the same standards and rows as the ORM reads from `cohort_list_for_user`."""
    own, other = build_world()
    own_only = StandardFactory.create(options=())
    for _ in range(2):
        ApprenticeshipFactory.create(provider=own.provider, employer=own.employer, standard=own_only)
    ApprenticeshipFactory.create(provider=other.provider, employer=other.employer, standard=own.standard)  # 1 more
    seen = {}
    for user in (own.tutor, own.line_manager, other.tutor, other.line_manager):
        cohort = cohort_list_for_user(user=user)
        expected = cohort_standards(cohort=cohort)
        for _ in range(2):  # compiled on the first read, run again on the second
            assert cohort_standards_for(user=user) == expected, user
        for standard in expected:
            orm = heatmap_for(user=user, standard=standard, cohort=cohort)
            assert heatmap_for(user=user, standard=standard) == orm, (user, standard)
            seen[user, standard.pk] = len(orm[1])
    # Each saw their own organisation's apprentices alone: own_only's two at the own provider and employer only.
    assert seen[own.tutor, own_only.pk] == seen[own.line_manager, own_only.pk] == 2
    assert (other.tutor, own_only.pk) not in seen
    assert (other.line_manager, own_only.pk) not in seen
    assert seen[other.tutor, own.standard.pk] == 1 + (other.standard == own.standard)
