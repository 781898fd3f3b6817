"""Creating notifications; their emails go through the mail outbox (portfolio/mail)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portfolio.mail.services import Owed, mail_enqueue_all
from portfolio.notify.models import Notification


def notify_users(
    *, recipients: Iterable[Any], kind: str, title: str, body: str = "", link: str = "", email: bool = True
) -> list[Notification]:
    """Notify each distinct active recipient, in the caller's transaction; their emails are owed in the mail
    outbox in the same transaction and go out after commit."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
                email_wanted=email and bool(user.email),
            )
        )
    created = Notification.objects.bulk_create(rows)
    mail_enqueue_all(
        mails=[
            Owed(
                to=notification.recipient.email,
                subject=notification.title,
                body=notification_email_body(notification=notification),
                kind=f"notification.{notification.kind}"[:64],
            )
            for notification in created
            if notification.email_wanted
        ]
    )
    return created


def notification_email_body(*, notification: Notification) -> str:
    # Through the "open" page, like the link on the site: following it from the email marks it read too.
    opened = reverse("notification-open", kwargs={"public_id": notification.public_id})
    link = f"{settings.SITE_URL.rstrip('/')}{opened}" if notification.link else settings.SITE_URL
    return f"{notification.body}\n\n{link}\n"


def notification_mark_read(*, user: Any, public_ids: Iterable[Any] | None = None) -> int:
    """Mark the user's notifications read (all of them when no ids are given)."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if public_ids is not None:
        queryset = queryset.filter(public_id__in=list(public_ids))
    return queryset.update(read_at=timezone.now())
