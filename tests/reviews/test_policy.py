from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portfolio.evidence.models import EvidenceTag
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.selectors.policy import review_policy_for_provider_id, review_policy_stored
from portfolio.reviews.selectors.queues import acceptance_queue_for_user, confirmation_queue_for_user
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.policy import review_policy_get_or_create, review_policy_update
from portfolio.reviews.services.reopen import evidence_reopen_after_change
from portfolio.reviews.services.submit import evidence_submit
from tests.factories import EvidenceFactory, World
from tests.reviews.conftest import dirty_generation

pytestmark = pytest.mark.django_db


def _policy(world: World, **changes: Any) -> None:
    review_policy_update(actor=world.admin, provider=world.provider, **changes)


def test_the_default_policy_is_created_on_demand_with_both_steps(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    assert not ReviewPolicy.objects.exists()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    policy = ReviewPolicy.objects.get(provider=own.provider)
    assert policy.require_employer_confirmation
    assert policy.require_provider_acceptance


def test_without_the_employer_step_submission_goes_straight_to_the_provider(worlds: tuple[World, World]) -> None:
    own, other = worlds
    _policy(own, require_employer_confirmation=False)
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    decision = evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    evidence.refresh_from_db()
    assert (decision.to_state, evidence.state) == ("confirmed", "confirmed")
    assert list(acceptance_queue_for_user(user=own.assessor)) == [evidence]
    assert not confirmation_queue_for_user(user=own.line_manager).exists()

    # A change reopens it to submitted; with no employer step it stays in the provider's queue and can be accepted.
    evidence_reopen_after_change(evidence=evidence, actor=own.apprentice, change="title")
    assert list(acceptance_queue_for_user(user=own.assessor)) == [evidence]
    assert not confirmation_queue_for_user(user=own.line_manager).exists()
    evidence_accept(
        actor=own.assessor, evidence=evidence, expected_version=evidence.version,
        tags=[TagVerdict("K1", True), TagVerdict("S1", True)],
    )  # fmt: skip
    # The other provider keeps its default policy.
    assert ReviewPolicy.objects.filter(provider=other.provider).count() == 0


def test_without_the_provider_step_confirmation_accepts_every_tag(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    _policy(own, require_provider_acceptance=False)
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    decision = evidence_confirm(actor=own.line_manager, evidence=evidence, expected_version=2)
    evidence.refresh_from_db()
    assert (decision.action, decision.to_state, evidence.state) == ("confirm", "accepted", "accepted")
    assert set(evidence.tags.values_list("state", flat=True)) == {EvidenceTag.State.ACCEPTED}
    assert decision.tag_decisions.filter(accepted=True).count() == 2
    assert dirty_generation(own.apprenticeship) == 1
    assert not acceptance_queue_for_user(user=own.assessor).exists()


def test_without_either_step_submission_accepts(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    _policy(own, require_provider_acceptance=False, require_employer_confirmation=False)
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    evidence.refresh_from_db()
    assert evidence.state == "accepted"
    assert set(evidence.tags.values_list("decided_by", flat=True)) == {own.apprentice.pk}


def test_only_the_providers_own_admins_change_its_policy(worlds: tuple[World, World]) -> None:
    own, other = worlds
    for who in (own.tutor, own.assessor, own.line_manager, other.admin):
        with pytest.raises(PermissionDenied):
            review_policy_update(actor=who, provider=own.provider, require_provider_acceptance=False)
    with pytest.raises(ValidationError):
        review_policy_update(actor=own.admin, provider=own.provider, evidence_per_statement=0)
    with pytest.raises(ValidationError):
        review_policy_update(actor=own.admin, provider=own.employer, require_provider_acceptance=False)


def test_changing_what_counts_marks_the_providers_apprenticeships_dirty(worlds: tuple[World, World]) -> None:
    own, other = worlds
    _policy(own, require_employer_confirmation=False)
    assert dirty_generation(own.apprenticeship) == 0  # a step, not a coverage input
    review_policy_update(actor=own.admin, provider=own.provider, evidence_per_statement=2)
    assert dirty_generation(own.apprenticeship) == 1
    assert dirty_generation(other.apprenticeship) == 0


def test_the_policy_read_compiled_is_the_orms_for_each_provider(worlds: tuple[World, World]) -> None:
    """The policy is read by a query compiled once per process: each provider's own, every field as the ORM reads
    it; None (the unsaved defaults to read, a row made once to decide) for a provider that never set one."""
    own, other = worlds
    _policy(own, require_employer_confirmation=False, evidence_per_statement=3)
    stored = ReviewPolicy.objects.get(provider=own.provider)
    got = review_policy_stored(provider_id=own.provider.pk)
    assert got is not None
    assert [getattr(got, f.attname) for f in ReviewPolicy._meta.concrete_fields] == [
        getattr(stored, f.attname) for f in ReviewPolicy._meta.concrete_fields
    ]
    assert not got._state.adding
    assert review_policy_stored(provider_id=other.provider.pk) is None
    defaults = review_policy_for_provider_id(provider_id=other.provider.pk)
    assert (defaults.pk, defaults.require_employer_confirmation, defaults.evidence_per_statement) == (None, True, 1)
    assert review_policy_get_or_create(provider_id=own.provider.pk).pk == stored.pk
    created = review_policy_get_or_create(provider_id=other.provider.pk)
    assert created.pk == ReviewPolicy.objects.get(provider=other.provider).pk
    assert review_policy_get_or_create(provider_id=other.provider.pk).pk == created.pk
