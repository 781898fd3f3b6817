"""`GET /api/evidence/` pages by position (api/pagination.py), newest first: every item the caller may see once, in
order, ties on one date included, forwards by `next` and back by `previous`; an item added meanwhile shifts no page;
a cursor that is not one, or a page number, is answered plainly; a page far down the list reads as many queries as
the first."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.evidence.items import EvidencePagination
from portfolio.evidence.models import Evidence
from tests.factories import EvidenceFactory
from tests.factories.world import World, build_world

pytestmark = pytest.mark.django_db

# Seven items at the world's apprenticeship, three of them on one date; two at another provider's.
DATES = [datetime.date(2025, 10, day) for day in (1, 3, 3, 3, 5, 7, 9)]


def _items(world: World, other: World) -> list[str]:
    for day in DATES:
        EvidenceFactory.create(apprenticeship=world.apprenticeship, occurred_on=day, tags=(), files=0)
    for elsewhere in (2, 4):
        EvidenceFactory.create(
            apprenticeship=other.apprenticeship, occurred_on=datetime.date(2025, 10, elsewhere), files=0
        )
    newest_first = Evidence.objects.filter(apprenticeship=world.apprenticeship).order_by("-occurred_on", "-id")
    return [str(public_id) for public_id in newest_first.values_list("public_id", flat=True)]


def _follow(client: Client, url: str | None, link: str) -> tuple[list[list[str]], str | None]:
    pages: list[list[str]] = []
    last_url = url
    while url:
        body = client.get(url).json()
        assert "count" not in body
        pages.append([row["id"] for row in body["results"]])
        last_url, url = url, body[link]
    return pages, last_url


def test_the_list_is_read_once_forwards_and_the_same_pages_backwards(client: Client, monkeypatch: Any) -> None:
    world, other = build_world()
    expected = _items(world, other)
    monkeypatch.setattr(EvidencePagination, "page_size", 3)
    client.force_login(world.tutor)

    first = client.get("/api/evidence/").json()
    assert first["previous"] is None
    # Added after the first page was read, dated newest: before every page still to come, so it shifts none.
    added = EvidenceFactory.create(apprenticeship=world.apprenticeship, occurred_on=datetime.date(2025, 11, 1), files=0)
    pages, last_url = _follow(client, first["next"], "next")
    pages = [[row["id"] for row in first["results"]], *pages]
    assert pages == [expected[0:3], expected[3:6], expected[6:7]]

    # Back from the last page by `previous`: the same pages, in the same order within each, then the item added
    # meanwhile, before them all.
    assert last_url is not None
    back, _ = _follow(client, client.get(last_url).json()["previous"], "previous")
    assert back == [expected[3:6], expected[0:3], [str(added.public_id)]]


def test_another_organisations_person_reads_none_of_it_whatever_the_cursor(client: Client, monkeypatch: Any) -> None:
    world, other = build_world()
    _items(world, other)
    monkeypatch.setattr(EvidencePagination, "page_size", 3)
    client.force_login(world.tutor)
    cursor = client.get("/api/evidence/").json()["next"]
    client.force_login(other.tutor)
    body = client.get(cursor).json()
    theirs = set(Evidence.objects.filter(apprenticeship=other.apprenticeship).values_list("public_id", flat=True))
    assert {row["id"] for row in body["results"]} <= {str(public_id) for public_id in theirs}


def _encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        _encoded("n2025-10-03"),  # a date without the id
        _encoded("n2025-13-01~5"),  # no such date
        _encoded("x2025-10-03~5"),  # neither direction
        _encoded("p~5"),  # no date: the list's dates are never empty
        _encoded("nabc~def"),
    ],
)
def test_a_cursor_that_is_not_one_is_named(client: Client, cursor: str) -> None:
    world, other = build_world()
    _items(world, other)
    client.force_login(world.tutor)
    response = client.get("/api/evidence/", {"cursor": cursor})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["details"])) == ("invalid", ["cursor"])


def test_a_page_number_is_refused_saying_to_follow_the_links(client: Client) -> None:
    world, _ = build_world()
    client.force_login(world.tutor)
    response = client.get("/api/evidence/", {"page": "2"})
    assert response.status_code == 400
    assert "follow the `next`" in response.json()["details"]["page"][0]


def test_a_page_far_down_the_list_reads_as_many_queries_as_the_first(client: Client, monkeypatch: Any) -> None:
    world, other = build_world()
    _items(world, other)
    monkeypatch.setattr(EvidencePagination, "page_size", 2)
    client.force_login(world.tutor)
    with CaptureQueriesContext(connection) as first_page:
        body = client.get("/api/evidence/").json()
    for _ in range(2):
        body = client.get(body["next"]).json()
    with CaptureQueriesContext(connection) as later_page:
        assert client.get(body["next"]).json()["results"]
    assert len(later_page.captured_queries) == len(first_page.captured_queries)
    # The later page reads from its position: no OFFSET in any query.
    assert not any("OFFSET" in query["sql"] for query in later_page.captured_queries)


def test_back_to_rows_removed_meanwhile_answers_the_first_page(client: Client, monkeypatch: Any) -> None:
    world, other = build_world()
    expected = _items(world, other)
    monkeypatch.setattr(EvidencePagination, "page_size", 3)
    client.force_login(world.tutor)
    second = client.get(client.get("/api/evidence/").json()["next"]).json()
    assert [row["id"] for row in second["results"]] == expected[3:6]
    Evidence.objects.filter(public_id__in=expected[:3]).delete()  # everything before the second page

    back = client.get(second["previous"]).json()
    assert [row["id"] for row in back["results"]] == expected[3:6]  # the list's first page now
    assert back["previous"] is None
    assert back["next"] is not None
