"""A change to a held review's record after a signature ends every live signature (kept, marked), as a change to
evidence ends its review decisions; the record waits for all three again and those who signed are asked again."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from portfolio.core.errors import Conflict
from portfolio.notify.models import Notification
from portfolio.progress.lifecycle import State
from portfolio.progress.models import ReviewSignature
from portfolio.progress.services.recording import progress_review_update
from portfolio.progress.services.signatures import progress_review_sign
from portfolio.reviews.fingerprint import fingerprint_of
from tests.factories import World
from tests.progress.helpers import hold, review_world, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return review_world()


def test_a_change_after_two_signatures_ends_both(world: World) -> None:
    review = hold(world)
    signed_fingerprint = review.fingerprint
    first = progress_review_sign(actor=world.line_manager, review=review)
    second = progress_review_sign(actor=world.tutor, review=review)
    assert first.fingerprint == second.fingerprint == signed_fingerprint

    review = progress_review_update(
        actor=world.apprentice, review=review, expected_version=1,
        contributions={"apprentice": {"progress": "I ran my first get-in, and the load-out."}},
    )  # fmt: skip

    assert review.version == 2
    assert review.fingerprint != signed_fingerprint
    assert review.state == State.AWAITING_SIGNATURES
    ended = ReviewSignature.objects.filter(review=review).order_by("pk")
    assert [(s.party, s.invalidation_reason) for s in ended] == [("employer", "edited"), ("provider", "edited")]
    assert all(s.invalidated_at is not None for s in ended)
    # The two who signed are asked again; the apprentice changed it and has not signed, so is not.
    asked = set(
        Notification.objects.filter(kind="progress_review.signatures_ended").values_list("recipient", flat=True)
    )
    assert asked == {world.line_manager.pk, world.tutor.pk}


def test_a_change_after_completion_reopens_it(world: World) -> None:
    review = sign_all(world, hold(world))
    assert review.state == State.COMPLETE
    review = progress_review_update(
        actor=world.tutor, review=review,
        actions=[{"description": "Book the lighting course", "owner": "apprentice", "due_on": review.held_on}],
    )  # fmt: skip
    assert (review.state, review.completed_at) == (State.AWAITING_SIGNATURES, None)
    assert not ReviewSignature.objects.filter(review=review, invalidated_at__isnull=True).exists()
    assert not review.pdf_current
    # Signed again by all three: complete again, each signature on the new fingerprint.
    review = sign_all(world, review)
    assert review.state == State.COMPLETE
    live = ReviewSignature.objects.filter(review=review, invalidated_at__isnull=True)
    assert {s.fingerprint for s in live} == {review.fingerprint}


def test_saving_the_same_words_ends_nothing(world: World) -> None:
    review = hold(world)
    progress_review_sign(actor=world.line_manager, review=review)
    same = progress_review_update(
        actor=world.line_manager, review=review, contributions={"employer": {"progress": "Reliable on site."}}
    )
    assert same.version == 1
    assert ReviewSignature.objects.filter(review=review, invalidated_at__isnull=True).count() == 1


def test_the_fingerprint_is_the_digest_of_the_snapshot_each_signature_keeps(world: World) -> None:
    review = hold(world)
    signature = progress_review_sign(actor=world.apprentice, review=review)
    assert review.snapshot is not None
    assert fingerprint_of(review.snapshot) == review.fingerprint
    assert fingerprint_of(signature.snapshot) == signature.fingerprint
    assert signature.snapshot["contributions"]["apprentice"]["progress"] == "I ran my first get-in."
    assert signature.snapshot["record"] == review.record


def test_a_stale_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    review = hold(world)
    progress_review_update(actor=world.apprentice, review=review, contributions={"apprentice": {"wellbeing": "Tired."}})
    with pytest.raises(Conflict):
        progress_review_sign(actor=world.line_manager, review=review, expected_version=1)
    with pytest.raises(Conflict):
        progress_review_update(
            actor=world.line_manager, review=review, expected_version=1, contributions={"employer": {"progress": "x"}}
        )
    assert not ReviewSignature.objects.filter(review=review).exists()


def test_each_party_changes_only_their_own_words_and_only_the_reviewer_the_actions(world: World) -> None:
    review = hold(world)
    with pytest.raises(PermissionDenied):
        progress_review_update(actor=world.line_manager, review=review, contributions={"apprentice": {"progress": "x"}})
    with pytest.raises(PermissionDenied):
        progress_review_update(actor=world.apprentice, review=review, actions=[])
    with pytest.raises(PermissionDenied):  # an assessor who did not hold it is not its reviewer
        progress_review_update(actor=world.assessor, review=review, contributions={"provider": {"progress": "x"}})
    review.refresh_from_db()
    assert review.version == 1
