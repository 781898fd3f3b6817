from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from portfolio.mail.models import OutgoingMail
from portfolio.mail.services import mail_owed_ids, mail_send
from portfolio.notify.models import Notification
from portfolio.notify.selectors import notification_unread_badge
from portfolio.notify.services.notifications import notification_mark_read, notify_users
from tests.factories import build_world


@pytest.mark.django_db
def test_each_recipient_is_notified_once_and_emailed_once(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    own, _ = build_world()
    created = notify_users(
        recipients=[own.tutor, own.tutor, own.assessor, None],
        kind="evidence.submitted",
        title="New evidence to review",
        body="Sam submitted 'Site survey'.",
        link="/evidence/x/",
    )
    assert sorted(n.recipient_id for n in created) == sorted([own.tutor.pk, own.assessor.pk])

    owed = OutgoingMail.objects.filter(kind="notification.evidence.submitted")
    assert sorted(owed.values_list("to", flat=True)) == sorted([own.tutor.email, own.assessor.email])
    for outgoing in owed:
        assert mail_send(mail_id=outgoing.pk).sent is True
        assert mail_send(mail_id=outgoing.pk).sent is False  # a second run sends nothing
    assert sorted(m.to[0] for m in mail.outbox) == sorted([own.tutor.email, own.assessor.email])
    # The email links through the "open" page, so following it from the email marks it read too.
    by_address = {m.to[0]: m.body for m in mail.outbox}
    for notification in created:
        assert f"/notifications/{notification.public_id}/open/" in by_address[notification.recipient.email]


@pytest.mark.django_db
def test_unsent_emails_are_owed_after_a_while_and_read_marks_are_per_user() -> None:
    own, other = build_world()
    notify_users(recipients=[own.apprentice], kind="evidence.returned", title="Returned")
    notify_users(recipients=[other.apprentice], kind="evidence.returned", title="Returned")
    mine = OutgoingMail.objects.get(to=own.apprentice.email)
    assert mine.pk not in mail_owed_ids()  # its task, sent after commit, goes first
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert mine.pk in mail_owed_ids()

    assert notification_unread_badge(user=own.apprentice) == "1"
    assert notification_mark_read(user=own.apprentice) == 1
    assert notification_unread_badge(user=own.apprentice) == ""
    assert notification_unread_badge(user=other.apprentice) == "1"


@pytest.mark.django_db
def test_notification_pages_and_api_show_only_your_own(client: Any) -> None:
    from rest_framework.test import APIClient

    own, other = build_world()
    notify_users(recipients=[own.apprentice], kind="evidence.returned", title="Your site survey was returned")
    notify_users(recipients=[other.apprentice], kind="evidence.returned", title="Someone else's item")

    client.force_login(own.apprentice)
    page = client.get("/notifications/").content.decode()
    assert "Your site survey was returned" in page
    assert "Someone else" not in page
    assert 'class="badge">1' in client.get("/notifications/").content.decode()

    api = APIClient()
    api.force_authenticate(other.apprentice)
    titles = [n["title"] for n in api.get("/api/notifications/").json()["results"]]
    assert titles == ["Someone else's item"]
    forged = api.post(
        "/api/notifications/read/",
        {"ids": [str(Notification.objects.get(recipient=own.apprentice).public_id)]},
        format="json",
    )
    assert forged.json() == {"marked": 0}
    assert notification_unread_badge(user=own.apprentice) == "1"


@pytest.mark.django_db
def test_the_unread_filter_takes_the_shared_yes_no_spellings_and_refuses_others(client: Any) -> None:
    own, _ = build_world()
    first, second = (
        notify_users(recipients=[own.apprentice], kind="evidence.returned", title=title)[0] for title in ("A", "B")
    )
    notification_mark_read(user=own.apprentice, public_ids=[first.public_id])
    client.force_login(own.apprentice)
    for spelling in ("true", "TRUE", "yes", "1", "on"):
        rows = client.get("/api/notifications/", {"unread": spelling}).json()["results"]
        assert [row["id"] for row in rows] == [str(second.public_id)], spelling
    for spelling in ("false", "no", "0", ""):
        assert len(client.get("/api/notifications/", {"unread": spelling}).json()["results"]) == 2, spelling
    bad = client.get("/api/notifications/", {"unread": "maybe"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert bad.json()["details"]["unread"][0].startswith("“maybe” is neither yes nor no")


@pytest.mark.django_db
@pytest.mark.parametrize(("unread", "badge"), [(0, ""), (1, "1"), (99, "99"), (100, "99+"), (250, "99+")])
def test_the_header_badge_counts_up_to_99(client: Any, unread: int, badge: str) -> None:
    """Every page reads the badge: past 99 it says 99+, and counts no further than that."""
    own, other = build_world()
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(recipient=own.tutor, kind="readiness.changed", title=f"Change {n}", created_at=now)
        for n in range(unread)
    )
    notify_users(recipients=[other.tutor], kind="readiness.changed", title="Someone else's")
    assert notification_unread_badge(user=own.tutor) == badge
    client.force_login(own.tutor)
    page = client.get("/notifications/").content.decode()
    if badge:
        assert f'class="badge">{badge}<' in page
    else:
        assert 'class="badge"' not in page
