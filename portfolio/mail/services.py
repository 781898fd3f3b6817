"""The mail outbox: owe a mail in the caller's transaction, send it once after commit, retry with backoff.

Every email the app sends goes through here, so a request never fails because the SMTP server does: the
request only writes a row. Sending happens in a task after commit (`mail.send`, or `mail.send_all` for the mails
owed together) and again in the periodic `mail.send_owed` for whatever is still owed and due.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from portfolio.core.dispatch import task_send
from portfolio.mail.models import OutgoingMail

logger = logging.getLogger(__name__)

# The task sent after commit tries first; the periodic sender waits this long before treating a mail as
# lost, so the two rarely meet (when they do, the row lock makes one of them send nothing).
FIRST_SEND_GRACE = timedelta(minutes=2)
BLANKED_BODY = "(This email carried a single-use link; its text is not kept once sent.)"


_suppressed: ContextVar[bool] = ContextVar("mail_suppressed", default=False)


@contextmanager
def mail_suppressed() -> Iterator[None]:
    """Mail owed inside this block is recorded as given up, never sent (demo data nobody reads)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


@dataclass(frozen=True)
class SendOutcome:
    sent: bool
    retry_in: float | None  # seconds until the next attempt is due, when this one failed and another is owed


@dataclass(frozen=True)
class Owed:
    """One email to owe: see `mail_enqueue_all`."""

    to: str
    subject: str
    body: str
    kind: str
    contains_secret: bool = False


def mail_enqueue(*, to: str, subject: str, body: str, kind: str, contains_secret: bool = False) -> OutgoingMail:
    """Owe one email, in the caller's transaction; it is sent by a task once that transaction commits."""
    (mail,) = mail_enqueue_all(
        mails=[Owed(to=to, subject=subject, body=body, kind=kind, contains_secret=contains_secret)]
    )
    return mail


def mail_enqueue_all(*, mails: Iterable[Owed]) -> list[OutgoingMail]:
    """Owe several emails in one insert, in the caller's transaction; once that transaction commits they are sent
    by one task (a readiness event tells half a dozen people at once), each on its own (`mail_send`)."""
    now = timezone.now()
    suppressed = _suppressed.get()
    rows = [
        OutgoingMail(
            kind=mail.kind, to=mail.to, subject=mail.subject[:255], body="", given_up_at=now,
            last_error="suppressed: not sent",
        )
        if suppressed
        else OutgoingMail(
            kind=mail.kind, to=mail.to, subject=mail.subject[:255], body=mail.body,
            contains_secret=mail.contains_secret, created_at=now, next_attempt_at=now + FIRST_SEND_GRACE,
        )
        for mail in mails
    ]  # fmt: skip
    created = OutgoingMail.objects.bulk_create(rows)
    if created and not suppressed:
        # robust: a broker that cannot be reached is logged, never raised into the request that already
        # committed; the rows stay owed and the periodic sender sends them.
        transaction.on_commit(partial(_dispatch, [mail.pk for mail in created]), robust=True)
    return created


def _dispatch(mail_ids: list[int]) -> None:
    # One task for the lot: a task costs the worker ~3 ms of CPU before it does anything, sending a mail ~2 ms.
    if len(mail_ids) == 1:
        task_send("mail.send", mail_ids[0], ignore_result=True)
    else:
        task_send("mail.send_all", mail_ids, ignore_result=True)


def mail_send(*, mail_id: int) -> SendOutcome:
    """Send one owed mail, unless it is sent, given up, gone, or being sent by someone else right now.

    The row stays locked while the SMTP conversation runs and `sent_at` commits with the lock's release, so a
    duplicated task (two deliveries of one message, the periodic sender meeting the first task) sends once:
    the second finds the row locked (skip_locked: it returns at once) or already sent. The one gap left is the
    database failing after the SMTP server accepted the mail: then it is sent again, never lost.
    """
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, sent_at__isnull=True, given_up_at__isnull=True)
            .first()
        )
        if mail is None:
            return SendOutcome(sent=False, retry_in=None)
        mail.attempts += 1
        try:
            EmailMessage(
                subject=mail.subject, body=mail.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[mail.to]
            ).send()
        except Exception as exc:
            return _record_failure(mail, exc)
        mail.sent_at = timezone.now()
        mail.last_error = ""
        if mail.contains_secret:
            mail.body = BLANKED_BODY
        mail.save(update_fields=["sent_at", "attempts", "last_error", "body"])
    return SendOutcome(sent=True, retry_in=None)


def _record_failure(mail: OutgoingMail, exc: Exception) -> SendOutcome:
    now = timezone.now()
    mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    retry_in: float | None = None
    if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
        mail.given_up_at = now
        if mail.contains_secret:
            mail.body = BLANKED_BODY
        logger.error("mail %s to %s given up after %s attempts: %s", mail.pk, mail.to, mail.attempts, mail.last_error)
    else:
        retry_in = float(
            min(settings.MAIL_RETRY_BASE_SECONDS * 2 ** (mail.attempts - 1), settings.MAIL_RETRY_MAX_SECONDS)
        )
        mail.next_attempt_at = now + timedelta(seconds=retry_in)
        logger.warning("mail %s to %s not sent (attempt %s): %s", mail.pk, mail.to, mail.attempts, mail.last_error)
    mail.save(update_fields=["attempts", "last_error", "next_attempt_at", "given_up_at", "body"])
    return SendOutcome(sent=False, retry_in=retry_in)


def mail_claim_due(*, limit: int = 200, lease: timedelta = timedelta(minutes=10)) -> list[int]:
    """Owed mails that are due, each pushed a lease into the future as it is taken: a second periodic run (or
    two beat processes) does not hand the same mail out again while its send is queued. A failed send sets
    its own next attempt; a send lost with its worker comes due again when the lease ends."""
    with transaction.atomic():
        ids = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutgoingMail.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now() + lease)
    return ids


def mail_owed_ids(*, limit: int = 200) -> list[int]:
    """Owed mails that are due: their task was lost, or failed and waited out its backoff."""
    return list(
        OutgoingMail.objects.filter(sent_at__isnull=True, given_up_at__isnull=True, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def mail_retry_now(*, mail_ids: list[int]) -> int:
    """Make owed or given-up mails due now (after an SMTP outage is fixed, say); the periodic sender sends them.

    A given-up mail whose body held a secret link was blanked and is not revived: send a new invitation or reset.
    """
    return (
        OutgoingMail.objects.filter(pk__in=mail_ids, sent_at__isnull=True)
        .exclude(given_up_at__isnull=False, contains_secret=True)
        .update(given_up_at=None, attempts=0, next_attempt_at=timezone.now())
    )
