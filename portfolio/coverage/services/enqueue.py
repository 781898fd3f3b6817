"""Enqueueing recomputes after commit, coalesced per apprenticeship.

A leading edge, then trailing recomputes that back off while the burst lasts. Per apprenticeship, two Redis keys,
updated together by one script (so concurrent committers agree):

- *burst*: set by a change when absent, and kept alive by every change for two windows (`COVERAGE_COALESCE_MS`).
  The change that creates it is the leading edge and enqueues a recompute now, so a single change, or changes
  further apart than two windows (a person clicking through a review), is visible within tens of milliseconds.
- *trail*: a change inside a burst sets it when absent and enqueues one trailing recompute. The first waits one
  window, each next one twice as long as the last, up to `COVERAGE_COALESCE_MAX_MS`. The trailing task deletes
  the key when it starts, before it reads anything: a change committed after that start schedules the next
  trailing recompute, one committed before it is seen by it.

So a burst costs one recompute now and then about log2(max / window) + (its length / max) more: a thousand
changes in one second cost four, in three seconds five or six, never one per change; and no change waits longer
than `COVERAGE_COALESCE_MAX_MS` plus the recompute. Whatever goes wrong here (Redis down, a message lost), the
dirty mark written with the change stays, and the periodic pass recomputes it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

import redis
from django.conf import settings
from redis.commands.core import Script

from portfolio.core.dispatch import task_send, task_send_or_log

logger = logging.getLogger(__name__)

# KEYS: burst, trail. ARGV: window ms, max delay ms. Returns -1: nothing to enqueue (a trailing recompute is
# already owed); 0: the leading edge, enqueue now; n > 0: enqueue a trailing recompute in n ms.
_COALESCE = """
local window = tonumber(ARGV[1])
local longest = tonumber(ARGV[2])
if redis.call('SET', KEYS[1], 0, 'NX', 'PX', window * 2) then
    return 0
end
redis.call('PEXPIRE', KEYS[1], window * 2)
if not redis.call('SET', KEYS[2], 1, 'NX', 'PX', longest * 10) then
    return -1
end
local trailing = redis.call('INCR', KEYS[1])
return math.min(window * 2 ^ (trailing - 1), longest)
"""


@functools.cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=0.5)


@functools.cache
def _coalesce() -> Script:
    # Run with `client=_redis()` each time, never with the client it was registered on: every call then goes to
    # the one client `_redis` names (a test that points it at a dead server reaches this script too).
    return _redis().register_script(_COALESCE)


def burst_key(apprenticeship_id: int) -> str:
    return f"coverage:burst:{apprenticeship_id}"


def trail_key(apprenticeship_id: int) -> str:
    return f"coverage:trail:{apprenticeship_id}"


def coverage_enqueue(*, apprenticeship_ids: Iterable[int]) -> None:
    """Run after the commit that marked these apprenticeships dirty. Never raises: the mark is the safety net."""
    if settings.CELERY_TASK_ALWAYS_EAGER:  # the embedded default: no broker, recompute in process
        for apprenticeship_id in apprenticeship_ids:
            task_send("coverage.recompute", apprenticeship_id)
        return
    window_ms = max(settings.COVERAGE_COALESCE_MS, 1)  # Redis refuses an expiry of 0
    longest_ms = max(settings.COVERAGE_COALESCE_MAX_MS, window_ms)
    for apprenticeship_id in apprenticeship_ids:
        try:
            keys = [burst_key(apprenticeship_id), trail_key(apprenticeship_id)]
            delay_ms = int(_coalesce()(keys=keys, args=[window_ms, longest_ms], client=_redis()))
            if delay_ms == 0:
                task_send("coverage.recompute", apprenticeship_id, retry=False, ignore_result=True)
            elif delay_ms > 0:
                countdown = delay_ms / 1000
                task_send(
                    "coverage.recompute",
                    apprenticeship_id,
                    trailing=True,
                    countdown=countdown,
                    retry=False,
                    ignore_result=True,
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
    task_send_or_log("coverage.recompute_dirty", standard_id=standard_id, provider_id=provider_id)
