"""The queues read by the organisation ids a page read once (the start pages) hold the same items, in the same
order, as the queues scoped by the user's memberships, under every review policy and across organisations."""

from __future__ import annotations

import pytest

from portfolio.people.models import Membership
from portfolio.people.selectors import user_held_organisations
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.queues import (
    acceptance_queue_at,
    acceptance_queue_for_user,
    confirmation_queue_at,
    confirmation_queue_for_user,
)
from portfolio.reviews.services.policy import review_policy_update
from tests.factories import ApprenticeshipFactory, EvidenceFactory, MembershipFactory, World

pytestmark = pytest.mark.django_db

POLICIES = [(True, True), (False, True), (True, False), (False, False)]


@pytest.mark.parametrize(("employer_step", "provider_step"), POLICIES)
def test_the_queues_by_held_ids_hold_the_scoped_queues_items(
    worlds: tuple[World, World], employer_step: bool, provider_step: bool
) -> None:
    own, other = worlds
    # The own employer also has an apprentice at the other provider (which keeps the default policy), and the
    # own tutor is also a line manager at the other employer.
    elsewhere = ApprenticeshipFactory.create(provider=other.provider, employer=own.employer, standard=own.standard)
    MembershipFactory.create(organisation=other.employer, role=Membership.Role.LINE_MANAGER, user=own.tutor)
    for apprenticeship in (own.apprenticeship, other.apprenticeship, elsewhere):
        for state in ("draft", "submitted", "confirmed", "accepted", "returned"):
            EvidenceFactory.create(apprenticeship=apprenticeship, state=state)
    # Then the policy changes: items already waiting move to the queue it names.
    review_policy_update(
        actor=own.admin,
        provider=own.provider,
        require_employer_confirmation=employer_step,
        require_provider_acceptance=provider_step,
    )
    users = (own.tutor, own.assessor, own.iqa, own.admin, own.line_manager, own.mentor, own.apprentice)
    held_anything = 0
    for user in (*users, other.tutor, other.line_manager):
        held = user_held_organisations(user=user)
        accepting = list(acceptance_queue_at(provider_ids=held.ids(PROVIDER_REVIEWER_ROLES)))
        confirming = list(confirmation_queue_at(employer_ids=held.ids(EMPLOYER_REVIEWER_ROLES)))
        assert accepting == list(acceptance_queue_for_user(user=user)), user
        assert confirming == list(confirmation_queue_for_user(user=user)), user
        held_anything += len(accepting) + len(confirming)
    assert held_anything  # the comparison is not between empty queues alone


def test_no_organisations_no_items(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    assert not acceptance_queue_at(provider_ids=[]).exists()
    assert not confirmation_queue_at(employer_ids=[]).exists()
