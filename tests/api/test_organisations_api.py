from __future__ import annotations

import pytest
from django.test import Client

from portfolio.audit.models import AuditEntry
from portfolio.people.models import Membership, Organisation
from tests.factories import build_world

pytestmark = pytest.mark.django_db


def test_a_provider_admin_adds_an_employer_and_it_is_audited(client: Client) -> None:
    own, other = build_world()
    client.force_login(own.admin)
    response = client.post(
        "/api/organisations/",
        {"kind": "employer", "name": "Dock Films", "provider": str(own.provider.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 201
    created = Organisation.objects.get(public_id=response.json()["id"])
    assert created.provider == own.provider
    assert AuditEntry.objects.filter(action="organisation.create", target_public_id=created.public_id).exists()
    client.force_login(other.admin)
    assert client.get(f"/api/organisations/{created.public_id}/").status_code == 404


def test_only_a_superuser_adds_a_provider(client: Client) -> None:
    own, _ = build_world()
    client.force_login(own.admin)
    response = client.post("/api/organisations/", {"kind": "provider", "name": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_deactivating_a_membership_removes_access_and_is_audited(client: Client) -> None:
    own, _ = build_world()
    membership = Membership.objects.get(user=own.tutor)
    client.force_login(own.admin)
    response = client.patch(
        f"/api/memberships/{membership.public_id}/", {"is_active": False}, content_type="application/json"
    )
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="membership.deactivate", target_public_id=membership.public_id).exists()
    client.force_login(own.tutor)
    assert client.get("/api/apprenticeships/").json()["count"] == 0


def test_an_admin_cannot_remove_their_own_admin_role(client: Client) -> None:
    own, _ = build_world()
    membership = Membership.objects.get(user=own.admin)
    client.force_login(own.admin)
    response = client.patch(
        f"/api/memberships/{membership.public_id}/", {"is_active": False}, content_type="application/json"
    )
    assert response.status_code == 400
    assert Membership.objects.get(pk=membership.pk).is_active
