from __future__ import annotations

from celery import shared_task

from portfolio.exports.services import export_build, exports_expire_due
from portfolio.storage import StorageError


@shared_task(name="exports.build", acks_late=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 60)
def build_export(export_id: int) -> str | None:
    export = export_build(export_id=export_id)
    return export.state if export else None


@shared_task(name="exports.expire", acks_late=True, autoretry_for=(StorageError,), max_retries=3)
def expire_exports() -> int:
    return exports_expire_due()
