"""Webhooks are seen and managed by the admins of their provider only; anyone else gets a 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from portfolio.people.models import Membership, Organisation
from portfolio.people.selectors import user_provider_ids
from portfolio.webhooks.models import WebhookDelivery, WebhookEndpoint

_ADMIN = frozenset({Membership.Role.PROVIDER_ADMIN})


def webhook_endpoint_list_for_user(*, user: Any) -> QuerySet[WebhookEndpoint]:
    queryset = WebhookEndpoint.objects.select_related("provider")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(provider_id__in=user_provider_ids(user=user, roles=_ADMIN))


def webhook_delivery_list_for_user(*, user: Any) -> QuerySet[WebhookDelivery]:
    endpoints = webhook_endpoint_list_for_user(user=user)
    return WebhookDelivery.objects.select_related("endpoint__provider").filter(endpoint__in=endpoints.values("pk"))


def _get(queryset: QuerySet[Any], public_id: uuid.UUID | str) -> Any:
    try:
        return queryset.get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc


def webhook_endpoint_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> WebhookEndpoint:
    return _get(webhook_endpoint_list_for_user(user=user), public_id)


def webhook_delivery_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> WebhookDelivery:
    return _get(webhook_delivery_list_for_user(user=user), public_id)


def webhook_admin_providers_for_user(*, user: Any) -> list[Organisation]:
    """The providers whose webhooks this person administers (an active provider-admin membership)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(
        Organisation.objects.filter(
            kind=Organisation.Kind.PROVIDER,
            memberships__user_id=user.pk,
            memberships__is_active=True,
            memberships__role=Membership.Role.PROVIDER_ADMIN,
        ).distinct()
    )
