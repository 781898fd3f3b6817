"""`review_evidence_get_for_user`: the scoped read every decision and review page starts with, compiled once per
process for a person in their organisations' scope, answers what the ORM's scoped `get` answers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.http import Http404

from portfolio.evidence.models import Evidence
from portfolio.reviews.selectors.evidence import (
    review_evidence_after_decision,
    review_evidence_get_for_user,
    review_evidence_list_for_user,
)
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from tests.factories import EvidenceFactory, UserFactory, World

pytestmark = pytest.mark.django_db

PEOPLE = ("apprentice", "tutor", "assessor", "iqa", "admin", "line_manager", "mentor")


def _values(instance: Any) -> list[Any]:
    return [getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields]


def _orm(user: Any, public_id: Any) -> Evidence | None:
    try:
        return review_evidence_list_for_user(user=user).get(public_id=public_id)
    except (Evidence.DoesNotExist, ValueError, Exception):
        return None


def _compiled(user: Any, public_id: Any) -> Evidence | None:
    try:
        return review_evidence_get_for_user(user=user, public_id=public_id)
    except Http404:
        return None


def test_the_same_item_and_joined_rows_as_the_orm_for_everyone_in_both_worlds(
    worlds: tuple[World, World], django_assert_num_queries: Any
) -> None:
    own, other = worlds
    items = [
        EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted", title="Own"),
        EvidenceFactory.create(apprenticeship=other.apprenticeship, state="confirmed", title="Other"),
    ]
    ids = [item.public_id for item in items] + [uuid.uuid4(), str(items[0].public_id), "not-a-uuid"]
    superuser = UserFactory.create(is_superuser=True)
    inactive = UserFactory.create(is_active=False)
    people = [getattr(world, role) for world in (own, other) for role in PEOPLE] + [superuser, inactive]
    found = 0
    for person in people:
        for public_id in ids:
            expected, got = _orm(person, public_id), _compiled(person, public_id)
            assert (got is None) == (expected is None), (person.email, public_id)
            if got is None or expected is None:
                continue
            found += 1
            with django_assert_num_queries(0):  # the joined rows come with it, as select_related brings them
                joined = [got, got.apprenticeship, got.apprenticeship.apprentice, got.author]
            assert [_values(instance) for instance in joined] == [
                _values(instance)
                for instance in (expected, expected.apprenticeship, expected.apprenticeship.apprentice, expected.author)
            ]
            assert not got._state.adding
    # Each world's seven see their own item (the first world's by its UUID and as text), nobody the other's; the
    # superuser sees both, the inactive person neither.
    assert found == 7 * 2 + 7 + 3
    with pytest.raises(Http404):
        review_evidence_get_for_user(user=other.tutor, public_id=items[0].public_id)


def test_the_item_after_a_decision_is_the_orms_with_all_its_answer_shows(
    worlds: tuple[World, World], django_assert_num_queries: Any
) -> None:
    """`review_evidence_after_decision`: the item by its key (compiled), with its apprentice, its tags with their
    statements and deciders and the decision's verdicts, in three queries; nothing more is read to answer."""
    own, other = worlds
    for world in (own, other):
        evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, state="confirmed")
        decision = evidence_accept(
            actor=world.assessor,
            evidence=evidence,
            expected_version=evidence.version,
            tags=[TagVerdict("K1", True), TagVerdict("S1", False, "Not shown.")],
        )
        with django_assert_num_queries(3):
            got = review_evidence_after_decision(decision=decision)
        expected = Evidence.objects.select_related("apprenticeship__apprentice").get(pk=evidence.pk)
        with django_assert_num_queries(0):
            tags = [(t.statement.code, t.state, t.comment, t.decided_by, t.decided_at) for t in got.tags.all()]
            verdicts = [(t.statement.code, t.accepted, t.comment) for t in decision.tag_decisions.all()]
            joined = [got, got.apprenticeship, got.apprenticeship.apprentice]
        assert [_values(i) for i in joined] == [
            _values(i) for i in (expected, expected.apprenticeship, expected.apprenticeship.apprentice)
        ]
        assert (got.state, got.version) == ("accepted", evidence.version + 1)
        assert tags == [
            (t.statement.code, t.state, t.comment, t.decided_by, t.decided_at)
            for t in expected.tags.select_related("statement", "decided_by")
        ]
        assert [tag[:4] for tag in tags] == [
            ("K1", "accepted", "", world.assessor),
            ("S1", "declined", "Not shown.", world.assessor),
        ]
        assert verdicts == [("K1", True, ""), ("S1", False, "Not shown.")]
