"""The assessor's and tutor's section of the start page: the acceptance queue with how long each item has
waited, the gateways to sign and to refer, and the apprentices who became ready (or stopped being ready) lately,
from the readiness events.

Bounded queries: the queue's count and oldest items, and the latest readiness events of the window. The user's
organisations are read once (one query) and every read is scoped by them as plain lists of ids: the same rows as
the scoped selectors' membership subqueries, in statements PostgreSQL plans in a fraction of the time. Each list's
head and length come from one pass over it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from portfolio.core.queries import head_counted
from portfolio.coverage.models import ReadinessEvent
from portfolio.gateway.roles import STAFF_ROLES as GATEWAY_STAFF_ROLES
from portfolio.gateway.selectors import gateway_to_refer_at, gateway_to_sign_at
from portfolio.otj.lifecycle import STAFF_ROLES as OTJ_STAFF_ROLES
from portfolio.otj.selectors import otj_queue_count_at
from portfolio.people.models import Apprenticeship, Membership
from portfolio.people.selectors import user_held_organisations
from portfolio.progress.lifecycle import State
from portfolio.progress.models import ProgressReview
from portfolio.progress.selectors import overdue_count, reviews_to_sign_at, staff_apprenticeships
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.queues import acceptance_queue_at

OLDEST_SHOWN = 5
READINESS_WINDOW = datetime.timedelta(days=14)
EVENTS_READ = 200  # the window's latest events; one line per apprentice is kept


def tasks(*, user: Any) -> dict[str, Any]:
    held = user_held_organisations(user=user)
    # The providers where the user is staff: every list below is theirs alone.
    providers = held.ids(Membership.PROVIDER_ROLES)
    queue = acceptance_queue_at(provider_ids=held.ids(PROVIDER_REVIEWER_ROLES))
    oldest, to_accept = head_counted(
        queue,
        OLDEST_SHOWN,
        rows=queue.select_related(None).select_related("apprenticeship__apprentice").prefetch_related(None),
    )
    since = timezone.now() - READINESS_WINDOW
    events = (
        ReadinessEvent.objects.select_related("apprenticeship__apprentice")
        .filter(occurred_at__gte=since, apprenticeship__provider_id__in=providers)
        .order_by("-occurred_at", "-id")[:EVENTS_READ]
    )
    latest: dict[int, Any] = {}
    for event in events:
        # Only the latest change of each apprentice says where they stand now.
        latest.setdefault(event.apprenticeship_id, event)
    changes = list(latest.values())
    shown = Apprenticeship.objects.select_related("apprentice", "coverage_summary")
    to_sign, to_sign_count = head_counted(
        gateway_to_sign_at(
            provider_ids=held.ids(PROVIDER_REVIEWER_ROLES), employer_ids=held.ids(EMPLOYER_REVIEWER_ROLES)
        ).filter(provider_id__in=providers),
        OLDEST_SHOWN,
        rows=shown,
    )
    to_refer, to_refer_count = head_counted(
        gateway_to_refer_at(provider_ids=held.ids(GATEWAY_STAFF_ROLES)), OLDEST_SHOWN, rows=shown
    )
    # A superuser's schedule list is everyone's (progress.selectors.staff_apprenticeships).
    scheduled = (
        staff_apprenticeships(user=user)
        if user.is_superuser
        else Apprenticeship.objects.filter(provider_id__in=providers)
    )
    reviews_to_sign = (
        reviews_to_sign_at(user=user, held=held).filter(reviewer=user).select_related("apprenticeship__apprentice")
    )
    return {
        # Progress reviews: overdue at the user's providers, held ones missing signatures, and theirs to sign.
        "reviews_overdue": overdue_count(apprenticeships=scheduled),
        "reviews_awaiting": ProgressReview.objects.filter(
            state=State.AWAITING_SIGNATURES, apprenticeship__provider_id__in=providers
        ).count(),
        "reviews_to_sign": list(reviews_to_sign[:OLDEST_SHOWN]),
        "to_sign": to_sign,
        "to_sign_count": to_sign_count,
        "to_refer": to_refer,
        "to_refer_count": to_refer_count,
        "otj_to_approve": (
            otj_queue_count_at(user=user, provider_ids=held.ids(OTJ_STAFF_ROLES)) if held.ids(OTJ_STAFF_ROLES) else None
        ),
        "to_accept": to_accept,
        "oldest": oldest,
        "newly_ready": [e for e in changes if e.ready],
        "no_longer_ready": [e for e in changes if not e.ready],
        "window_days": READINESS_WINDOW.days,
    }
