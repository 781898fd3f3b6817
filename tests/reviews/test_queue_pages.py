"""The review queues page by position: 50 items a page with the queue's length, a link to the next items that
carries the position of the last one shown, so that items decided or submitted meanwhile never make an item
shown twice or skipped; bulk confirmation on a later page; a position in the link that is not one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from portfolio.evidence.models import Evidence
from portfolio.people.models import Membership
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors import queues
from portfolio.reviews.selectors.queues import PAGE_SIZE, confirmation_queue_for_user, queue_page
from tests.factories import EvidenceFactory, World

pytestmark = pytest.mark.django_db

ITEM = re.compile(r'name="item" value="([0-9a-f-]+):\d+"')
NEXT = re.compile(r'<a href="(/reviews/confirmation/\?after=[^"]+)" rel="next">Next (\d+) items?</a>')


def _submitted(world: World, count: int, start: datetime.datetime) -> list[Evidence]:
    """`count` items waiting for the employer, submitted a minute apart from `start`, oldest first."""
    items = [
        EvidenceFactory.create(apprenticeship=world.apprenticeship, state="submitted", files=0) for _ in range(count)
    ]
    for minute, item in enumerate(items):
        Evidence.objects.filter(pk=item.pk).update(submitted_at=start + datetime.timedelta(minutes=minute))
    return items


def _shown(html: str) -> list[str]:
    return ITEM.findall(html)


@pytest.fixture
def size(monkeypatch: pytest.MonkeyPatch) -> int:
    """Pages of 4 items, so a few items make several pages (the page size itself is tested with 50)."""
    monkeypatch.setattr(queues, "PAGE_SIZE", 4)
    return 4


def _next(html: str) -> str:
    found = NEXT.search(html)
    assert found, "no link to the next items"
    return found.group(1).replace("&amp;", "&")


def test_the_queue_shows_50_with_the_count_and_links_to_the_rest(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    items = _submitted(own, PAGE_SIZE + 5, timezone.now() - datetime.timedelta(days=10))
    client.force_login(own.line_manager)

    first = client.get("/reviews/confirmation/").content.decode()
    assert _shown(first) == [str(e.public_id) for e in items[:PAGE_SIZE]]
    assert f"{PAGE_SIZE + 5} items waiting for your confirmation, oldest first: 1 to {PAGE_SIZE} shown." in first
    assert "Back to the oldest" not in first
    assert NEXT.search(first).group(2) == "5"  # type: ignore[union-attr]

    second = client.get(_next(first)).content.decode()
    assert _shown(second) == [str(e.public_id) for e in items[PAGE_SIZE:]]
    shown = f"{PAGE_SIZE + 1} to {PAGE_SIZE + 5} shown."
    assert f"{PAGE_SIZE + 5} items waiting for your confirmation, oldest first: {shown}" in second
    assert NEXT.search(second) is None
    assert '<a href="/reviews/confirmation/">Back to the oldest</a>' in second


def test_following_the_link_skips_and_repeats_nothing_when_items_come_and_go(
    client: Client, worlds: tuple[World, World], size: int
) -> None:
    own, _ = worlds
    start = timezone.now() - datetime.timedelta(days=10)
    items = _submitted(own, size + 3, start)
    client.force_login(own.line_manager)
    first = client.get("/reviews/confirmation/").content.decode()
    assert _shown(first) == [str(e.public_id) for e in items[:size]]
    link = _next(first)

    # Meanwhile: three items of the first page are confirmed (they leave the queue), two are submitted (they join
    # its end), and one submitted at the same moment as the last item shown, after it in the order.
    decided = [f"{e.public_id}:{e.version}" for e in items[:3]]
    assert b"Confirmed 3 of 3." in client.post("/reviews/confirmation/", {"item": decided}, follow=True).content
    later = _submitted(own, 2, timezone.now())
    [tie] = _submitted(own, 1, start + datetime.timedelta(minutes=size - 1))

    rest: list[str] = []
    while link:
        page = client.get(link).content.decode()
        rest += _shown(page)
        found = NEXT.search(page)
        link = found.group(1).replace("&amp;", "&") if found else ""
    # The tie was submitted at the same moment as the last item shown, with a greater id: it sorts after it.
    assert rest == [str(e.public_id) for e in (tie, *items[size:], *later)]
    # An offset would now start 3 items further on (skipping three never shown); by position nothing shown is
    # shown again and nothing is skipped.
    assert not set(rest) & set(_shown(first))


def test_the_bulk_confirmation_on_a_later_page_comes_back_to_it(
    client: Client, worlds: tuple[World, World], size: int
) -> None:
    own, _ = worlds
    items = _submitted(own, size + 2, timezone.now() - datetime.timedelta(days=3))
    client.force_login(own.line_manager)
    link = _next(client.get("/reviews/confirmation/").content.decode())
    page = client.get(link + "&select=all").content.decode()
    assert page.count(" checked") == 2  # "Select all" selects the items shown, on this page
    assert f'action="{link}"' in page

    response = client.post(link, {"item": [f"{e.public_id}:{e.version}" for e in items[size:]]})
    assert response.status_code == 302
    assert response["Location"] == link
    after = client.get(response["Location"]).content.decode()
    assert "Confirmed 2 of 2." in after
    assert "Nothing more is waiting for your confirmation after the items you saw." in after
    assert Evidence.objects.filter(pk__in=[e.pk for e in items[size:]], state="confirmed").count() == 2


@pytest.mark.parametrize("after", ["garbage", "~", "2025-13-45T00:00:00~1", "~x", "~1~2", ""])
def test_a_position_that_is_not_one_shows_the_oldest(client: Client, worlds: tuple[World, World], after: str) -> None:
    own, _ = worlds
    [item] = _submitted(own, 1, timezone.now())
    client.force_login(own.line_manager)
    html = client.get("/reviews/confirmation/", {"after": after}).content.decode()
    assert _shown(html) == [str(item.public_id)]


def test_items_never_submitted_sort_last_and_page_in_order(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    now = timezone.now()
    items = _submitted(own, 7, now - datetime.timedelta(days=1))
    # Two at the same moment (the id decides), two without a submission time (last, by id).
    Evidence.objects.filter(pk=items[1].pk).update(submitted_at=now - datetime.timedelta(days=2))
    Evidence.objects.filter(pk=items[4].pk).update(submitted_at=now - datetime.timedelta(days=2))
    Evidence.objects.filter(pk__in=[items[0].pk, items[5].pk]).update(submitted_at=None)
    expected = [items[1], items[4], items[2], items[3], items[6], items[0], items[5]]

    queue = confirmation_queue_for_user(user=own.line_manager)
    seen, after, firsts = [], None, []
    while True:
        page = queue_page(queue, after=after, size=2)
        assert page.total == 7
        firsts.append(page.first)
        seen += [item.public_id for item in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == [e.public_id for e in expected]
    assert firsts == [1, 3, 5, 7]


def test_another_organisations_line_manager_sees_no_item_on_any_page(
    client: Client, worlds: tuple[World, World], size: int
) -> None:
    own, other = worlds
    items = _submitted(own, size + 1, timezone.now() - datetime.timedelta(days=1))
    client.force_login(own.line_manager)
    link = _next(client.get("/reviews/confirmation/").content.decode())
    client.force_login(other.line_manager)
    for url in ("/reviews/confirmation/", link):
        html = client.get(url).content.decode()
        assert _shown(html) == []
        assert not any(str(e.public_id) in html for e in items)


def test_the_acceptance_queue_pages_the_same_way(client: Client, worlds: tuple[World, World], size: int) -> None:
    own, other = worlds
    items = [
        EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed", files=0) for _ in range(size + 1)
    ]
    start = timezone.now() - datetime.timedelta(hours=1)
    for minute, item in enumerate(items):
        Evidence.objects.filter(pk=item.pk).update(submitted_at=start + datetime.timedelta(minutes=minute))
    shown = re.compile(r'<h2 class="review-item-title"><a href="/reviews/evidence/([0-9a-f-]+)/">')
    client.force_login(own.assessor)
    first = client.get("/reviews/acceptance/").content.decode()
    assert shown.findall(first) == [str(e.public_id) for e in items[:size]]
    assert f"{size + 1} items waiting for your provider's decision, oldest first: 1 to {size} shown." in first
    link = re.search(r'<a href="(/reviews/acceptance/\?after=[^"]+)" rel="next">Next 1 item</a>', first)
    assert link
    second = client.get(link.group(1)).content.decode()
    assert shown.findall(second) == [str(items[-1].public_id)]
    client.force_login(other.assessor)
    assert shown.findall(client.get(link.group(1)).content.decode()) == []


def test_each_queue_opens_for_its_reviewers_alone(client: Client, worlds: tuple[World, World]) -> None:
    """The queues check the role with the header's kinds of access ("employer", "reviewer"): the same people as an
    active membership in the reviewer roles, an inactive one or another role refused."""
    own, _ = worlds
    assert set(EMPLOYER_REVIEWER_ROLES) == Membership.EMPLOYER_ROLES
    assert set(PROVIDER_REVIEWER_ROLES) == {Membership.Role.ASSESSOR, Membership.Role.TUTOR}
    opens = {
        "/reviews/confirmation/": (own.line_manager, own.mentor),
        "/reviews/acceptance/": (own.assessor, own.tutor),
    }
    everyone = (own.line_manager, own.mentor, own.assessor, own.tutor, own.iqa, own.admin, own.apprentice)
    for url, reviewers in opens.items():
        for user in everyone:
            client.force_login(user)
            assert client.get(url).status_code == (200 if user in reviewers else 403), (url, user)
    Membership.objects.filter(user=own.line_manager).update(is_active=False)
    client.force_login(own.line_manager)
    assert client.get("/reviews/confirmation/").status_code == 403
