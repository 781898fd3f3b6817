"""The apprentice's section of the start page: what to change, what to finish, what is still missing, and
what waits on someone else, each with a count and links straight to the page where it is done.

Every list is about the person's own apprenticeships (those whose apprentice is the user), so the section reads
them first and states every other read by their ids, rather than asking each list for the user's scope (a
subquery per list, which cost more to build and to plan than to run). One statement counts every evidence list
(and says whether a review waits for a signature); only lists with something in them are then read, those that fit
on the page in one query together. A fixed number of queries, whatever the number of items: no query per item.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from portfolio.coverage.models import AOCoverage
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.evidence.selectors import (
    evidence_file_rejected_list,
    evidence_file_rejected_list_for_user,
    evidence_list_for_user,
)
from portfolio.otj.selectors import otj_totals_by_apprenticeship
from portfolio.people.models import Apprenticeship
from portfolio.people.selectors import SEES_OTHERS_ROLES
from portfolio.progress.models import ProgressReview
from portfolio.progress.selectors import due_of_annotated, reviews_to_sign_for_user, with_due_inputs
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.selectors.queues import RETURNED_ORDER, with_return

SHOWN = 10  # items listed per task; the count says how many there are, and a link shows them all

# The drafts' order: the last changed first (the oldest first among those changed at the same time).
DRAFTS_ORDER = ("-updated_at", "id")


@dataclass
class Listed:
    """Up to SHOWN rows of a list, and how many there are in all."""

    items: list[Any]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


NOTHING = Listed(items=[], count=0)


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


def _own(user: Any) -> list[Apprenticeship]:
    """The user's own apprenticeships (never anyone else's, whatever other roles they hold), with their coverage
    summary, their provider's review policy, what their next review's due date needs, the time of the review
    scheduled (one at most) and whether one waits for signatures."""
    if not user.is_active:
        return []
    reviews = ProgressReview.objects.filter(apprenticeship=OuterRef("pk"))
    scheduled = reviews.filter(state=ProgressReview.State.SCHEDULED).values("scheduled_for")[:1]
    return list(
        with_due_inputs(Apprenticeship.objects.filter(apprentice_id=user.pk))
        .select_related("standard", "coverage_summary", "provider__review_policy")
        .annotate(
            scheduled_for=Subquery(scheduled),
            awaiting_signatures=Exists(reviews.filter(state=ProgressReview.State.AWAITING_SIGNATURES)),
        )
        .order_by("start_date", "pk")
        # Only the columns the section shows or works with (a summary has some fifty).
        .only(
            "public_id",
            "status",
            "start_date",
            "standard__title",
            "coverage_summary__ready",
            "coverage_summary__covered",
            "coverage_summary__mapped",
            "provider__review_policy__require_employer_confirmation",
            "provider__review_policy__require_provider_acceptance",
        )
    )


def _routes(own: list[Apprenticeship]) -> list[Route]:
    rows: dict[int, list[AOCoverage]] = defaultdict(list)
    if own:
        incomplete = AOCoverage.objects.filter(apprenticeship_id__in=[a.pk for a in own], complete=False)
        for row in incomplete.select_related("outcome").order_by("apprenticeship_id", "outcome__position"):
            rows[row.apprenticeship_id].append(row)
    routes = []
    for apprenticeship in own:
        summary = getattr(apprenticeship, "coverage_summary", None)
        routes.append(
            Route(
                apprenticeship=apprenticeship,
                ready=summary.ready if summary is not None else None,
                covered=summary.covered if summary is not None else 0,
                mapped=summary.mapped if summary is not None else 0,
                incomplete=rows[apprenticeship.pk],
            )
        )
    return routes


def _steps(apprenticeship: Apprenticeship) -> lifecycle.Steps:
    """The sign-off steps of the apprenticeship's provider, as read with it (the defaults without a policy row)."""
    try:
        return apprenticeship.provider.review_policy.steps
    except ReviewPolicy.DoesNotExist:
        return lifecycle.ALL_STEPS


@dataclass(frozen=True)
class _List:
    """One evidence list of the section: which items are in it (as a filter and as a test of a row already read)
    and its order (as SQL, and as a sort of the rows read together with the other lists)."""

    where: Q
    holds: Callable[[dict[str, Any]], bool]
    order_by: tuple[str, ...]
    sort: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def _by(key: Callable[[dict[str, Any]], Any], *, reverse: bool = False) -> Callable[[list[Any]], list[Any]]:
    return lambda rows: sorted(rows, key=key, reverse=reverse)


def _lists(user: Any, own: list[Apprenticeship]) -> dict[str, _List]:
    """The returned items, the drafts the user wrote, and the items in review waiting on the employer and on the
    provider under each provider's policy (the lifecycle's table: without an employer step, submitted items wait on
    the provider)."""
    State = Evidence.State
    lists = {
        # The latest return first (PostgreSQL sorts a missing time first when descending).
        "returned": _List(
            where=Q(state=State.RETURNED),
            holds=lambda row: row["state"] == State.RETURNED,
            order_by=RETURNED_ORDER,
            sort=_by(lambda row: (row["returned_at"] is None, row["returned_at"], row["pk"]), reverse=True),
        ),
        "drafts": _List(
            where=Q(state=State.DRAFT, author_id=user.pk),
            holds=lambda row: row["state"] == State.DRAFT and row["author_id"] == user.pk,
            order_by=DRAFTS_ORDER,
            sort=_by(lambda row: (row["updated_at"], -row["pk"]), reverse=True),
        ),
    }
    for role in (lifecycle.Role.EMPLOYER, lifecycle.Role.PROVIDER):
        states = {a.pk: lifecycle.states_awaiting(role, _steps(a)) for a in own}
        lists[f"waiting_{role.value}"] = _List(
            where=_any(Q(apprenticeship_id=pk, state__in=sorted(s)) for pk, s in states.items() if s),
            holds=lambda row, states=states: row["state"] in states[row["apprenticeship_id"]],  # type: ignore[misc]
            order_by=("submitted_at", "id"),  # the oldest submission first (one never submitted last)
            sort=_by(lambda row: (row["submitted_at"] is None, row["submitted_at"], row["pk"])),
        )
    return lists


def _any(conditions: Iterable[Q]) -> Q:
    found = Q(pk__in=[])
    for condition in conditions:
        found |= condition
    return found


def _counts(user: Any, own: list[Apprenticeship], lists: dict[str, _List]) -> dict[str, int]:
    """How many items each list holds, and how many rejected files are on items the user wrote and may still
    change: one statement, counting per apprenticeship and state."""
    rows = list(
        Evidence.objects.filter(apprenticeship_id__in=[a.pk for a in own])
        .order_by()
        .values("apprenticeship_id", "state")
        .annotate(
            items=Count("pk", distinct=True),
            mine=Count("pk", distinct=True, filter=Q(author_id=user.pk)),
            rejected=Count("files", filter=Q(author_id=user.pk, files__state=EvidenceFile.State.REJECTED)),
        )
    )
    counts = dict.fromkeys(lists, 0)
    counts["rejected_files"] = 0
    for row in rows:
        if row["state"] != Evidence.State.WITHDRAWN:
            counts["rejected_files"] += row["rejected"]
        for name, listed in lists.items():
            # A row counts the items of one apprenticeship in one state: the drafts count those the user wrote.
            if listed.holds({**row, "author_id": user.pk}):
                counts[name] += row["mine"] if name == "drafts" else row["items"]
    return counts


def _read(own: list[Apprenticeship], lists: dict[str, _List], counts: dict[str, int]) -> dict[str, Listed]:
    """The first SHOWN items of each list that holds any: those that fit read together in one query (the rows
    sorted here), a longer list on its own (sorted by PostgreSQL)."""
    rows = (
        with_return(Evidence.objects.filter(apprenticeship_id__in=[a.pk for a in own]))
        .annotate(tagged=Exists(EvidenceTag.objects.filter(evidence=OuterRef("pk"))))
        .values(
            "pk",
            "public_id",
            "title",
            "state",
            "author_id",
            "apprenticeship_id",
            "updated_at",
            "submitted_at",
            "return_comment",
            "returned_at",
            "tagged",
        )
    )
    found = dict.fromkeys(lists, NOTHING)
    together = [name for name in lists if 0 < counts[name] <= SHOWN]
    if together:
        read = list(rows.filter(_any(lists[name].where for name in together)).order_by())
        for name in together:
            items = lists[name].sort([row for row in read if lists[name].holds(row)])
            found[name] = Listed(items=items, count=counts[name])
    for name in lists:
        if counts[name] > SHOWN:
            items = list(rows.filter(lists[name].where).order_by(*lists[name].order_by)[:SHOWN])
            found[name] = Listed(items=items, count=counts[name])
    return found


def _next_reviews(own: list[Apprenticeship]) -> list[tuple[Apprenticeship, Any, datetime.datetime | None]]:
    """Each apprenticeship's next progress review: when it is due, and when the one scheduled is."""
    due = due_of_annotated(apprenticeships=own)
    return [(a, due.get(a.pk), a.scheduled_for) for a in own]  # type: ignore[attr-defined]


def tasks(*, user: Any, roles: frozenset[str]) -> dict[str, Any]:
    """`roles`: the user's (portfolio/people/selectors.py: user_roles)."""
    own = _own(user)
    ids = [a.pk for a in own]
    routes = _routes(own)
    otj = otj_totals_by_apprenticeship(apprenticeship_ids=ids) if ids else {}
    lists = _lists(user, own)
    counts = _counts(user, own, lists) if ids else dict.fromkeys([*lists, "rejected_files"], 0)
    found = _read(own, lists, counts)
    if roles & SEES_OTHERS_ROLES:
        # Through an employer's or a provider's role they see others' apprenticeships: the drafts and rejected
        # files they wrote on those are theirs to finish too, as their evidence list shows.
        drafts = evidence_list_for_user(user=user).filter(state=Evidence.State.DRAFT, author=user)
        tagged = Exists(EvidenceTag.objects.filter(evidence=OuterRef("pk")))
        drafts = drafts.prefetch_related(None).annotate(tagged=tagged)
        found["drafts"] = _listed(drafts.order_by(*DRAFTS_ORDER))
        rejected_files = _listed(evidence_file_rejected_list_for_user(user=user))
    elif counts["rejected_files"]:
        rejected = evidence_file_rejected_list(author=user, apprenticeships=ids)
        rejected_files = Listed(items=list(rejected[:SHOWN]), count=counts["rejected_files"])
    else:
        rejected_files = NOTHING
    to_sign = NOTHING
    if any(a.awaiting_signatures for a in own):  # type: ignore[attr-defined]
        to_sign = _listed(reviews_to_sign_for_user(user=user).filter(apprenticeship_id__in=ids))
    return {
        "returned": found["returned"],
        "rejected_files": rejected_files,
        "drafts": found["drafts"],
        "routes": routes,
        "otj": [(a, otj.get(a.pk)) for a in own],
        "waiting_employer": found["waiting_employer"],
        "waiting_provider": found["waiting_provider"],
        "reviews_to_sign": to_sign,
        "next_reviews": _next_reviews(own),
        "today": timezone.localdate(),
    }
