"""One apprenticeship's whole evidence list, read by queries compiled once per process (`evidence_rows_of`), holds
what the ORM reads for the same list (`evidence_list_rows` of `evidence_list_of`): every row, in its order, with its
files and tags, for apprenticeships of two providers, cut at the limit; and the page uses it only unfiltered."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portfolio.evidence import selectors
from portfolio.evidence.models import Evidence
from portfolio.evidence.selectors import evidence_list_of, evidence_list_rows, evidence_rows_of
from tests.factories import EvidenceFactory, build_world

pytestmark = pytest.mark.django_db


def _rows(items: list[Any]) -> list[dict[str, Any]]:
    return [vars(item) for item in items]


def test_the_compiled_rows_are_the_orm_rows() -> None:
    first, second = build_world()
    for world in (first, second):
        EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=("K1", "S1"), files=2, state="submitted")
        EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0)
        EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=("S1",), files=1, state="accepted")
    empty = build_world()[0].apprenticeship
    for apprenticeship in (first.apprenticeship, second.apprenticeship, empty):
        for limit in (500, 2):
            expected = evidence_list_rows(queryset=evidence_list_of(apprenticeship=apprenticeship), limit=limit)
            assert _rows(evidence_rows_of(apprenticeship=apprenticeship, limit=limit)) == _rows(expected)
    shown = evidence_rows_of(apprenticeship=first.apprenticeship, limit=500)
    assert sorted(len(item.tag_codes) for item in shown) == [0, 1, 2]
    assert sorted(item.file_count for item in shown) == [0, 1, 2]


def test_the_page_reads_the_compiled_rows_only_unfiltered(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    world, _ = build_world()
    EvidenceFactory.create(apprenticeship=world.apprenticeship, title="Draft item", tags=(), files=0)
    EvidenceFactory.create(apprenticeship=world.apprenticeship, title="Sent item", state="submitted")
    asked: list[str] = []

    def compiled(**kwargs: Any) -> Any:
        asked.append("compiled")
        return selectors.evidence_rows_of(**kwargs)

    monkeypatch.setattr("portfolio.evidence.views.evidence_rows_of", compiled)
    client.force_login(world.apprentice)
    url = f"/apprenticeships/{world.apprenticeship.public_id}/evidence/"
    page = client.get(url).content.decode()
    assert ("Draft item" in page, "Sent item" in page, asked) == (True, True, ["compiled"])
    page = client.get(url, {"state": Evidence.State.DRAFT}).content.decode()
    assert ("Draft item" in page, "Sent item" in page, asked) == (True, False, ["compiled"])
