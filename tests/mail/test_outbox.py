"""The mail outbox against real services: a worker process sending over SMTP to a local sink (tests/smtp_sink.py)
that the tests stop (its port then refuses connections, as an unreachable mail server does) and start again."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from portfolio.mail.models import OutgoingMail
from portfolio.mail.services import BLANKED_BODY, Owed, mail_enqueue, mail_enqueue_all, mail_send
from portfolio.people.models import Apprenticeship, Invitation
from portfolio.people.services.invitations import invitation_peek
from tests.conftest import WORKER_LOG, _free_port, wait_for_worker_idle
from tests.factories import UserFactory, apprenticeship_create_body, make_world
from tests.smtp_sink import SmtpSink
from workers.tasks.mail import send_mail, send_owed_mail


def _eventually(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s (see {WORKER_LOG})")
        time.sleep(0.1)


def _mail(**lookup: Any) -> OutgoingMail:
    return OutgoingMail.objects.get(**lookup)


@pytest.fixture
def sink(smtp_sink: SmtpSink) -> Iterator[SmtpSink]:
    yield smtp_sink
    smtp_sink.start()  # a test that stopped it must not leave the next one without a mail server


@pytest.mark.usefixtures("transactional_db", "celery_worker")
def test_smtp_down_the_invitation_is_created_and_its_mail_goes_once_when_smtp_returns(
    sink: SmtpSink, client: Client
) -> None:
    world = make_world()
    email = "new.tutor@example.org"
    sink.stop()
    client.force_login(world.admin)

    response = client.post(
        "/api/invitations/",
        {"email": email, "role": "tutor", "organisation": str(world.provider.public_id)},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get(email=email)
    owed = _mail(kind="invitation", to=email)
    assert owed.state == "owed"
    # The worker tried, after commit, and recorded why it could not send; the mail is still owed.
    _eventually(lambda: _mail(pk=owed.pk).attempts >= 1, "a first attempt")
    tried = _mail(pk=owed.pk)
    assert tried.state == "owed"
    assert "refused" in tried.last_error.lower()
    assert sink.to(email) == []

    sink.start()
    # The periodic sender finds it due (its backoff waited out) and sends it; the task's own retries may
    # meet it there: the row's lock and state let only one of them send.
    OutgoingMail.objects.filter(pk=owed.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    send_owed_mail.delay().get(timeout=30)
    _eventually(lambda: _mail(pk=owed.pk).sent_at is not None, "the mail sent")
    wait_for_worker_idle()

    [received] = sink.to(email)
    assert received["Subject"] == "You are invited to the apprentice portfolio"
    payload = received.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode()
    token = text.split("/accounts/invitations/", 1)[1].split("/", 1)[0]
    assert invitation_peek(token=token).pk == invitation.pk  # the mailed link is the invitation's
    sent = _mail(pk=owed.pk)
    assert sent.state == "sent"
    assert sent.body == BLANKED_BODY  # the link's secret is not kept once it has gone


@pytest.mark.usefixtures("transactional_db", "celery_worker")
def test_a_mail_whose_task_was_lost_is_sent_by_the_periodic_sender_once(sink: SmtpSink) -> None:
    # Written without its task (as if the message to the worker was lost) and already due.
    owed = OutgoingMail.objects.create(
        kind="test", to="lost@example.org", subject="Lost task", body="hello", next_attempt_at=timezone.now()
    )

    assert send_owed_mail.delay().get(timeout=30) >= 1
    _eventually(lambda: _mail(pk=owed.pk).sent_at is not None, "the mail sent")
    send_owed_mail.delay().get(timeout=30)  # nothing is owed now: a second run sends nothing
    wait_for_worker_idle()

    assert len(sink.to("lost@example.org")) == 1
    assert _mail(pk=owed.pk).attempts == 1


@pytest.mark.usefixtures("transactional_db", "celery_worker")
def test_a_duplicated_task_delivery_sends_once(sink: SmtpSink) -> None:
    owed = OutgoingMail.objects.create(kind="test", to="twice@example.org", subject="Once", body="hello")

    # Four deliveries of the same message at once (the worker runs four threads), then one more later.
    results = [send_mail.delay(owed.pk) for _ in range(4)]
    assert sum(bool(r.get(timeout=30)) for r in results) == 1
    assert send_mail.delay(owed.pk).get(timeout=30) is False
    wait_for_worker_idle()

    assert len(sink.to("twice@example.org")) == 1
    assert _mail(pk=owed.pk).attempts == 1  # the others found it locked or sent, and did not try


def _tasks_run(name: str) -> int:
    """How many `name` tasks the worker has finished, by its log (it logs each at INFO)."""
    return len(re.findall(rf"Task {re.escape(name)}\[[^\]]+\] succeeded", WORKER_LOG.read_text()))


@pytest.mark.usefixtures("transactional_db", "celery_worker")
def test_mails_owed_together_are_sent_by_one_task_each_once(sink: SmtpSink) -> None:
    before = (_tasks_run("mail.send_all"), _tasks_run("mail.send"))
    addresses = [f"together{n}@example.org" for n in range(3)]
    with transaction.atomic():
        owed = mail_enqueue_all(mails=[Owed(to=to, subject="Together", body="hello", kind="test") for to in addresses])

    _eventually(lambda: all(_mail(pk=mail.pk).sent_at is not None for mail in owed), "the mails sent")
    wait_for_worker_idle()

    assert [len(sink.to(to)) for to in addresses] == [1, 1, 1]
    assert [_mail(pk=mail.pk).attempts for mail in owed] == [1, 1, 1]
    assert (_tasks_run("mail.send_all"), _tasks_run("mail.send")) == (before[0] + 1, before[1])


@pytest.mark.usefixtures("transactional_db", "celery_worker")
def test_a_mail_of_a_lot_that_fails_is_retried_by_itself(sink: SmtpSink) -> None:
    sink.stop()
    with transaction.atomic():
        owed = mail_enqueue_all(
            mails=[Owed(to=f"retried{n}@example.org", subject="Retried", body="hello", kind="test") for n in range(2)]
        )
    _eventually(lambda: all(_mail(pk=mail.pk).attempts >= 1 for mail in owed), "a first attempt of each")
    assert all(_mail(pk=mail.pk).state == "owed" for mail in owed)

    sink.start()  # the retries (1 s apart in the test worker) send them
    _eventually(lambda: all(_mail(pk=mail.pk).sent_at is not None for mail in owed), "the mails sent")
    wait_for_worker_idle()

    assert [len(sink.to(mail.to)) for mail in owed] == [1, 1]
    assert all(_mail(pk=mail.pk).attempts >= 2 for mail in owed)


@pytest.fixture
def unreachable_smtp(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """This process sends over SMTP to a port nothing listens on, with tasks run in process (the embedded
    default without a broker)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    settings.EMAIL_USE_TLS = False
    # On the Celery app itself: a value once set on app.conf (another test's monkeypatch, undone by setting
    # it back) hides the Django setting from then on.
    from workers.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unreachable_smtp")
def test_smtp_down_creating_an_apprenticeship_succeeds_once_and_a_keyed_retry_returns_it(client: Client) -> None:
    world = make_world()
    client.force_login(world.admin)
    body = apprenticeship_create_body(world, "sam.new@example.org")

    first = client.post("/api/apprenticeships/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = client.post("/api/apprenticeships/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == retry.status_code == 201, first.content
    assert retry.json() == first.json()
    assert Apprenticeship.objects.filter(apprentice__email="sam.new@example.org").count() == 1
    owed = _mail(kind="invitation", to="sam.new@example.org")
    assert owed.state == "owed"
    assert owed.attempts == 1  # tried in process after commit, failed, recorded
    assert owed.last_error


@pytest.mark.django_db
@pytest.mark.usefixtures("unreachable_smtp")
def test_failures_back_off_and_are_given_up_after_the_bound(settings: Any) -> None:
    settings.MAIL_MAX_ATTEMPTS = 3
    settings.MAIL_RETRY_BASE_SECONDS = 30
    owed = mail_enqueue(to="a@example.org", subject="s", body="secret link", kind="test", contains_secret=True)

    waits = []
    for _ in range(3):
        before = timezone.now()
        outcome = mail_send(mail_id=owed.pk)
        assert outcome.sent is False
        waits.append(outcome.retry_in)
        owed.refresh_from_db()
        if outcome.retry_in is not None:
            assert owed.next_attempt_at >= before + timedelta(seconds=outcome.retry_in)

    assert waits == [30.0, 60.0, None]
    assert owed.state == "given_up"
    assert owed.attempts == 3
    assert owed.body == BLANKED_BODY
    assert mail_send(mail_id=owed.pk).sent is False
    assert OutgoingMail.objects.get(pk=owed.pk).attempts == 3


@pytest.mark.django_db
def test_the_file_backend_writes_each_mail_to_a_file(settings: Any, tmp_path: Path) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    owed = mail_enqueue(to="file@example.org", subject="On disk", body="Hello from the outbox", kind="test")

    assert mail_send(mail_id=owed.pk).sent is True

    [written] = list(tmp_path.iterdir())
    text = written.read_text()
    assert "Subject: On disk" in text
    assert "Hello from the outbox" in text


@pytest.mark.django_db
def test_a_password_reset_email_is_owed_in_the_outbox(client: Client) -> None:
    user = UserFactory.create(email="forgetful@example.org")

    response = client.post("/accounts/password-reset/", {"email": user.email})

    assert response.status_code == 302
    owed = _mail(kind="password_reset", to=user.email)
    assert owed.contains_secret
    assert "/accounts/reset/" in owed.body


def test_email_file_path_comes_from_the_environment(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    outbox = tmp_path / "mail"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "EMAIL_"))}
    env.update(
        DEBUG="1",
        VAR_DIR=str(tmp_path / "var"),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
    )
    code = "from django.core.mail import send_mail; send_mail('From the env', 'Hello', None, ['to@example.org'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    [written] = list(outbox.iterdir())
    assert "Subject: From the env" in written.read_text()


def test_every_periodic_task_is_a_registered_task(settings: Any) -> None:
    from workers.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert {"mail.send_owed", "idempotency.purge_expired"} <= {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }


@pytest.mark.django_db
def test_given_up_mail_can_be_made_due_again_but_not_a_blanked_secret(client: Client) -> None:
    from portfolio.mail.services import mail_owed_ids

    past = timezone.now() - timedelta(hours=1)
    plain = OutgoingMail.objects.create(kind="test", to="a@example.org", subject="s", body="b", given_up_at=past)
    secret = OutgoingMail.objects.create(
        kind="invitation", to="b@example.org", subject="s", body=BLANKED_BODY, contains_secret=True, given_up_at=past
    )
    admin = UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/mail/outgoingmail/").status_code == 200

    response = client.post(
        "/admin/mail/outgoingmail/",
        {"action": "retry_now", "_selected_action": [plain.pk, secret.pk]},
    )

    assert response.status_code == 302
    assert mail_owed_ids() == [plain.pk]
    assert OutgoingMail.objects.get(pk=secret.pk).state == "given_up"


@pytest.mark.django_db
def test_the_periodic_sender_hands_each_due_mail_out_once_per_lease() -> None:
    from portfolio.mail.services import mail_claim_due, mail_suppressed

    due = OutgoingMail.objects.create(kind="test", to="a@example.org", subject="s", body="b")
    OutgoingMail.objects.create(
        kind="test", to="later@example.org", subject="s", body="b", next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    with mail_suppressed():
        quiet = mail_enqueue(to="demo@example.org", subject="s", body="b", kind="test")

    assert mail_claim_due() == [due.pk]
    assert mail_claim_due() == []  # leased: a second run does not enqueue it again
    assert quiet.state == "given_up"
    assert OutgoingMail.objects.get(pk=due.pk).next_attempt_at > timezone.now()
