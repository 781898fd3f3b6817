from __future__ import annotations

from celery import Task, shared_task

from portfolio.mail.services import mail_claim_due, mail_send


@shared_task(name="mail.send", bind=True, acks_late=True, max_retries=5)
def send_mail(self: Task, mail_id: int, retry: bool = True) -> bool:
    """Send one owed mail. A failure is recorded on the row (with when it is due again) and retried here with
    backoff a few times; after that, or when `retry` is off, the periodic `mail.send_owed` takes over."""
    outcome = mail_send(mail_id=mail_id)
    can_retry = retry and not self.request.is_eager and self.request.retries < (self.max_retries or 0)
    if outcome.retry_in is not None and can_retry:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.sent


@shared_task(name="mail.send_all", bind=True, acks_late=True)
def send_all_mail(self: Task, mail_ids: list[int]) -> int:
    """Send the mails owed by one transaction, one after another, each as `mail.send` would: one that fails is
    handed to `mail.send` as its first retry (the same backoff, the same number of retries after it). Returns how
    many were sent."""
    sent = 0
    for mail_id in mail_ids:
        outcome = mail_send(mail_id=mail_id)
        sent += outcome.sent
        if outcome.retry_in is not None and not self.request.is_eager:
            send_mail.apply_async((mail_id,), countdown=outcome.retry_in, retries=1, ignore_result=True)
    return sent


@shared_task(name="mail.send_owed", acks_late=True)
def send_owed_mail() -> int:
    """Periodic: every owed mail that is due gets one attempt; a failure waits out its backoff on the row.

    Sent as tasks without their own retries, so repeated runs never pile up retry chains for one mail.
    """
    owed = mail_claim_due()
    for mail_id in owed:
        send_mail.delay(mail_id, retry=False)
    return len(owed)
