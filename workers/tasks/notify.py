from __future__ import annotations

import smtplib

from celery import shared_task

from portfolio.notify.services.notifications import notification_emails_owed, notification_send_email


@shared_task(
    name="notify.send_emails",
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    return sum(notification_send_email(notification_id=i) for i in notification_ids)


@shared_task(name="notify.resend_owed_emails", acks_late=True)
def resend_owed_emails() -> int:
    """Periodic: emails whose task was lost are sent now (each one still goes at most once)."""
    owed = notification_emails_owed()
    if owed:
        send_notification_emails.delay(owed)
    return len(owed)
