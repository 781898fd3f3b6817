"""The employer contact's section of the start page: evidence to confirm, behaviours to confirm, and their
apprentices at a glance (coverage and readiness), each with a link to where the work is done.

Bounded queries whatever the number of apprentices: the queue's oldest items with its count, the apprentices shown
with coverage and behaviour counts annotated, and what waits for each of them. The user's organisations are read
once (one query) and every read is scoped by them as plain lists of ids (the same rows as the scoped selectors'
membership subqueries, in statements PostgreSQL plans in a fraction of the time); each list's head and length
come from one pass over it.

Every read is built by the scoped selectors and compiled once per process for each shape (portfolio/core/compiled.py:
how many organisations of each kind the person holds, and the sign-off policies that may apply to their queue),
and answers plain values, not a model per row and relation: building and compiling them cost most of the page,
several times what PostgreSQL spends running them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from portfolio.core.compiled import CompiledIdsQuery, CompiledShapes
from portfolio.core.queries import CompiledHeadCounted
from portfolio.core.start.lines import (
    GATEWAY_LINES,
    OLDEST_SHOWN,
    REVIEW_LINES,
    ReviewsToSign,
    lines_in_order,
    name_columns,
    padded,
)
from portfolio.coverage.models import CoverageSummary
from portfolio.coverage.selectors import with_coverage_percent
from portfolio.evidence.lifecycle import Role
from portfolio.gateway.selectors import gateway_to_sign_at
from portfolio.people.models import Apprenticeship, Membership, display_name
from portfolio.people.selectors import user_held_organisations
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.behaviours import with_behaviour_counts
from portfolio.reviews.selectors.queues import (
    POLICY_STEP_COLUMNS,
    PolicyKey,
    confirmation_policies_at,
    confirmation_queue_at,
    policies_of,
    policy_key,
)

APPRENTICES_SHOWN = 50


# The policies that may apply to the queue.
_POLICIES = CompiledShapes(
    lambda key, employers: confirmation_policies_at(employer_ids=employers).values_list(
        "provider_id", *POLICY_STEP_COLUMNS
    )
)


def _queue(policies: PolicyKey, employers: list[int]) -> QuerySet[Any]:
    """The confirmation queue of these employers under these policies."""
    return confirmation_queue_at(employer_ids=employers, policies=policies_of(policies))


def _waiting_rows(policies: PolicyKey, employers: list[int], ids: list[int]) -> QuerySet[Any]:
    # What waits for each apprentice shown: their items alone, not the whole queue grouped.
    return (
        _queue(policies, employers)
        .select_related(None)
        .prefetch_related(None)
        .filter(apprenticeship_id__in=ids)
        .order_by()
        .values("apprenticeship_id")
        .annotate(n=Count("id"))
        .values_list("apprenticeship_id", "n")
    )


def _oldest_rows(policies: PolicyKey, employers: list[int], ids: list[int]) -> QuerySet[Any]:
    return (
        _queue(policies, employers)
        .select_related(None)
        .prefetch_related(None)
        .filter(pk__in=ids)
        .order_by()
        .values_list("pk", "public_id", "title", "submitted_at", *name_columns("apprenticeship__apprentice"))
    )


_WAITING = CompiledShapes(_waiting_rows)
_OLDEST_HEAD = CompiledHeadCounted(lambda key, employers: _queue(key, employers), OLDEST_SHOWN)
_OLDEST = CompiledShapes(_oldest_rows)
# Sorted by name as ids alone, then the rows shown read as the values the page shows of them.
_SHOWN = CompiledShapes(
    lambda key, employers: (
        Apprenticeship.objects.filter(employer_id__in=employers)
        .order_by("apprentice__first_name", "apprentice__last_name", "apprentice__email", "pk")
        .values_list("pk")[:APPRENTICES_SHOWN]
    )
)
_GATEWAY_HEAD = CompiledHeadCounted(
    lambda key, providers, employers, mine: gateway_to_sign_at(provider_ids=providers, employer_ids=employers).filter(
        employer_id__in=mine
    ),
    OLDEST_SHOWN,
)
# The progress reviews to sign at the user's employers.
_REVIEWS = ReviewsToSign(
    lambda reviews, user_id, held: reviews.filter(apprenticeship__employer_id__in=held.ids(Membership.EMPLOYER_ROLES))
)


def tasks(*, user: Any) -> dict[str, Any]:
    held = user_held_organisations(user=user)
    # The employers where the user is a line manager or mentor: every list below is theirs alone.
    employer_ids = held.ids(Membership.EMPLOYER_ROLES)
    reviewing = held.ids(EMPLOYER_REVIEWER_ROLES)
    # The queue's shape depends on the policies that may apply to it: read first, they are part of its key.
    policies = policy_key(Role.EMPLOYER, _POLICIES.rows(employers=reviewing))
    ids = [pk for (pk,) in _SHOWN.rows(employers=employer_ids)]
    waiting = dict(_WAITING.rows(policies, employers=reviewing, ids=padded(ids, APPRENTICES_SHOWN)))
    oldest_ids, to_confirm = _OLDEST_HEAD.ids_and_count(policies, employers=reviewing)
    oldest = []
    if oldest_ids:  # read only for ids kept
        rows = _OLDEST.rows(policies, employers=reviewing, ids=padded(oldest_ids, OLDEST_SHOWN))
        oldest = lines_in_order(rows, oldest_ids, titled=True)
    apprentices = _glance_rows(ids, waiting)
    gateway_ids, to_sign_count = _GATEWAY_HEAD.ids_and_count(
        providers=held.ids(PROVIDER_REVIEWER_ROLES), employers=reviewing, mine=employer_ids
    )
    review_ids, reviews_count = _REVIEWS.ids_and_count(user, held)
    return {
        "reviews_to_sign": lines_in_order(REVIEW_LINES.rows(review_ids), review_ids),
        "reviews_to_sign_count": reviews_count,
        "to_sign": lines_in_order(GATEWAY_LINES.rows(gateway_ids), gateway_ids),
        "to_sign_count": to_sign_count,
        "to_confirm": to_confirm,
        "oldest": oldest,
        "behaviours_left": sum(row.behaviours_left for row in apprentices),
        "apprentices": apprentices,
        "more_apprentices": len(ids) == APPRENTICES_SHOWN,
    }


@dataclass(frozen=True)
class Glance:
    """What the page shows of one apprentice at a glance, read as plain values (no model per apprenticeship,
    apprentice, standard and summary)."""

    public_id: uuid.UUID
    name: str
    standard: str  # its reference and title
    ready_state: str | None  # the readiness state's label when every gate passes, else None
    coverage_percent: float  # 0 before the first compute
    to_confirm: int  # items waiting for the employer
    behaviours_total: int
    behaviours_left: int  # not yet confirmed


_STATE_LABELS = dict(CoverageSummary._meta.get_field("state").flatchoices)
_GLANCE_FIELDS = (
    "pk", "public_id", "apprentice__first_name", "apprentice__last_name", "apprentice__email",
    "standard__reference", "standard__title", "coverage_summary__ready", "coverage_summary__state",
    "coverage_percent", "behaviours_total", "behaviours_confirmed",
)  # fmt: skip
_GLANCES = CompiledIdsQuery(
    lambda ids: (
        with_behaviour_counts(with_coverage_percent(Apprenticeship.objects.all()))
        .order_by()
        .filter(pk__in=ids)
        .values_list(*_GLANCE_FIELDS)
    ),
    size=APPRENTICES_SHOWN,
)


def _glance_rows(ids: list[int], waiting: dict[int, int]) -> list[Glance]:
    """The apprenticeships with these ids, in their order, with coverage and behaviour counts (one query) and
    the items waiting for each (`waiting`)."""
    if not ids:
        return []
    found = {row[0]: row for row in _GLANCES.rows(ids)}
    glances = []
    for pk in ids:
        if pk not in found:
            continue
        _, public_id, first, last, email, reference, title, ready, state, percent, total, confirmed = found[pk]
        glances.append(
            Glance(
                public_id=public_id, name=display_name(first, last, email), standard=f"{reference} {title}",
                ready_state=_STATE_LABELS.get(state, state) if ready else None, coverage_percent=percent,
                to_confirm=waiting.get(pk, 0), behaviours_total=total, behaviours_left=max(total - confirmed, 0),
            )
        )  # fmt: skip
    return glances
