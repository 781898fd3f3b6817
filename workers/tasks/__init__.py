"""Thin Celery tasks: take ids, load rows, call one service. One module per part of the domain."""

from workers.tasks import coverage, evidence, exports, idempotency, mail, progress, suggestions, system, webhooks

__all__ = ["coverage", "evidence", "exports", "idempotency", "mail", "progress", "suggestions", "system", "webhooks"]
