from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from portfolio.reviews.services.accept import TagVerdict, TagVerdictsInvalid, evidence_accept
from portfolio.reviews.services.tags import tags_with_statements
from tests.factories import EvidenceFactory, World

pytestmark = pytest.mark.django_db


def test_each_bad_verdict_is_named_by_its_statement(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(
        apprenticeship=own.apprenticeship, state="confirmed", tags=("K1", "K2", "S1", "S2")
    )
    with pytest.raises(TagVerdictsInvalid) as error:
        evidence_accept(
            actor=own.assessor,
            evidence=evidence,
            expected_version=evidence.version,
            tags=[
                TagVerdict("K1", True),
                TagVerdict("K2", False),  # no comment
                TagVerdict("S1", False, "   "),  # blank is no comment
                TagVerdict("K9", True),  # not on the item
                TagVerdict("K1", False, "again"),  # twice
            ],  # S2 not decided
        )
    errors = error.value.per_tag
    assert set(errors) == {"K2", "S1", "K9", "K1", "S2"}
    assert "needs a comment" in errors["K2"]
    assert "needs a comment" in errors["S1"]
    assert "not tagged on this evidence" in errors["K9"]
    assert "twice" in errors["K1"]
    assert "not decided" in errors["S2"]
    evidence.refresh_from_db()
    assert evidence.state == "confirmed"
    assert not evidence.decisions.filter(action="accept").exists()


def test_declining_everything_is_a_return_not_an_acceptance(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed", tags=("K1",))
    with pytest.raises(ValidationError) as error:
        evidence_accept(
            actor=own.assessor,
            evidence=evidence,
            expected_version=evidence.version,
            tags=[TagVerdict("K1", False, "no")],
        )
    assert "return the evidence" in error.value.message_dict["tags"][0]


def test_the_tags_read_compiled_are_the_orms_with_their_statements(
    worlds: tuple[World, World], django_assert_num_queries: Any
) -> None:
    """`tags_with_statements` reads a query compiled once per process: for items of two providers, the ORM's tags in
    its order (the statements' positions), each with its statement, nothing more read; none for an untagged item."""
    own, other = worlds
    items = [
        EvidenceFactory.create(apprenticeship=own.apprenticeship, tags=("S2", "K1", "S1", "K2")),
        EvidenceFactory.create(apprenticeship=other.apprenticeship, tags=("K2",)),
        EvidenceFactory.create(apprenticeship=other.apprenticeship, tags=()),
    ]
    for evidence in items:
        expected = list(evidence.tags.select_related("statement"))
        with django_assert_num_queries(1):
            got = tags_with_statements(evidence=evidence)
        with django_assert_num_queries(0):
            read = [(tag.pk, tag.state, tag.statement.code, tag.statement.position) for tag in got]
        assert read == [(t.pk, t.state, t.statement.code, t.statement.position) for t in expected]
    positions = [tag.statement.position for tag in tags_with_statements(evidence=items[0])]
    assert len(positions) == 4
    assert positions == sorted(positions)
    assert tags_with_statements(evidence=items[2]) == []
