from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portfolio.audit.services import audit_record
from tests.factories import UserFactory, build_world

pytestmark = pytest.mark.django_db


def test_non_staff_are_sent_to_the_admin_login(client: Client) -> None:
    own, _ = build_world()
    for user in (None, own.apprentice, own.admin):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(reverse("admin:people_apprenticeship_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_see_the_data_and_the_audit_log_is_read_only(client: Client) -> None:
    own, _ = build_world()
    entry = audit_record(actor=own.admin, action="test.thing", target=own.apprenticeship)
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    for name in ("people_user", "people_organisation", "people_apprenticeship", "people_membership"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert b'name="action"' not in detail.content  # shown, not editable
