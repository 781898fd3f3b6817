"""The state of each service the app depends on, for GET /healthz."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from portfolio.storage import StorageError, get_store


@dataclass(frozen=True)
class PartHealth:
    ok: bool
    detail: str


def database_health() -> PartHealth:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message says which
        return PartHealth(ok=False, detail=f"{connection.vendor}: {exc.__class__.__name__}: {exc}".strip())
    return PartHealth(ok=True, detail=connection.vendor)


def broker_health() -> PartHealth:
    if not settings.CELERY_BROKER_URL:
        return PartHealth(ok=True, detail="none: tasks run in process")
    from celery import current_app as app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport.driver_type
    except Exception as exc:  # kombu raises transport-specific errors
        return PartHealth(ok=False, detail=f"{exc.__class__.__name__}: {exc}")
    return PartHealth(ok=True, detail=transport)


def storage_health() -> PartHealth:
    store = get_store()
    try:
        store.check()
    except StorageError as exc:
        return PartHealth(ok=False, detail=str(exc))
    return PartHealth(ok=True, detail=store.description)


def system_health() -> dict[str, PartHealth]:
    return {"database": database_health(), "broker": broker_health(), "storage": storage_health()}
