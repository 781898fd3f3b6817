"""The coverage SQL names states and kinds through the models' choices, written as literals by `literal`, which
takes plain words only: a value that would need quoting is refused, never quoted."""

from __future__ import annotations

import pytest

from portfolio.coverage import sql
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag


def test_a_choice_becomes_a_literal() -> None:
    assert sql.literal(EvidenceTag.State.ACCEPTED) == "'accepted'"
    assert f"g.state = {sql.literal(EvidenceTag.State.ACCEPTED)} " in sql.TAG_COUNTS
    assert f"f.state <> {sql.literal(EvidenceFile.State.VERIFIED)}" in sql.TAG_COUNTS
    assert set(sql.NOT_COUNTING_STATES) <= set(Evidence.State.values)


@pytest.mark.parametrize("value", ["", "accepted'", "a b", "x'); DROP TABLE evidence_evidence; --", "é"])
def test_anything_but_a_plain_word_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not a plain choice value"):
        sql.literal(value)
