from __future__ import annotations

from celery import shared_task

from portfolio.webhooks.services import webhook_deliveries_owed, webhook_delivery_attempt


@shared_task(name="webhooks.deliver", acks_late=True)
def deliver_webhook(delivery_id: int) -> bool:
    """One attempt at one delivery; a failure schedules this task again after the backoff delay."""
    delay = webhook_delivery_attempt(delivery_id=delivery_id)
    if delay is not None:
        deliver_webhook.apply_async((delivery_id,), countdown=delay)
    return delay is None


@shared_task(name="webhooks.deliver_owed", acks_late=True)
def deliver_owed_webhooks() -> int:
    """Periodic: deliveries whose task was lost are attempted now."""
    owed = webhook_deliveries_owed()
    for delivery_id in owed:
        deliver_webhook.delay(delivery_id)
    return len(owed)
