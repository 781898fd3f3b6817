from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from portfolio.reviews.selectors.evidence import review_evidence_get_for_user
from portfolio.reviews.selectors.queues import (
    acceptance_queue_for_user,
    confirmation_queue_for_user,
    returned_list_for_user,
)
from portfolio.reviews.services.bulk import evidence_confirm_many
from portfolio.reviews.services.returns import evidence_return
from tests.factories import EvidenceFactory, World

pytestmark = pytest.mark.django_db


def test_each_queue_holds_only_the_users_own_organisations_items(worlds: tuple[World, World]) -> None:
    own, other = worlds
    waiting, theirs = (
        EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted"),
        EvidenceFactory.create(apprenticeship=other.apprenticeship, state="submitted"),
    )
    ready = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    assert list(confirmation_queue_for_user(user=own.mentor)) == [waiting]
    assert list(confirmation_queue_for_user(user=other.line_manager)) == [theirs]
    assert list(acceptance_queue_for_user(user=own.tutor)) == [ready]
    assert not acceptance_queue_for_user(user=other.assessor).exists()
    assert not acceptance_queue_for_user(user=own.iqa).exists()
    assert not confirmation_queue_for_user(user=own.assessor).exists()

    evidence_return(actor=own.mentor, evidence=waiting, expected_version=2, comment="Say where.")
    [returned] = returned_list_for_user(user=own.apprentice)
    assert returned == waiting
    assert returned.return_comment == "Say where."  # type: ignore[attr-defined]
    assert not returned_list_for_user(user=other.apprentice).exists()


def test_another_organisations_evidence_is_not_found(worlds: tuple[World, World]) -> None:
    own, other = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    for user in (other.line_manager, other.assessor, other.apprentice, other.admin):
        with pytest.raises(Http404):
            review_evidence_get_for_user(user=user, public_id=evidence.public_id)
    assert review_evidence_get_for_user(user=own.iqa, public_id=evidence.public_id) == evidence


def test_bulk_confirm_reports_each_item(worlds: tuple[World, World]) -> None:
    own, other = worlds
    first, second, stale = (
        EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted"),
        EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted"),
        EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted"),
    )
    theirs = EvidenceFactory.create(apprenticeship=other.apprenticeship, state="submitted")
    missing = uuid.uuid4()
    results = evidence_confirm_many(
        actor=own.line_manager,
        items=[(first.public_id, 2), (second.public_id, 2), (stale.public_id, 1), (theirs.public_id, 2),
               (missing, 1)],
    )  # fmt: skip
    outcomes = {r.evidence: r.outcome for r in results}
    assert outcomes == {
        first.public_id: "done", second.public_id: "done", stale.public_id: "conflict",
        theirs.public_id: "not_found", missing: "not_found",
    }  # fmt: skip
    stale.refresh_from_db()
    assert stale.state == "submitted"
    # Each item confirmed is reported as the confirmation left it, as the database holds it: what to act on next.
    for item in (first, second):
        item.refresh_from_db()
        done = next(r for r in results if r.evidence == item.public_id)
        assert (done.state, done.version) == (item.state, item.version) == ("confirmed", 3)
    conflict = next(r for r in results if r.outcome == "conflict")
    assert conflict.details["current_version"] == 2
