from __future__ import annotations

import uuid
from typing import Any

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


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://[::1]/x"]
)
def test_webhooks_to_internal_addresses_are_refused(client: Client, settings: Any, url: str) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    own, _ = build_world()
    client.force_login(own.admin)
    page = client.post("/settings/webhooks/", {"action": "create", "url": url}, follow=True).content.decode()
    assert "private or internal address" in page
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_delivery_to_a_name_now_pointing_inside_is_not_sent(settings: Any) -> None:
    from portfolio.webhooks.models import WebhookDelivery
    from portfolio.webhooks.services import webhook_delivery_attempt

    own, _ = build_world()
    endpoint = WebhookEndpoint.objects.create(provider=own.provider, url="http://localhost:9/hook", secret="s")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="readiness.ready", event_id=uuid.uuid4(), payload={"x": 1}
    )
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    webhook_delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert "private or internal address" in delivery.last_error
