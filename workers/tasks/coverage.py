from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from portfolio.coverage.models import CoverageDirty
from portfolio.coverage.services.compute import coverage_recompute, coverage_recompute_dirty
from portfolio.coverage.services.dirty import coverage_mark_time_dependent_dirty
from portfolio.coverage.services.enqueue import coverage_trailing_started
from portfolio.coverage.services.explanations import coverage_explanations_fill


@shared_task(
    name="coverage.recompute",
    acks_late=True,
    autoretry_for=(OperationalError,),  # a deadlock or a dropped connection: the mark is still there
    retry_backoff=1,
    max_retries=5,
)
def recompute_apprenticeship(apprenticeship_id: int, trailing: bool = False) -> int:
    """Recompute one apprenticeship if it is still dirty. Idempotent: a duplicate finds no mark and returns."""
    if trailing:
        coverage_trailing_started(apprenticeship_id=apprenticeship_id)
    if not CoverageDirty.objects.filter(apprenticeship_id=apprenticeship_id).exists():
        return 0
    return coverage_recompute(apprenticeship_ids=[apprenticeship_id]).computed


@shared_task(name="coverage.recompute_dirty", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def recompute_dirty(standard_id: int | None = None, provider_id: int | None = None) -> int:
    """Periodic (and after a re-import or a policy change): everything still marked dirty, in batches."""
    return coverage_recompute_dirty(standard_id=standard_id, provider_id=provider_id).computed


@shared_task(name="coverage.refresh_daily", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def refresh_daily() -> int:
    """Beat, once a day after midnight: mark everyone in learning, and recompute them in batches, so the gates that
    turn with the date (the practical period, expected OTJ, last month's activity) are current each morning."""
    return coverage_mark_time_dependent_dirty()


@shared_task(name="coverage.explain", acks_late=True, autoretry_for=(OperationalError,), max_retries=3)
def explain(apprenticeship_ids: list[int]) -> int:
    """After a pass that recomputed many apprenticeships: make the coverage answers it retired, ahead of the reads.
    Idempotent: an answer already current is left as it is."""
    return coverage_explanations_fill(apprenticeship_ids=apprenticeship_ids)
