"""The Celery app. Worker: `celery -A workers worker`; scheduler: `celery -A workers beat`."""

from workers.celery import app

__all__ = ["app"]
