"""The readiness feeds (the page and the API) page by position, newest first: every event the reader may see once,
in order, ties on the same moment included; an event recorded meanwhile shifts nothing; a position or cursor that
is not one is answered plainly; and a page's queries do not grow with the feed."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.coverage import views as api_views
from portfolio.core.queries import Keyset
from portfolio.coverage import selectors
from portfolio.coverage.models import ReadinessEvent
from portfolio.people.models import Apprenticeship
from tests.factories import ApprenticeshipFactory
from tests.factories.world import World, build_world

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _event(apprenticeship: Apprenticeship, sequence: int, minutes_ago: int) -> ReadinessEvent:
    ready = sequence % 2 == 1
    return ReadinessEvent.objects.create(
        apprenticeship=apprenticeship, sequence=sequence, ready=ready, state="ready" if ready else "not_ready",
        previous_state="not_ready" if ready else "ready", coverage={},
        occurred_at=NOW - datetime.timedelta(minutes=minutes_ago),
    )  # fmt: skip


def _feed(world: World, other: World) -> list[ReadinessEvent]:
    """Seven events at the world's provider (two apprenticeships; three of them at one moment), three elsewhere."""
    second = ApprenticeshipFactory.create(provider=world.provider, employer=world.employer, standard=world.standard)
    for sequence, minutes_ago in enumerate([50, 40, 30, 30], start=1):
        _event(world.apprenticeship, sequence, minutes_ago)
    for sequence, minutes_ago in enumerate([45, 30, 5], start=1):
        _event(second, sequence, minutes_ago)
    for sequence, minutes_ago in enumerate([35, 20, 1], start=1):
        _event(other.apprenticeship, sequence, minutes_ago)
    return list(ReadinessEvent.objects.filter(apprenticeship__provider=world.provider).order_by("-occurred_at", "-id"))


def test_the_api_feed_follows_its_cursor_through_every_event_once(client: Client, monkeypatch: Any) -> None:
    world, other = build_world()
    expected = _feed(world, other)
    monkeypatch.setattr(api_views.ReadinessFeedPagination, "page_size", 3)
    client.force_login(world.tutor)
    seen: list[str] = []
    url: str | None = "/api/readiness-events/"
    pages = 0
    while url:
        body = client.get(url).json()
        assert "count" not in body  # no page counts the feed
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
        if pages == 1:  # recorded meanwhile: newer than every page, so it shifts none of them
            _event(world.apprenticeship, 99, 0)
    assert seen == [str(event.public_id) for event in expected]
    assert pages == 3


@pytest.mark.parametrize("cursor", ["not-a-cursor", "cD0yMDI2", "cj0xJnA9bm90LWEtZGF0ZQ==", ""])
def test_the_api_feed_names_a_forged_cursor(client: Client, cursor: str) -> None:
    world, other = build_world()
    _feed(world, other)
    client.force_login(world.tutor)
    response = client.get(f"/api/readiness-events/?cursor={cursor}")
    if not cursor:  # no cursor: the newest page
        assert response.status_code == 200
        return
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["details"]) == ["cursor"]


def _older(html: str) -> str | None:
    found = re.search(r'href="(/readiness/\?after=[^"]+)" rel="next"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_feed_page_follows_its_positions_through_every_event_once(client: Client, monkeypatch: Any) -> None:
    world, other = build_world()
    expected = _feed(world, other)
    monkeypatch.setattr(selectors, "FEED_PAGE_SIZE", 3)
    client.force_login(world.tutor)
    seen: list[int] = []
    url: str | None = "/readiness/"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [event.pk for event in response.context["page"].events]
        html = response.content.decode()
        assert ("Back to the newest" in html) == (pages > 0)
        url, pages = _older(html), pages + 1
        if pages == 1:
            _event(world.apprenticeship, 99, 0)
    assert seen == [event.pk for event in expected]
    assert pages == 3


@pytest.mark.parametrize("after", ["nonsense", "2026-01-01T00:00:00+00:00", "~", "2026-13-45T00:00:00+00:00~5"])
def test_the_feed_page_starts_at_the_newest_for_a_position_that_is_not_one(client: Client, after: str) -> None:
    world, other = build_world()
    expected = _feed(world, other)
    client.force_login(world.tutor)
    response = client.get("/readiness/", {"after": after})
    assert response.status_code == 200
    assert [event.pk for event in response.context["page"].events] == [event.pk for event in expected]


def test_past_the_oldest_the_feed_page_says_so(client: Client) -> None:
    world, other = build_world()
    oldest = _feed(world, other)[-1]
    client.force_login(world.tutor)
    after = Keyset(ReadinessEvent, ("occurred_at", "id"), descending=True).key((oldest.occurred_at, oldest.pk))
    response = client.get("/readiness/", {"after": after})
    assert response.context["page"].events == []
    assert "No older changes of readiness" in response.content.decode()


def test_a_feed_page_reads_as_many_queries_for_a_long_feed_as_a_short_one(
    client: Client, django_assert_num_queries: Any
) -> None:
    world, other = build_world()
    _feed(world, other)
    client.force_login(world.tutor)
    counts = []
    for more in (0, 60):
        for sequence in range(more):
            _event(world.apprenticeship, 100 + sequence, 60 + sequence)
        with django_assert_num_queries(3):  # the session, the user, the page (no count)
            assert client.get("/api/readiness-events/").status_code == 200
        response = client.get("/readiness/")
        assert response.status_code == 200
        counts.append(len(response.context["page"].events))
    assert counts == [7, 50]


def test_more_events_at_one_moment_than_a_tie_count_could_skip_are_each_read_once(
    client: Client, monkeypatch: Any
) -> None:
    # A recompute pass records its events with one timestamp: thousands at one moment on a full pass. The cursor
    # carries the whole position (moment and id), not the moment and a count of its ties, which a cursor caps.
    world, _ = build_world()
    apprenticeships = ApprenticeshipFactory.create_batch(
        3, provider=world.provider, employer=world.employer, standard=world.standard
    )
    moment = {"ready": True, "state": "ready", "previous_state": "not_ready", "coverage": {}, "occurred_at": NOW}
    ReadinessEvent.objects.bulk_create(
        ReadinessEvent(apprenticeship=apprenticeships[index % 3], sequence=index // 3 + 1, **moment)
        for index in range(1_203)
    )
    monkeypatch.setattr(api_views.ReadinessFeedPagination, "page_size", 400)
    client.force_login(world.tutor)
    seen: list[str] = []
    url: str | None = "/api/readiness-events/"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 1_203
