"""Thin Celery tasks: take ids, load rows, call one service. One module per part of the domain."""

from workers.tasks import evidence, notify, system

__all__ = ["evidence", "notify", "system"]
