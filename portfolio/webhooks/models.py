from __future__ import annotations

import uuid

from django.db import models

from portfolio.people.models import Organisation


class WebhookEndpoint(models.Model):
    """A URL of a provider's system that receives its events, signed with the endpoint's secret.

    The secret is shown once, when the endpoint is created; it is kept (not hashed) because every delivery
    is signed with it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128, editable=False)
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event to one endpoint: the body as sent, every attempt counted, the last outcome kept.

    Pending with `next_attempt_at` in the past is the outbox: a lost task is caught by the periodic sweep.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=64, help_text="e.g. readiness.ready")
    event_id = models.UUIDField(help_text="public id of the event; receivers de-duplicate on it")
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resent_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.status})"
