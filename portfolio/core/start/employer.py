"""The employer contact's section of the start page: evidence to confirm, behaviours to confirm, and their
apprentices at a glance (coverage and readiness), each with a link to where the work is done.

Bounded queries whatever the number of apprentices: the queue's oldest items with its count, the apprentices shown
with coverage and behaviour counts annotated, and what waits for each of them. The user's organisations are read
once (one query) and every read is scoped by them as plain lists of ids (the same rows as the scoped selectors'
membership subqueries, in statements PostgreSQL plans in a fraction of the time); each list's head and length
come from one pass over it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from portfolio.core.queries import head_counted
from portfolio.coverage.models import CoverageSummary
from portfolio.coverage.selectors import with_coverage_percent
from portfolio.gateway.selectors import gateway_to_sign_at
from portfolio.people.models import Apprenticeship, Membership, display_name
from portfolio.people.selectors import user_held_organisations
from portfolio.progress.models import ProgressReview
from portfolio.progress.selectors import reviews_to_sign_at
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES, PROVIDER_REVIEWER_ROLES
from portfolio.reviews.selectors.behaviours import with_behaviour_counts
from portfolio.reviews.selectors.queues import confirmation_queue_at

OLDEST_SHOWN = 5
APPRENTICES_SHOWN = 50


# The head lists (oldest items, gateways and reviews to sign) read only the columns their lines show, not every
# column of each row and relation; one the template reads and these leave out would cost a query per line (which
# the page's query-count test would catch).
def _name_columns(person: str) -> tuple[str, ...]:
    """The columns of a person's `display_name`, through the relation `person`."""
    return tuple(f"{person}__{name}" for name in ("first_name", "last_name", "email"))


def tasks(*, user: Any) -> dict[str, Any]:
    held = user_held_organisations(user=user)
    # The employers where the user is a line manager or mentor: every list below is theirs alone.
    employer_ids = held.ids(Membership.EMPLOYER_ROLES)
    queue = confirmation_queue_at(employer_ids=held.ids(EMPLOYER_REVIEWER_ROLES))
    # Sorted by name as ids alone, then the rows shown read as the values the page shows of them.
    mine = Apprenticeship.objects.filter(employer_id__in=employer_ids)
    shown = mine.order_by("apprentice__first_name", "apprentice__last_name", "apprentice__email", "pk")
    ids = list(shown.values_list("pk", flat=True)[:APPRENTICES_SHOWN])
    # What waits for each apprentice shown: their items alone, not the whole queue grouped.
    per_apprenticeship = (
        queue.select_related(None)
        .prefetch_related(None)
        .filter(apprenticeship_id__in=ids)
        .order_by()
        .values("apprenticeship_id")
        .annotate(n=Count("id"))
    )
    waiting = {row["apprenticeship_id"]: row["n"] for row in per_apprenticeship}
    oldest, to_confirm = head_counted(
        queue,
        OLDEST_SHOWN,
        rows=queue.select_related(None)
        .select_related("apprenticeship__apprentice")
        .prefetch_related(None)
        .only("public_id", "title", "submitted_at", *_name_columns("apprenticeship__apprentice")),
    )
    apprentices = _glance_rows(ids, waiting)
    to_sign, to_sign_count = head_counted(
        gateway_to_sign_at(
            provider_ids=held.ids(PROVIDER_REVIEWER_ROLES), employer_ids=held.ids(EMPLOYER_REVIEWER_ROLES)
        ).filter(employer_id__in=employer_ids),
        OLDEST_SHOWN,
        rows=Apprenticeship.objects.select_related("apprentice", "coverage_summary").only(
            "public_id", "coverage_summary__ready_since", *_name_columns("apprentice")
        ),
    )
    reviews, reviews_count = head_counted(
        reviews_to_sign_at(user=user, held=held).filter(apprenticeship__employer_id__in=employer_ids),
        OLDEST_SHOWN,
        rows=ProgressReview.objects.select_related("apprenticeship__apprentice").only(
            "public_id", "held_on", *_name_columns("apprenticeship__apprentice")
        ),
    )
    return {
        "reviews_to_sign": reviews,
        "reviews_to_sign_count": reviews_count,
        "to_sign": to_sign,
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


def _glance_rows(ids: list[int], waiting: dict[int, int]) -> list[Glance]:
    """The apprenticeships with these ids, in their order, with coverage and behaviour counts (one query) and
    the items waiting for each (`waiting`)."""
    if not ids:
        return []
    rows = with_behaviour_counts(with_coverage_percent(Apprenticeship.objects.all())).order_by().filter(pk__in=ids)
    found = {row[0]: row for row in rows.values_list(*_GLANCE_FIELDS)}
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
