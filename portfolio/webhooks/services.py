"""Webhook endpoints (managed by provider admins) and deliveries: signed, retried with backoff for a day."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.dispatch import task_send_or_log
from portfolio.people.models import Organisation
from portfolio.people.selectors import user_is_admin_of
from portfolio.webhooks.addresses import webhook_target_refusal
from portfolio.webhooks.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

UNSET: Any = object()


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown to the admin once, in the create response


def webhook_url_check(url: str) -> str:
    url = url.strip()
    example = "Give an http:// or https:// address with a host, e.g. https://example.org/hook."
    try:
        parts = urlsplit(url)
        hostname, _ = parts.hostname, parts.port  # both parse the host part, and raise on a malformed one
    except ValueError as exc:  # e.g. "http://[::1" (an unclosed IPv6 bracket) or a port out of range
        raise ValidationError({"url": f"This address cannot be read ({exc}). {example}"}) from exc
    if parts.scheme not in {"http", "https"} or not hostname:
        raise ValidationError({"url": example})
    refusal = webhook_target_refusal(url)
    if refusal:
        raise ValidationError({"url": refusal})
    return url


def _admin_check(actor: Any, provider: Organisation) -> None:
    if not provider.is_provider or not user_is_admin_of(user=actor, provider=provider):
        raise PermissionDenied("Only an admin of the provider can manage its webhooks.")


@transaction.atomic
def webhook_endpoint_create(*, actor: Any, provider: Organisation, url: str, description: str = "") -> CreatedEndpoint:
    _admin_check(actor, provider)
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        provider=provider, url=webhook_url_check(url), secret=secret, description=description
    )
    audit_record(
        actor=actor,
        action="webhook.create",
        target=endpoint,
        changes={"url": endpoint.url, "provider": str(provider.public_id)},
    )
    return CreatedEndpoint(endpoint=endpoint, secret=secret)


@transaction.atomic
def webhook_endpoint_update(
    *,
    actor: Any,
    endpoint: WebhookEndpoint,
    url: str = UNSET,
    active: bool = UNSET,
    description: str = UNSET,
) -> WebhookEndpoint:
    _admin_check(actor, endpoint.provider)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    changes: dict[str, Any] = {}
    requested: dict[str, Any] = {"url": url, "active": active, "description": description}
    for name, value in requested.items():
        if value is UNSET:
            continue
        if name == "url":
            value = webhook_url_check(value)
        if getattr(endpoint, name) != value:
            changes[name] = [getattr(endpoint, name), value]
            setattr(endpoint, name, value)
    if changes:
        endpoint.save()
        audit_record(actor=actor, action="webhook.update", target=endpoint, changes=changes)
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor: Any, endpoint: WebhookEndpoint) -> None:
    _admin_check(actor, endpoint.provider)
    audit_record(actor=actor, action="webhook.delete", target=endpoint, changes={"url": endpoint.url})
    endpoint.delete()


def webhook_deliveries_create(
    *, provider_id: int, event: str, event_id: uuid.UUID, payload: dict[str, Any]
) -> list[WebhookDelivery]:
    """In the caller's transaction: one delivery per active endpoint of the provider, sent after commit."""
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, event_id=event_id, payload=payload, next_attempt_at=now)
        for endpoint in WebhookEndpoint.objects.filter(provider_id=provider_id, active=True)
    )
    _enqueue_after_commit([delivery.pk for delivery in deliveries])
    return deliveries


def _enqueue_after_commit(ids: list[int]) -> None:
    if not ids:
        return

    def enqueue() -> None:
        for delivery_id in ids:  # the broker is down: the periodic sweep sends it later
            task_send_or_log("webhooks.deliver", delivery_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def webhook_delivery_resend(*, actor: Any, delivery: WebhookDelivery) -> WebhookDelivery:
    """A fresh delivery of the same event and body (the old one stays in the log), sent now."""
    _admin_check(actor, delivery.endpoint.provider)
    copy = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        next_attempt_at=timezone.now(),
        resent_from=delivery,
    )
    audit_record(actor=actor, action="webhook.resend", target=copy, changes={"of": str(delivery.public_id)})
    _enqueue_after_commit([copy.pk])
    return copy


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SHA256(secret, "{timestamp}.{body}"): what X-Portfolio-Signature carries."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is a failure, never followed: the signed body must reach the URL the admin registered.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def retry_delay(attempts: int) -> float:
    """Exponential backoff: base, 2 x base, 4 x base ... capped at an hour."""
    base = float(settings.WEBHOOK_RETRY_BASE_SECONDS)
    return float(min(base * (2 ** max(attempts - 1, 0)), 3600.0))


def webhook_delivery_attempt(*, delivery_id: int) -> float | None:
    """One attempt, if due. Returns the seconds until the next attempt, or None when there is none to make.

    The row is locked for the attempt (skip_locked), so a duplicate task or the sweep running at the same time
    does nothing, and a delivered row is never sent again.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        now = timezone.now()
        if delivery is None or (delivery.next_attempt_at is not None and delivery.next_attempt_at > now):
            return None
        if not delivery.endpoint.active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = "The endpoint was deactivated."
            delivery.next_attempt_at = None
            delivery.save()
            return None
        refusal = webhook_target_refusal(delivery.endpoint.url)
        body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked to be http(s) when saved
            delivery.endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "apprentice-portfolio-webhooks/1",
                "X-Portfolio-Event": delivery.event,
                "X-Portfolio-Delivery": str(delivery.public_id),
                "X-Portfolio-Timestamp": timestamp,
                "X-Portfolio-Signature": webhook_signature(
                    secret=delivery.endpoint.secret, timestamp=timestamp, body=body
                ),
            },
        )
        delivery.attempts += 1
        code: int | None = None
        error = ""
        try:
            if refusal:
                raise urllib.error.URLError(refusal)  # counted as a failed attempt; retried like any other
            with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
                code = response.status
        except urllib.error.HTTPError as exc:
            code, error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            error = f"{exc.__class__.__name__}: {getattr(exc, 'reason', exc)}"
        delivery.last_response_code = code
        delivery.last_error = error[:1000]
        delay: float | None = None
        if code is not None and 200 <= code < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
        elif now - delivery.created_at >= timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS):
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delay = retry_delay(delivery.attempts)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        delivery.save()
    return delay


def webhook_deliveries_owed(*, grace: timedelta = timedelta(seconds=30), limit: int = 500) -> list[int]:
    """Pending deliveries overdue by more than `grace`: their task was lost (broker down, worker died)."""
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now() - grace
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
