"""Enqueueing recomputes after commit, coalesced per apprenticeship.

Leading and trailing edge, per apprenticeship, with two Redis keys (SET NX with an expiry):

- the first change in a window (`COVERAGE_COALESCE_MS`) sets the *lead* key and enqueues a recompute now, so a
  single change is visible within tens of milliseconds;
- a change while the lead key lives sets the *trail* key (if absent) and enqueues one recompute for the end of
  the window; that task deletes the trail key when it starts, before it reads anything, so a change committed
  after that start schedules a new trailing recompute, and one committed before it is seen by it.

So a burst of a thousand changes a second to one apprenticeship costs about two recomputes per window, and
no change waits longer than a window plus the recompute. Whatever goes wrong here (Redis down, a message
lost), the dirty mark written with the change stays, and the periodic pass recomputes it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

import redis
from django.conf import settings

logger = logging.getLogger(__name__)


@functools.cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=0.5)


def lead_key(apprenticeship_id: int) -> str:
    return f"coverage:lead:{apprenticeship_id}"


def trail_key(apprenticeship_id: int) -> str:
    return f"coverage:trail:{apprenticeship_id}"


def coverage_enqueue(*, apprenticeship_ids: Iterable[int]) -> None:
    """Run after the commit that marked these apprenticeships dirty. Never raises: the mark is the safety net."""
    from workers.tasks.coverage import recompute_apprenticeship

    if settings.CELERY_TASK_ALWAYS_EAGER:  # the embedded default: no broker, recompute in process
        for apprenticeship_id in apprenticeship_ids:
            recompute_apprenticeship.delay(apprenticeship_id)
        return
    window_ms = settings.COVERAGE_COALESCE_MS
    for apprenticeship_id in apprenticeship_ids:
        try:
            client = _redis()
            if client.set(lead_key(apprenticeship_id), 1, nx=True, px=window_ms):
                recompute_apprenticeship.apply_async((apprenticeship_id,), retry=False)
            elif client.set(trail_key(apprenticeship_id), 1, nx=True, px=window_ms * 10):
                recompute_apprenticeship.apply_async(
                    (apprenticeship_id,), {"trailing": True}, countdown=window_ms / 1000, retry=False
                )
        except Exception:
            logger.warning("coverage recompute of %s not enqueued; the periodic pass will do it", apprenticeship_id)


def coverage_trailing_started(*, apprenticeship_id: int) -> None:
    """A trailing recompute starts: from now on, a new change needs a new trailing recompute."""
    try:
        _redis().delete(trail_key(apprenticeship_id))
    except redis.RedisError:
        logger.warning("could not clear %s; it expires by itself", trail_key(apprenticeship_id))


def coverage_enqueue_scope(*, standard_id: int | None = None, provider_id: int | None = None) -> None:
    """After a standard or a provider's policy changed: recompute its dirty apprenticeships in batches."""
    from workers.tasks.coverage import recompute_dirty

    try:
        recompute_dirty.apply_async((), {"standard_id": standard_id, "provider_id": provider_id}, retry=False)
    except Exception:
        logger.warning("scoped coverage recompute not enqueued; the periodic pass will do it")
