"""The assessor's and tutor's section of the start page: the acceptance queue with how long each item has
waited, the gateways to sign and to refer, the progress reviews overdue, awaiting signatures and theirs to sign, the
OTJ entries to approve, and the apprentices who became ready (or stopped being ready) lately, from the readiness
events.

Bounded queries: each list's head and length from one pass over it, the latest readiness events of the window, and
the lines shown read by their ids. The user's organisations are read once (one query) and every read is scoped by
them as plain lists of ids: the same rows as the scoped selectors' membership subqueries, in statements PostgreSQL
plans in a fraction of the time.

Every read is built by the scoped selectors and compiled once per process for each shape (portfolio/core/compiled.py:
how many organisations of each kind the person holds, and the acceptance policies of their providers), and answers
plain values, not a model per row and relation: building and compiling them cost most of the page, several times
what PostgreSQL spends running them. A superuser's schedule is everyone's: their overdue reviews are counted through
the ORM.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from portfolio.core.compiled import CompiledShapes
from portfolio.core.queries import CompiledHeadCounted
from portfolio.core.start.lines import (
    EVIDENCE_LINES,
    GATEWAY_LINES,
    OLDEST_SHOWN,
    REVIEW_LINES,
    Line,
    ReviewsToSign,
    lines_in_order,
    name_columns,
)
from portfolio.coverage.models import ReadinessEvent
from portfolio.evidence.lifecycle import Role
from portfolio.gateway.roles import STAFF_ROLES as GATEWAY_STAFF_ROLES
from portfolio.gateway.selectors import gateway_to_refer_at, gateway_to_sign_at
from portfolio.otj.lifecycle import STAFF_ROLES as OTJ_STAFF_ROLES
from portfolio.otj.selectors import otj_queue_at
from portfolio.people.models import Apprenticeship, Membership, display_name
from portfolio.people.selectors import user_held_organisations
from portfolio.progress.lifecycle import State
from portfolio.progress.models import ProgressReview
from portfolio.progress.schedule import month_index
from portfolio.progress.selectors import overdue_count, overdue_decided, overdue_queries, staff_apprenticeships
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.queues import POLICY_STEP_COLUMNS, acceptance_queue_at, policies_of, policy_key

READINESS_WINDOW = datetime.timedelta(days=14)
EVENTS_READ = 200  # the window's latest events; one line per apprentice is kept

# The acceptance queue's shape depends on the policies of the providers: read first, they are part of its key.
_POLICIES = CompiledShapes(
    lambda key, providers: ReviewPolicy.objects.filter(provider_id__in=providers).values_list(
        "provider_id", *POLICY_STEP_COLUMNS
    )
)
_TO_ACCEPT = CompiledHeadCounted(
    lambda key, providers: acceptance_queue_at(provider_ids=providers, policies=policies_of(key)), OLDEST_SHOWN
)
# The window's latest readiness events, each with the apprentice's name: the window's start is its one value that
# is not an id (a stand-in no event has).
_EVENTS = CompiledShapes(
    lambda key, providers, since: (
        ReadinessEvent.objects.filter(occurred_at__gte=since, apprenticeship__provider_id__in=providers)
        .order_by("-occurred_at", "-id")
        .values_list(
            "apprenticeship_id", "ready", "apprenticeship__public_id", "occurred_at",
            *name_columns("apprenticeship__apprentice"),
        )[:EVENTS_READ]
    ),
    fields={"since": ReadinessEvent._meta.get_field("occurred_at")},
    since=datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC),
)  # fmt: skip
_TO_SIGN = CompiledHeadCounted(
    lambda key, reviewers, employers, providers: gateway_to_sign_at(
        provider_ids=reviewers, employer_ids=employers
    ).filter(provider_id__in=providers),
    OLDEST_SHOWN,
)
_TO_REFER = CompiledHeadCounted(lambda key, providers: gateway_to_refer_at(provider_ids=providers), OLDEST_SHOWN)
_REVIEWS = ReviewsToSign(lambda reviews, user_id, held: reviews.filter(reviewer_id=user_id))
_AWAITING = CompiledShapes(
    lambda key, providers: (
        ProgressReview.objects.filter(state=State.AWAITING_SIGNATURES, apprenticeship__provider_id__in=providers)
        .order_by()
        .values_list("pk")
    )
)


# The overdue reviews in two parts (progress.selectors.overdue_queries): those the month-end rule alone decides,
# counted; the others' rows, decided here. `month` is today's (schedule.month_index).
def _overdue_parts(key: Any, providers: list[int], month: int) -> tuple[QuerySet[Any], QuerySet[Any]]:
    return overdue_queries(Apprenticeship.objects.filter(provider_id__in=providers), month=month)


# A month's stand-in no date has, within an integer column's range (a value beyond it matches no row: Django
# would drop the query).
_MONTH = -1_000_001
_OVERDUE_COUNTED = CompiledShapes(
    # The intervals are read along, unused: the query's grouping keeps what its HAVING compares.
    lambda key, providers, month: _overdue_parts(key, providers, month)[0].values_list(
        "pk", "agreed_months", "provider_months"
    ),
    month=_MONTH,
)
_OVERDUE_OTHERS = CompiledShapes(lambda key, providers, month: _overdue_parts(key, providers, month)[1], month=_MONTH)
_OTJ = CompiledShapes(
    lambda key, user_id, providers: otj_queue_at(user_id=user_id, provider_ids=providers).order_by().values_list("pk")
)


def _overdue(user: Any, providers: list[int]) -> int:
    today = timezone.localdate()
    if user.is_superuser:  # everyone's schedule: not the shape compiled
        return overdue_count(apprenticeships=staff_apprenticeships(user=user), today=today)
    month = month_index(today)
    others = overdue_decided(_OVERDUE_OTHERS.rows(providers=providers, month=month), today=today)
    return _OVERDUE_COUNTED.count(providers=providers, month=month) + len(others)


def _changes(providers: list[int]) -> tuple[list[Line], list[Line]]:
    """The apprentices who became ready within the window, and those who stopped being ready: only the latest change
    of each says where they stand now."""
    since = timezone.now() - READINESS_WINDOW
    latest: dict[int, tuple[Any, ...]] = {}
    for row in _EVENTS.rows(providers=providers, since=since):
        latest.setdefault(row[0], row)
    ready: list[Line] = []
    not_ready: list[Line] = []
    for _, is_ready, public_id, at, first, last, email in latest.values():
        line = Line(public_id=public_id, name=display_name(first, last, email), at=at)
        (ready if is_ready else not_ready).append(line)
    return ready, not_ready


def tasks(*, user: Any) -> dict[str, Any]:
    held = user_held_organisations(user=user)
    # The providers where the user is staff: every list below is theirs alone.
    providers = held.ids(Membership.PROVIDER_ROLES)
    reviewing = held.ids(PROVIDER_REVIEWER_ROLES)
    policies = policy_key(Role.PROVIDER, _POLICIES.rows(providers=reviewing)) if reviewing else ()
    oldest_ids, to_accept = _TO_ACCEPT.ids_and_count(policies, providers=reviewing)
    sign_ids, to_sign_count = _TO_SIGN.ids_and_count(
        reviewers=reviewing, employers=held.ids(EMPLOYER_REVIEWER_ROLES), providers=providers
    )
    refer_ids, to_refer_count = _TO_REFER.ids_and_count(providers=held.ids(GATEWAY_STAFF_ROLES))
    review_ids, _ = _REVIEWS.ids_and_count(user, held)
    otj_staff = held.ids(OTJ_STAFF_ROLES)
    newly_ready, no_longer_ready = _changes(providers)
    return {
        # Progress reviews: overdue at the user's providers, held ones missing signatures, and theirs to sign.
        "reviews_overdue": _overdue(user, providers),
        "reviews_awaiting": _AWAITING.count(providers=providers),
        "reviews_to_sign": lines_in_order(REVIEW_LINES.rows(review_ids), review_ids),
        "to_sign": lines_in_order(GATEWAY_LINES.rows(sign_ids), sign_ids),
        "to_sign_count": to_sign_count,
        "to_refer": lines_in_order(GATEWAY_LINES.rows(refer_ids), refer_ids),
        "to_refer_count": to_refer_count,
        "otj_to_approve": (_OTJ.count(user_id=user.pk, providers=otj_staff) if otj_staff else None),
        "to_accept": to_accept,
        "oldest": lines_in_order(EVIDENCE_LINES.rows(oldest_ids), oldest_ids, titled=True),
        "newly_ready": newly_ready,
        "no_longer_ready": no_longer_ready,
        "window_days": READINESS_WINDOW.days,
    }
