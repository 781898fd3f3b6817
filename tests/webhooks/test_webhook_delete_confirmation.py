"""Deleting a webhook endpoint drops its delivery log: the page asks first, and only a confirmed POST deletes."""

from __future__ import annotations

import pytest
from django.test import Client

from portfolio.audit.models import AuditEntry
from portfolio.webhooks.models import WebhookEndpoint
from portfolio.webhooks.services import webhook_endpoint_create
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_delete_asks_for_confirmation_and_only_the_confirmed_post_deletes(client: Client) -> None:
    world = make_world()
    endpoint = webhook_endpoint_create(actor=world.admin, provider=world.provider, url="https://example.org/h").endpoint
    client.force_login(world.admin)

    asked = client.post("/settings/webhooks/", {"action": "delete", "endpoint": str(endpoint.public_id)})

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Delete the endpoint https://example.org/h?" in page
    assert 'name="confirmed" value="yes"' in page
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert not AuditEntry.objects.filter(action="webhook.delete").exists()

    done = client.post(
        "/settings/webhooks/",
        {"action": "delete", "endpoint": str(endpoint.public_id), "confirmed": "yes"},
        follow=True,
    )

    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert "Endpoint https://example.org/h deleted." in done.content.decode()
