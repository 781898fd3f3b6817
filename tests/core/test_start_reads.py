"""The start pages read the user's organisations once and scope each list by them as plain ids: those reads hold
the same rows, in the same order, as the selectors scoped by the user's memberships, and nothing of another
organisation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from portfolio.core.queries import CompiledHeadCounted, head, head_counted
from portfolio.coverage.models import CoverageSummary
from portfolio.gateway.models import GatewaySignature
from portfolio.gateway.roles import STAFF_ROLES
from portfolio.gateway.selectors import (
    gateway_to_refer_at,
    gateway_to_refer_for_user,
    gateway_to_sign_at,
    gateway_to_sign_for_user,
)
from portfolio.people.models import Apprenticeship, Membership, User
from portfolio.people.selectors import user_held_organisations
from portfolio.progress.selectors import reviews_to_sign_at, reviews_to_sign_for_user
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from tests.factories import ApprenticeshipFactory, MembershipFactory, build_world
from tests.progress.helpers import hold, review_world

pytestmark = pytest.mark.django_db


def test_the_held_organisations_are_the_active_memberships_by_role() -> None:
    own, other = build_world()
    MembershipFactory.create(organisation=other.employer, role=Membership.Role.MENTOR, user=own.tutor)
    MembershipFactory.create(organisation=other.provider, role=Membership.Role.TUTOR, user=own.tutor, is_active=False)
    held = user_held_organisations(user=own.tutor)
    assert held.ids([Membership.Role.TUTOR]) == [own.provider.pk]
    assert held.ids(Membership.EMPLOYER_ROLES) == [other.employer.pk]
    assert held.ids([Membership.Role.ASSESSOR]) == []
    assert user_held_organisations(user=own.apprentice).ids(Membership.PROVIDER_ROLES) == []


def _ready(apprenticeship: Apprenticeship, state: str, days_ago: int) -> None:
    CoverageSummary.objects.update_or_create(
        apprenticeship=apprenticeship,
        defaults={"state": state, "ready_since": timezone.now() - datetime.timedelta(days=days_ago)},
    )


def _sign(apprenticeship: Apprenticeship, side: str, who: User) -> None:
    GatewaySignature.objects.create(
        apprenticeship=apprenticeship, side=side, signed_by=who, signer_role="x", signed_at=timezone.now(),
        declaration="I declare.", fingerprint="0" * 64, snapshot={},
    )  # fmt: skip


def test_the_gateway_lists_by_held_ids_hold_the_scoped_lists_rows() -> None:
    own, other = build_world()
    MembershipFactory.create(organisation=other.employer, role=Membership.Role.LINE_MANAGER, user=own.tutor)
    rows = [own.apprenticeship, other.apprenticeship]
    rows += [ApprenticeshipFactory.create(provider=w.provider, employer=w.employer, standard=w.standard)
             for w in (own, other, own, other)]  # fmt: skip
    for n, (apprenticeship, state) in enumerate(zip(rows, ["ready", "ready", "ready", "gateway_signed",
                                                           "gateway_signed", "ready"], strict=True)):  # fmt: skip
        _ready(apprenticeship, state, days_ago=n)
    _sign(rows[2], GatewaySignature.Side.PROVIDER, own.tutor)
    _sign(rows[1], GatewaySignature.Side.EMPLOYER, other.line_manager)
    found = 0
    for user in (own.tutor, own.assessor, own.admin, own.iqa, own.line_manager, own.mentor, other.tutor,
                 other.line_manager, own.apprentice):  # fmt: skip
        held = user_held_organisations(user=user)
        to_sign = gateway_to_sign_at(
            provider_ids=held.ids(PROVIDER_REVIEWER_ROLES), employer_ids=held.ids(EMPLOYER_REVIEWER_ROLES)
        )
        # The staff page keeps its providers' rows, the employer page its employers'.
        for scope in ("provider_id__in", "employer_id__in"):
            roles = Membership.PROVIDER_ROLES if scope == "provider_id__in" else Membership.EMPLOYER_ROLES
            mine = {scope: held.ids(roles)}
            expected = list(gateway_to_sign_for_user(user=user).filter(**mine))
            assert list(to_sign.filter(**mine)) == expected, user
            found += len(expected)
        refer = list(gateway_to_refer_for_user(user=user))
        assert list(gateway_to_refer_at(provider_ids=held.ids(STAFF_ROLES))) == refer, user
        found += len(refer)
    assert found


def test_reviews_to_sign_by_held_ids_hold_the_scoped_reviews() -> None:
    own, other = review_world(), review_world()
    MembershipFactory.create(organisation=other.employer, role=Membership.Role.MENTOR, user=own.tutor)
    held_reviews = [hold(own, days_ago=3), hold(other, days_ago=1)]
    assert held_reviews
    found = 0
    for user in (own.tutor, own.line_manager, own.apprentice, own.admin, other.tutor, other.mentor):
        expected = list(reviews_to_sign_for_user(user=user))
        assert list(reviews_to_sign_at(user=user, held=user_held_organisations(user=user))) == expected, user
        found += len(expected)
    assert found


def test_head_counted_reads_the_head_and_the_length_of_a_list() -> None:
    own, other = build_world()
    for w in (own, other, own, own):
        ApprenticeshipFactory.create(provider=w.provider, employer=w.employer, standard=w.standard)
    listed = Apprenticeship.objects.filter(provider=own.provider).order_by("-start_date", "-pk")
    assert head_counted(listed, 2) == (head(listed, 2), listed.count())
    assert head_counted(listed, 2)[1] == 4
    assert head_counted(listed.none(), 2) == ([], 0)
    by_model = Apprenticeship.objects.filter(provider=own.provider)  # the model's order (latest start first)
    assert head_counted(by_model, 3) == (head(by_model, 3), 4)


def test_the_compiled_head_counted_reads_what_head_counted_reads() -> None:
    own, other = build_world()
    for w in (own, other, own, own):
        ApprenticeshipFactory.create(provider=w.provider, employer=w.employer, standard=w.standard)

    def listed(key: str, providers: list[int]) -> Any:
        return Apprenticeship.objects.filter(provider_id__in=providers).order_by(key, "-pk")

    compiled = CompiledHeadCounted(listed, 2)
    for key in ("-start_date", "pk"):
        for providers in ([], [own.provider.pk], [other.provider.pk], [own.provider.pk, other.provider.pk]):
            found, count = head_counted(listed(key, providers), 2)
            assert compiled.ids_and_count(key, providers=providers) == ([a.pk for a in found], count)
    assert compiled.ids_and_count("pk", providers=[own.provider.pk])[1] == 4
