from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import IsProviderAdmin
from api.webhooks.serializers import (
    WebhookDeliveryOut,
    WebhookEndpointCreatedOut,
    WebhookEndpointCreateIn,
    WebhookEndpointOut,
    WebhookEndpointUpdateIn,
)
from portfolio.webhooks.models import WebhookDelivery, WebhookEndpoint
from portfolio.webhooks.selectors import (
    webhook_delivery_get_for_user,
    webhook_delivery_list_for_user,
    webhook_endpoint_get_for_user,
    webhook_endpoint_list_for_user,
)
from portfolio.webhooks.services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)


class WebhookListView(GenericAPIView[WebhookEndpoint]):
    serializer_class = WebhookEndpointCreateIn
    permission_classes = [IsAuthenticated, IsProviderAdmin]

    @extend_schema(operation_id="webhooks_list", responses=WebhookEndpointOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(webhook_endpoint_list_for_user(user=request.user))
        return self.get_paginated_response(WebhookEndpointOut(page, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        request=WebhookEndpointCreateIn,
        responses={201: WebhookEndpointCreatedOut},
        description="Registers an endpoint of the provider. The answer carries the signing secret, once.",
    )
    def post(self, request: Request) -> Response:
        data = WebhookEndpointCreateIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        created = webhook_endpoint_create(actor=request.user, **data.validated_data)
        body = WebhookEndpointCreatedOut(created.endpoint).data | {"secret": created.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookDetailView(GenericAPIView[WebhookEndpoint]):
    serializer_class = WebhookEndpointUpdateIn
    permission_classes = [IsAuthenticated, IsProviderAdmin]

    @extend_schema(operation_id="webhooks_retrieve", responses=WebhookEndpointOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(WebhookEndpointOut(webhook_endpoint_get_for_user(user=request.user, public_id=public_id)).data)

    @extend_schema(
        operation_id="webhooks_partial_update", request=WebhookEndpointUpdateIn, responses=WebhookEndpointOut
    )
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        endpoint = webhook_endpoint_get_for_user(user=request.user, public_id=public_id)
        data = WebhookEndpointUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(actor=request.user, endpoint=endpoint, **data.validated_data)
        return Response(WebhookEndpointOut(endpoint).data)

    @extend_schema(operation_id="webhooks_destroy", responses={204: None})
    def delete(self, request: Request, public_id: uuid.UUID) -> Response:
        endpoint = webhook_endpoint_get_for_user(user=request.user, public_id=public_id)
        webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListView(GenericAPIView[WebhookDelivery]):
    """The delivery log of one endpoint, newest first."""

    serializer_class = WebhookDeliveryOut
    permission_classes = [IsAuthenticated, IsProviderAdmin]

    @extend_schema(operation_id="webhooks_deliveries_list", responses=WebhookDeliveryOut(many=True))
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        endpoint = webhook_endpoint_get_for_user(user=request.user, public_id=public_id)
        queryset = webhook_delivery_list_for_user(user=request.user).filter(endpoint=endpoint)
        page = self.paginate_queryset(queryset.select_related("resent_from"))
        return self.get_paginated_response(WebhookDeliveryOut(page, many=True).data)


class WebhookDeliveryResendView(GenericAPIView[WebhookDelivery]):
    serializer_class = WebhookDeliveryOut
    permission_classes = [IsAuthenticated, IsProviderAdmin]

    @extend_schema(
        operation_id="webhooks_deliveries_resend",
        request=None,
        responses={202: WebhookDeliveryOut},
        description="Sends the same event and body again as a new delivery; the old one stays in the log.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        delivery = webhook_delivery_get_for_user(user=request.user, public_id=public_id)
        copy = webhook_delivery_resend(actor=request.user, delivery=delivery)
        return Response(WebhookDeliveryOut(copy).data, status=status.HTTP_202_ACCEPTED)
