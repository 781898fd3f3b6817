"""Creating notifications and sending their emails."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portfolio.notify.models import Notification


def notify_users(
    *, recipients: Iterable[Any], kind: str, title: str, body: str = "", link: str = "", email: bool = True
) -> list[Notification]:
    """Notify each distinct active recipient, in the caller's transaction; emails go out after commit."""
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
    ids = [n.pk for n in created if n.email_wanted]
    if ids:
        from workers.tasks.notify import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


def notification_send_email(*, notification_id: int) -> bool:
    """Send one notification's email unless it went already. Safe to run twice: the row is locked and marked."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, email_wanted=True, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        notification.email_attempts += 1
        # Through the "open" page, like the link on the site: following it from the email marks it read too.
        opened = reverse("notification-open", kwargs={"public_id": notification.public_id})
        link = f"{settings.SITE_URL.rstrip('/')}{opened}" if notification.link else settings.SITE_URL
        send_mail(
            subject=notification.title,
            message=f"{notification.body}\n\n{link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "email_attempts"])
    return True


def notification_emails_owed(*, older_than: timedelta = timedelta(minutes=2), limit: int = 500) -> list[int]:
    """Emails whose task was lost (broker down, worker died): the periodic resend picks these up."""
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(
            email_wanted=True, emailed_at__isnull=True, created_at__lt=cutoff, email_attempts__lt=10
        ).values_list("pk", flat=True)[:limit]
    )


def notification_mark_read(*, user: Any, public_ids: Iterable[Any] | None = None) -> int:
    """Mark the user's notifications read (all of them when no ids are given)."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if public_ids is not None:
        queryset = queryset.filter(public_id__in=list(public_ids))
    return queryset.update(read_at=timezone.now())
