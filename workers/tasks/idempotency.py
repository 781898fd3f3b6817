from __future__ import annotations

from celery import shared_task

from portfolio.idempotency.services import idempotency_purge_expired


@shared_task(name="idempotency.purge_expired", acks_late=True)
def purge_expired_idempotency_keys() -> int:
    """Periodic: keys older than IDEMPOTENCY_KEY_HOURS are forgotten (claims also forget them lazily)."""
    return idempotency_purge_expired()
