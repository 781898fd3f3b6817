from __future__ import annotations

import pytest
from django.test import Client

from portfolio.webhooks.models import WebhookEndpoint
from tests.factories import build_world


@pytest.mark.django_db
def test_an_admin_adds_an_endpoint_sees_the_secret_once_and_only_their_providers(client: Client) -> None:
    own, other = build_world()
    client.force_login(other.admin)
    client.post("/settings/webhooks/", {"action": "create", "url": "https://other.example.org/hook"})
    client.force_login(own.admin)

    created = client.post("/settings/webhooks/", {"action": "create", "url": "https://own.example.org/hook"})
    endpoint = WebhookEndpoint.objects.get(url="https://own.example.org/hook")
    assert endpoint.secret in created.content.decode()
    page = client.get("/settings/webhooks/").content.decode()
    assert "https://own.example.org/hook" in page
    assert endpoint.secret not in page  # shown once, never again
    assert "other.example.org" not in page

    refused = client.post("/settings/webhooks/", {"action": "create", "url": "ftp://own.example.org/hook"}, follow=True)
    assert "http:// or https://" in refused.content.decode()
    foreign = WebhookEndpoint.objects.get(url="https://other.example.org/hook")
    assert (
        client.post("/settings/webhooks/", {"action": "delete", "endpoint": str(foreign.public_id)}).status_code == 404
    )
    assert WebhookEndpoint.objects.filter(pk=foreign.pk).exists()

    client.post("/settings/webhooks/", {"action": "pause", "endpoint": str(endpoint.public_id)})
    endpoint.refresh_from_db()
    assert endpoint.active is False
