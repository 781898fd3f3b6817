from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.people.fields import PublicIdField
from api.people.serializers import OrganisationRefOut
from portfolio.people.selectors import organisation_list_for_user
from portfolio.webhooks.models import WebhookDelivery, WebhookEndpoint


class WebhookEndpointOut(serializers.ModelSerializer[WebhookEndpoint]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    provider = OrganisationRefOut(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "provider", "url", "active", "description", "created_at"]


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    secret = serializers.CharField(
        read_only=True, help_text="signs every delivery; shown this once, store it in the receiving system"
    )

    class Meta(WebhookEndpointOut.Meta):
        fields = [*WebhookEndpointOut.Meta.fields, "secret"]


class WebhookEndpointCreateIn(serializers.Serializer[Any]):
    provider = PublicIdField(scope=lambda user: organisation_list_for_user(user=user), model="provider")
    url = serializers.CharField(max_length=500, help_text="http:// or https:// address that receives POSTs")
    description = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class WebhookEndpointUpdateIn(serializers.Serializer[Any]):
    url = serializers.CharField(max_length=500, required=False)
    active = serializers.BooleanField(required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class WebhookDeliveryOut(serializers.ModelSerializer[WebhookDelivery]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    endpoint = serializers.UUIDField(source="endpoint.public_id", read_only=True)
    resent_from = serializers.UUIDField(source="resent_from.public_id", read_only=True, allow_null=True, default=None)
    payload = serializers.JSONField(read_only=True, help_text="the JSON body as sent")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "event_id",
            "payload",
            "status",
            "attempts",
            "last_response_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "resent_from",
        ]
