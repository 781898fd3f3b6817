"""Statement suggestion tasks: thin and idempotent (each compares what it would make with what is stored)."""

from __future__ import annotations

import logging

from celery import shared_task

from portfolio.suggestions.encoder import ModelUnavailable
from portfolio.suggestions.services.embeddings import standard_embeddings_compute
from portfolio.suggestions.services.suggestions import evidence_suggestions_refresh

logger = logging.getLogger(__name__)


@shared_task(name="suggestions.embed_standard", acks_late=True)
def embed_standard(standard_id: int) -> int:
    """Sent by every import of a standard version: embeds its statements whose text or model changed."""
    return standard_embeddings_compute(standard_id=standard_id)


@shared_task(name="suggestions.refresh", acks_late=True)
def refresh_suggestions(evidence_id: int) -> int | None:
    """Sent after each change of an item's title, reflection or files. Suggestions are a convenience: a
    broken model installation is logged, and never fails the change that sent the task (which, without a
    broker, runs in the same request)."""
    try:
        return evidence_suggestions_refresh(evidence_id=evidence_id)
    except ModelUnavailable:
        logger.exception("statement suggestions for evidence %s could not be made", evidence_id)
        return None
