"""The assessor's and tutor's section of the start page: the acceptance queue with how long each item has
waited, the gateways to sign and to refer, and the apprentices who became ready (or stopped being ready) lately,
from the readiness events.

Bounded queries: the queue's count and oldest items, and the latest readiness events of the window.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from portfolio.core.queries import head
from portfolio.coverage.selectors import readiness_event_list_for_user
from portfolio.gateway.selectors import gateway_to_refer_for_user, gateway_to_sign_for_user
from portfolio.otj.lifecycle import STAFF_ROLES
from portfolio.otj.selectors import otj_queue_count
from portfolio.people.selectors import user_holds_role, user_provider_ids
from portfolio.progress.lifecycle import State
from portfolio.progress.selectors import (
    overdue_ids,
    review_list_for_user,
    reviews_to_sign_for_user,
    staff_apprenticeships,
)
from portfolio.reviews.selectors.queues import acceptance_queue_for_user, queue_head_counted

OLDEST_SHOWN = 5
READINESS_WINDOW = datetime.timedelta(days=14)
EVENTS_READ = 200  # the window's latest events; one line per apprentice is kept


def tasks(*, user: Any) -> dict[str, Any]:
    oldest, to_accept = queue_head_counted(acceptance_queue_for_user(user=user), OLDEST_SHOWN)
    since = timezone.now() - READINESS_WINDOW
    events = (
        readiness_event_list_for_user(user=user)
        .select_related("apprenticeship__apprentice")
        .filter(occurred_at__gte=since, apprenticeship__provider_id__in=user_provider_ids(user=user))
        .order_by("-occurred_at", "-id")[:EVENTS_READ]
    )
    latest: dict[int, Any] = {}
    for event in events:
        # Only the latest change of each apprentice says where they stand now.
        latest.setdefault(event.apprenticeship_id, event)
    changes = list(latest.values())
    to_sign = gateway_to_sign_for_user(user=user).filter(provider_id__in=user_provider_ids(user=user))
    to_refer = gateway_to_refer_for_user(user=user)
    providers = user_provider_ids(user=user)
    reviews_to_sign = reviews_to_sign_for_user(user=user).filter(reviewer=user)
    return {
        # Progress reviews: overdue at the user's providers, held ones missing signatures, and theirs to sign.
        "reviews_overdue": len(overdue_ids(apprenticeships=staff_apprenticeships(user=user))),
        "reviews_awaiting": review_list_for_user(user=user)
        .filter(state=State.AWAITING_SIGNATURES, apprenticeship__provider_id__in=providers)
        .count(),
        "reviews_to_sign": list(reviews_to_sign[:OLDEST_SHOWN]),
        "to_sign": head(to_sign, OLDEST_SHOWN),
        "to_sign_count": to_sign.count(),
        "to_refer": head(to_refer, OLDEST_SHOWN),
        "to_refer_count": to_refer.count(),
        "otj_to_approve": otj_queue_count(user=user) if user_holds_role(user=user, roles=STAFF_ROLES) else None,
        "to_accept": to_accept,
        "oldest": oldest,
        "newly_ready": [e for e in changes if e.ready],
        "no_longer_ready": [e for e in changes if not e.ready],
        "window_days": READINESS_WINDOW.days,
    }
