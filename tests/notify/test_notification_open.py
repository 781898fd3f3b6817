"""Opening a notification marks it read and goes where it points; times read "just now", not "0 minutes ago"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from portfolio.notify.models import Notification
from portfolio.notify.selectors import notification_unread_badge
from portfolio.notify.services.notifications import notify_users
from tests.factories import build_world


@pytest.mark.django_db
def test_opening_a_notification_marks_only_it_read_and_follows_its_link(client: Client) -> None:
    own, _ = build_world()
    [opened, other] = [
        notify_users(recipients=[own.apprentice], kind="evidence.returned", title=title, link="/reviews/returned/")[0]
        for title in ("First", "Second")
    ]
    client.force_login(own.apprentice)
    page = client.get("/notifications/").content.decode()
    assert f'href="/notifications/{opened.public_id}/open/"' in page

    response = client.get(f"/notifications/{opened.public_id}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/reviews/returned/"
    opened.refresh_from_db()
    other.refresh_from_db()
    assert opened.read_at is not None
    assert other.read_at is None
    assert notification_unread_badge(user=own.apprentice) == "1"


@pytest.mark.django_db
def test_someone_elses_notification_is_not_found_and_stays_unread(client: Client) -> None:
    own, other = build_world()
    [theirs] = notify_users(recipients=[other.apprentice], kind="evidence.returned", title="T", link="/x/")
    client.force_login(own.apprentice)
    assert client.get(f"/notifications/{theirs.public_id}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "", "/\\evil.example"])
def test_a_link_off_the_site_is_never_followed(client: Client, link: str) -> None:
    own, _ = build_world()
    [notification] = notify_users(recipients=[own.apprentice], kind="k", title="T", link=link)
    client.force_login(own.apprentice)
    response = client.get(f"/notifications/{notification.public_id}/open/")
    assert response["Location"] == "/notifications/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.django_db
def test_a_fresh_notification_says_just_now_and_an_older_one_how_long_ago(client: Client) -> None:
    own, _ = build_world()
    notify_users(recipients=[own.apprentice], kind="k", title="Fresh")
    [older] = notify_users(recipients=[own.apprentice], kind="k", title="Older")
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    client.force_login(own.apprentice)
    page = client.get("/notifications/").content.decode()
    assert "just now" in page
    assert "5\xa0minutes ago" in page
    assert "0\xa0minutes" not in page
