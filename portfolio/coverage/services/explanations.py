"""Making the coverage API's answers ahead of the reads (portfolio/coverage/answers.py keeps them).

A read makes a missing answer itself. A pass that recomputes many apprenticeships at once (the nightly refresh of
the gates that move with the date, a policy change, a re-import, the periodic catch-up) retires the answers of all
of them, so they are made again in the background, in batches, instead of by the first reader of each.
"""

from __future__ import annotations

from collections.abc import Iterable

from portfolio.coverage.answers import answer_is_current, answer_of, with_kept_answer
from portfolio.people.models import Apprenticeship

BATCH_SIZE = 200
# Ids per task message: a nightly pass of 100,000 apprenticeships becomes 200 tasks, each well within the time limit.
TASK_IDS = 500


def coverage_explanations_fill(*, apprenticeship_ids: Iterable[int]) -> int:
    """Make and keep the answer of each apprenticeship that has a summary, nothing marked dirty and no current
    answer; returns how many were made. Safe to run twice, or beside readers doing the same."""
    ids = sorted(set(apprenticeship_ids))
    made = 0
    for start in range(0, len(ids), BATCH_SIZE):
        batch = with_kept_answer(Apprenticeship.objects.filter(pk__in=ids[start : start + BATCH_SIZE]))
        for apprenticeship in batch.defer("coverage_explanation__body").order_by("pk"):
            if getattr(apprenticeship, "coverage_summary", None) is None or apprenticeship.coverage_stale:  # type: ignore[attr-defined]
                continue  # nothing to explain yet, or a change is still to be computed: a read makes it
            if not answer_is_current(apprenticeship):
                answer_of(apprenticeship)
                made += 1
    return made
