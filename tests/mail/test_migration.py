"""Moving to the one outbox loses no email: notification emails owed by the old columns become owed mail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portfolio.mail.models import OutgoingMail

BEFORE = [("notify", "0001_initial"), ("mail", "0001_outgoing_mail")]


@pytest.mark.django_db(transaction=True)
def test_owed_notification_emails_move_into_the_outbox() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("people", "User").objects.create(email="owed@example.org", password="!")
    notifications = old.get_model("notify", "Notification").objects
    notifications.create(recipient=user, kind="evidence.returned", title="Owed", body="b", link="/evidence/x/")
    notifications.create(recipient=user, kind="evidence.returned", title="Sent", emailed_at="2026-01-01T00:00Z")
    notifications.create(recipient=user, kind="evidence.returned", title="In app only", email_wanted=False)
    notifications.create(recipient=user, kind="evidence.returned", title="Given up", email_attempts=10)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    [owed] = OutgoingMail.objects.all()
    assert (owed.to, owed.subject, owed.kind, owed.state) == (
        "owed@example.org",
        "Owed",
        "notification.evidence.returned",
        "owed",
    )
    assert owed.body.startswith("b\n\n")
    assert owed.body.rstrip().endswith("/evidence/x/")
