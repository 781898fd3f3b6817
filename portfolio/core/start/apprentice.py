"""The apprentice's section of the start page: what to change, what to finish, what is still missing, and
what waits on someone else, each with a count and links straight to the page where it is done.

Every list is one bounded query (a few with one prefetch), whatever the number of items: no query per item.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from portfolio.coverage.models import AOCoverage
from portfolio.coverage.selectors import ao_coverage_list_for_user
from portfolio.evidence.models import Evidence
from portfolio.evidence.selectors import evidence_file_rejected_list_for_user, evidence_list_for_user
from portfolio.otj.selectors import otj_totals_by_apprenticeship
from portfolio.people.models import Apprenticeship
from portfolio.people.selectors import apprenticeship_list_for_user
from portfolio.progress.models import ProgressReview
from portfolio.progress.selectors import due_by_apprenticeship, reviews_to_sign_for_user
from portfolio.reviews.selectors.apprentice import waiting_list_for_apprentice
from portfolio.reviews.selectors.queues import returned_list_for_user

SHOWN = 10  # items listed per task; the count says how many there are, and a link shows them all


@dataclass
class Listed:
    """Up to SHOWN rows of a list, and how many there are in all."""

    items: list[Any]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _listed(queryset: QuerySet[Any]) -> Listed:
    items = list(queryset[: SHOWN + 1])
    count = len(items) if len(items) <= SHOWN else queryset.count()
    return Listed(items=items[:SHOWN], count=count)


@dataclass
class Route:
    """One of the apprentice's apprenticeships, with the AOs that still miss statements."""

    apprenticeship: Apprenticeship
    ready: bool | None  # None: coverage not worked out yet
    covered: int = 0
    mapped: int = 0
    incomplete: list[AOCoverage] = field(default_factory=list)


def _routes(user: Any) -> list[Route]:
    apprenticeships = list(
        apprenticeship_list_for_user(user=user)
        .filter(apprentice_id=user.pk)
        .select_related("coverage_summary")
        .order_by("start_date", "pk")
    )
    rows: dict[int, list[AOCoverage]] = defaultdict(list)
    for row in ao_coverage_list_for_user(user=user, apprentice_only=True):
        rows[row.apprenticeship_id].append(row)
    routes = []
    for apprenticeship in apprenticeships:
        summary = getattr(apprenticeship, "coverage_summary", None)
        routes.append(
            Route(
                apprenticeship=apprenticeship,
                ready=summary.ready if summary is not None else None,
                covered=summary.covered if summary is not None else 0,
                mapped=summary.mapped if summary is not None else 0,
                incomplete=[row for row in rows[apprenticeship.pk] if not row.complete],
            )
        )
    return routes


def _next_reviews(routes: list[Route]) -> list[tuple[Apprenticeship, Any, ProgressReview | None]]:
    """Each apprenticeship's next progress review: when it is due, and the one scheduled (in two queries' worth)."""
    apprenticeships = [route.apprenticeship for route in routes]
    due = due_by_apprenticeship(apprenticeships=apprenticeships)
    scheduled = {
        r.apprenticeship_id: r
        for r in ProgressReview.objects.filter(apprenticeship__in=apprenticeships, state=ProgressReview.State.SCHEDULED)
    }
    return [(a, due.get(a.pk), scheduled.get(a.pk)) for a in apprenticeships]


def tasks(*, user: Any) -> dict[str, Any]:
    routes = _routes(user)
    otj = otj_totals_by_apprenticeship(apprenticeship_ids=[route.apprenticeship.pk for route in routes])
    drafts = evidence_list_for_user(user=user).filter(state=Evidence.State.DRAFT, author=user).order_by("-updated_at")
    return {
        "returned": _listed(returned_list_for_user(user=user)),
        "rejected_files": _listed(evidence_file_rejected_list_for_user(user=user)),
        "drafts": _listed(drafts),
        "routes": routes,
        "otj": [(route.apprenticeship, otj.get(route.apprenticeship.pk)) for route in routes],
        "waiting_employer": _listed(waiting_list_for_apprentice(user=user, waiting_on="employer")),
        "waiting_provider": _listed(waiting_list_for_apprentice(user=user, waiting_on="provider")),
        "reviews_to_sign": _listed(reviews_to_sign_for_user(user=user).filter(apprenticeship__apprentice=user)),
        "next_reviews": _next_reviews(routes),
        "today": timezone.localdate(),
    }
