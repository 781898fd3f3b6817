"""The employer contact's section of the start page: evidence to confirm, behaviours to confirm, and their
apprentices at a glance (coverage and readiness), each with a link to where the work is done.

Bounded queries whatever the number of apprentices: the queue's oldest items with its count, the apprentices shown
with coverage and behaviour counts annotated, and what waits for each of them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from portfolio.core.queries import head, rows_in_order
from portfolio.coverage.selectors import cohort_list_for_user
from portfolio.gateway.selectors import gateway_to_sign_for_user
from portfolio.people.selectors import user_employer_ids
from portfolio.progress.selectors import reviews_to_sign_for_user
from portfolio.reviews.selectors.behaviours import with_behaviour_counts
from portfolio.reviews.selectors.queues import confirmation_queue_for_user, queue_head_counted

OLDEST_SHOWN = 5
APPRENTICES_SHOWN = 50


def tasks(*, user: Any) -> dict[str, Any]:
    queue = confirmation_queue_for_user(user=user).prefetch_related(None)
    employer_ids = user_employer_ids(user=user)
    # Sorted by name as ids alone, then the rows shown read with their summaries and behaviour counts.
    mine = cohort_list_for_user(user=user).filter(employer_id__in=employer_ids)
    shown = mine.order_by("apprentice__first_name", "apprentice__last_name", "apprentice__email", "pk")
    apprenticeships = rows_in_order(with_behaviour_counts(mine), shown.values_list("pk", flat=True)[:APPRENTICES_SHOWN])
    # What waits for each apprentice shown: their items alone, not the whole queue grouped.
    per_apprenticeship = (
        queue.select_related(None)
        .filter(apprenticeship_id__in=[a.pk for a in apprenticeships])
        .order_by()
        .values("apprenticeship_id")
        .annotate(n=Count("id"))
    )
    waiting = {row["apprenticeship_id"]: row["n"] for row in per_apprenticeship}
    oldest, to_confirm = queue_head_counted(queue, OLDEST_SHOWN)
    apprentices = [
        {
            "apprenticeship": a,
            "to_confirm": waiting.get(a.pk, 0),
            "behaviours_left": max(getattr(a, "behaviours_total", 0) - getattr(a, "behaviours_confirmed", 0), 0),
            "summary": getattr(a, "coverage_summary", None),
        }
        for a in apprenticeships
    ]
    to_sign = gateway_to_sign_for_user(user=user).filter(employer_id__in=employer_ids)
    reviews = reviews_to_sign_for_user(user=user).filter(apprenticeship__employer_id__in=employer_ids)
    return {
        "reviews_to_sign": list(reviews[:OLDEST_SHOWN]),
        "reviews_to_sign_count": reviews.count(),
        "to_sign": head(to_sign, OLDEST_SHOWN),
        "to_sign_count": to_sign.count(),
        "to_confirm": to_confirm,
        "oldest": oldest,
        "behaviours_left": sum(row["behaviours_left"] for row in apprentices),
        "apprentices": apprentices,
        "more_apprentices": len(apprenticeships) == APPRENTICES_SHOWN,
    }
