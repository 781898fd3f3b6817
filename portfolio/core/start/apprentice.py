"""The apprentice's section of the start page: what to change, what to finish, what is still missing, and
what waits on someone else, each with a count and links straight to the page where it is done.

Every list is about the person's own apprenticeships (those whose apprentice is the user), so the section reads
them first and states every other read by their ids, rather than asking each list for the user's scope (a
subquery per list, which cost more to build and to plan than to run). One statement counts every evidence list
(and says whether a review waits for a signature); only lists with something in them are then read, those that fit
on the page in one query together. A fixed number of queries, whatever the number of items: no query per item.

The reads are built and compiled once per process (portfolio/core/compiled.py) and answer plain values, not a
model per row and relation: building, compiling and instantiating them cost most of the page, several times what
PostgreSQL spends running them. The evidence lists' reads differ with the lists read and the providers' sign-off
steps; each such shape is compiled once, for up to `COMPILED_UP_TO` apprenticeships (a person has one, seldom two).
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from portfolio.core.compiled import CompiledIdsQuery, CompiledQuery
from portfolio.coverage.models import AOCoverage
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.evidence.selectors import (
    evidence_file_rejected_list,
    evidence_file_rejected_list_for_user,
    evidence_list_for_user,
)
from portfolio.otj.selectors import otj_totals_by_apprenticeship
from portfolio.people.models import Apprenticeship, User
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


COMPILED_UP_TO = 4  # apprenticeships of one person read by the queries compiled once; more, through the ORM
_STAND_IN_USER = -7_000_000_401


@dataclass(frozen=True)
class Own:
    """One of the user's own apprenticeships as the section shows it and works with it, read as plain values: its
    coverage summary, its provider's sign-off steps, what its next review's due date needs (`due_of_annotated`),
    the time of the review scheduled (one at most) and whether one waits for signatures."""

    pk: int
    public_id: uuid.UUID
    status: str
    start_date: datetime.date
    standard_title: str
    summary: tuple[bool, int, int] | None  # ready, covered, mapped; None: coverage not worked out yet
    steps: lifecycle.Steps
    last_held_on: datetime.date | None
    agreed_months: int | None
    provider_months: int | None
    scheduled_for: datetime.datetime | None
    awaiting_signatures: bool


# The provider's policy's columns of the sign-off steps (`ReviewPolicy.steps` reads them).
_POLICY_COLUMNS = tuple(ReviewPolicy.STEP_FIELDS.values())


def _own_rows(user_id: int) -> QuerySet[Any]:
    reviews = ProgressReview.objects.filter(apprenticeship=OuterRef("pk"))
    scheduled = reviews.filter(state=ProgressReview.State.SCHEDULED).values("scheduled_for")[:1]
    return (
        with_due_inputs(Apprenticeship.objects.filter(apprentice_id=user_id))
        .annotate(
            scheduled_for=Subquery(scheduled),
            awaiting_signatures=Exists(reviews.filter(state=ProgressReview.State.AWAITING_SIGNATURES)),
        )
        .order_by("start_date", "pk")
        .values_list(
            "pk", "public_id", "status", "start_date", "standard__title",
            "coverage_summary__ready", "coverage_summary__covered", "coverage_summary__mapped",
            *(f"provider__review_policy__{column}" for column in _POLICY_COLUMNS),
            "last_held_on", "agreed_months", "provider_months", "scheduled_for", "awaiting_signatures",
        )
    )  # fmt: skip


_OWN = CompiledQuery(_own_rows, user_id=_STAND_IN_USER)


def _own(user: Any) -> list[Own]:
    """The user's own apprenticeships (never anyone else's, whatever other roles they hold)."""
    if not user.is_active:
        return []
    own = []
    for pk, public_id, status, start_date, title, ready, covered, mapped, *rest in _OWN.rows(user_id=user.pk):
        policy, (last_held_on, agreed_months, provider_months, scheduled_for, awaiting) = (
            rest[: len(_POLICY_COLUMNS)],
            rest[len(_POLICY_COLUMNS) :],
        )
        # The policy's columns are never NULL: NULL says the provider has no policy row (the defaults).
        steps = (
            lifecycle.ALL_STEPS
            if policy[0] is None
            else ReviewPolicy(**dict(zip(_POLICY_COLUMNS, policy, strict=True))).steps
        )
        own.append(
            Own(
                pk=pk, public_id=public_id, status=status, start_date=start_date, standard_title=title,
                summary=None if ready is None else (ready, covered, mapped), steps=steps, last_held_on=last_held_on,
                agreed_months=agreed_months, provider_months=provider_months, scheduled_for=scheduled_for,
                awaiting_signatures=awaiting,
            )
        )  # fmt: skip
    return own


@dataclass(frozen=True)
class Missing:
    """An AO of the route that still misses statements."""

    code: str
    title: str
    covered: int
    mapped: int
    missing: list[str]


@dataclass
class Route:
    """One of the apprentice's apprenticeships, with the AOs that still miss statements."""

    apprenticeship: Own
    ready: bool | None  # None: coverage not worked out yet
    covered: int = 0
    mapped: int = 0
    incomplete: list[Missing] = field(default_factory=list)


def _incomplete_rows(ids: list[int]) -> QuerySet[Any]:
    return (
        AOCoverage.objects.filter(apprenticeship_id__in=ids, complete=False)
        .order_by("apprenticeship_id", "outcome__position")
        .values_list("apprenticeship_id", "outcome__code", "outcome__title", "covered", "mapped", "missing")
    )


_INCOMPLETE = CompiledIdsQuery(_incomplete_rows, size=COMPILED_UP_TO)


def _routes(own: list[Own]) -> list[Route]:
    rows: dict[int, list[Missing]] = defaultdict(list)
    for apprenticeship_id, *values in _INCOMPLETE.rows([a.pk for a in own]):
        rows[apprenticeship_id].append(Missing(*values))
    routes = []
    for apprenticeship in own:
        ready, covered, mapped = apprenticeship.summary or (None, 0, 0)
        routes.append(
            Route(
                apprenticeship=apprenticeship,
                ready=ready,
                covered=covered,
                mapped=mapped,
                incomplete=rows[apprenticeship.pk],
            )
        )
    return routes


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


def _lists(user_id: int | None, steps: dict[int, lifecycle.Steps]) -> dict[str, _List]:
    """The returned items, the drafts the user wrote, and the items in review waiting on the employer and on the
    provider under each provider's policy (`steps`, by apprenticeship: the lifecycle's table; without an employer
    step, submitted items wait on the provider)."""
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
            where=Q(state=State.DRAFT, author_id=user_id),
            holds=lambda row: row["state"] == State.DRAFT and row["author_id"] == user_id,
            order_by=DRAFTS_ORDER,
            sort=_by(lambda row: (row["updated_at"], -row["pk"]), reverse=True),
        ),
    }
    for role in (lifecycle.Role.EMPLOYER, lifecycle.Role.PROVIDER):
        states = {pk: lifecycle.states_awaiting(role, of) for pk, of in steps.items()}
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


_COUNT_COLUMNS = ("apprenticeship_id", "state", "items", "mine", "rejected")


def _count_rows(ids: list[int], user_id: int) -> QuerySet[Any]:
    return (
        Evidence.objects.filter(apprenticeship_id__in=ids)
        .order_by()
        .values("apprenticeship_id", "state")
        .annotate(
            items=Count("pk", distinct=True),
            mine=Count("pk", distinct=True, filter=Q(author_id=user_id)),
            rejected=Count("files", filter=Q(author_id=user_id, files__state=EvidenceFile.State.REJECTED)),
        )
        .values_list(*_COUNT_COLUMNS)
    )


_COUNTS = CompiledIdsQuery(_count_rows, size=COMPILED_UP_TO, user_id=_STAND_IN_USER)


def _counts(user: Any, own: list[Own], lists: dict[str, _List]) -> dict[str, int]:
    """How many items each list holds, and how many rejected files are on items the user wrote and may still
    change: one statement, counting per apprenticeship and state."""
    counts = dict.fromkeys(lists, 0)
    counts["rejected_files"] = 0
    for values in _COUNTS.rows([a.pk for a in own], user_id=user.pk):
        row = dict(zip(_COUNT_COLUMNS, values, strict=True))
        if row["state"] != Evidence.State.WITHDRAWN:
            counts["rejected_files"] += row["rejected"]
        for name, listed in lists.items():
            # A row counts the items of one apprenticeship in one state: the drafts count those the user wrote.
            if listed.holds({**row, "author_id": user.pk}):
                counts[name] += row["mine"] if name == "drafts" else row["items"]
    return counts


_ITEM_COLUMNS = (
    "pk", "public_id", "title", "state", "author_id", "apprenticeship_id", "updated_at", "submitted_at",
    "return_comment", "returned_at", "tagged",
)  # fmt: skip


def _items(ids: list[int]) -> QuerySet[Any]:
    return (
        with_return(Evidence.objects.filter(apprenticeship_id__in=ids))
        .annotate(tagged=Exists(EvidenceTag.objects.filter(evidence=OuterRef("pk"))))
        .values_list(*_ITEM_COLUMNS)
    )


def _items_query(
    names: tuple[str, ...], *, together: bool, steps: tuple[lifecycle.Steps, ...]
) -> Callable[..., QuerySet[Any]]:
    """The query of the items of the lists `names` of a person whose apprenticeships have these sign-off steps:
    read together (unsorted: sorted here), or one list alone, sorted and cut by PostgreSQL. `build(ids, user_id)`;
    without the drafts, `build(ids)`: the drafts' is the one list that reads the user."""

    def build(ids: list[int], user_id: int | None = None) -> QuerySet[Any]:
        lists = _lists(user_id, dict(zip(ids, steps, strict=True)))
        if together:
            return _items(ids).filter(_any(lists[name].where for name in names)).order_by()
        (name,) = names
        return _items(ids).filter(lists[name].where).order_by(*lists[name].order_by)[:SHOWN]

    return build


# The items' queries by the lists read, together or alone, and the apprenticeships' sign-off steps.
_ITEMS: dict[tuple[tuple[str, ...], bool, tuple[lifecycle.Steps, ...]], CompiledIdsQuery] = {}


def _item_rows(names: tuple[str, ...], own: list[Own], user: Any, *, together: bool) -> list[dict[str, Any]]:
    ids, steps = [a.pk for a in own], tuple(a.steps for a in own)
    build = _items_query(names, together=together, steps=steps)
    user_id = {"user_id": user.pk} if "drafts" in names else {}
    if len(own) > COMPILED_UP_TO:
        rows: Iterable[tuple[Any, ...]] = build(ids, **user_id)
    else:
        key = (names, together, steps)
        query = _ITEMS.get(key)
        if query is None:
            stand_ins: dict[str, Any] = {"user_id": _STAND_IN_USER} if user_id else {}
            query = _ITEMS.setdefault(key, CompiledIdsQuery(build, size=len(own), **stand_ins))
        rows = query.rows(ids, **user_id)
    return [dict(zip(_ITEM_COLUMNS, row, strict=True)) for row in rows]


def _read(user: Any, own: list[Own], lists: dict[str, _List], counts: dict[str, int]) -> dict[str, Listed]:
    """The first SHOWN items of each list that holds any: those that fit read together in one query (the rows
    sorted here), a longer list on its own (sorted by PostgreSQL)."""
    found = dict.fromkeys(lists, NOTHING)
    together = tuple(name for name in lists if 0 < counts[name] <= SHOWN)
    if together:
        read = _item_rows(together, own, user, together=True)
        for name in together:
            items = lists[name].sort([row for row in read if lists[name].holds(row)])
            found[name] = Listed(items=items, count=counts[name])
    for name in lists:
        if counts[name] > SHOWN:
            found[name] = Listed(items=_item_rows((name,), own, user, together=False), count=counts[name])
    return found


@dataclass(frozen=True)
class RejectedFile:
    public_id: uuid.UUID
    original_name: str
    rejection_reason: str
    evidence_public_id: uuid.UUID
    evidence_title: str


_REJECTED_COLUMNS = ("public_id", "original_name", "rejection_reason", "evidence__public_id", "evidence__title")


def _rejected_rows(ids: list[int], author_id: int) -> QuerySet[Any]:
    return evidence_file_rejected_list(author=author_id, apprenticeships=ids).values_list(*_REJECTED_COLUMNS)[:SHOWN]


_REJECTED = CompiledIdsQuery(_rejected_rows, size=COMPILED_UP_TO, author_id=_STAND_IN_USER)


@dataclass(frozen=True)
class ToSign:
    public_id: uuid.UUID
    held_on: datetime.date


def _to_sign_rows(ids: list[int], user_id: int) -> QuerySet[Any]:
    # A superuser's scope is everyone's: the query compiled is that of someone who is not one.
    person = User(pk=user_id, is_active=True, is_superuser=False)
    return _to_sign(person, ids)[: SHOWN + 1]


def _to_sign(user: Any, ids: list[int]) -> QuerySet[Any]:
    return reviews_to_sign_for_user(user=user).filter(apprenticeship_id__in=ids).values_list("public_id", "held_on")


_TO_SIGN = CompiledIdsQuery(_to_sign_rows, size=COMPILED_UP_TO, user_id=_STAND_IN_USER)


def _reviews_to_sign(user: Any, ids: list[int]) -> Listed:
    """The user's held reviews waiting for their signature."""
    if user.is_superuser:
        listed = _listed(_to_sign(user, ids))
        return Listed(items=[ToSign(*row) for row in listed.items], count=listed.count)
    rows = _TO_SIGN.rows(ids, user_id=user.pk)
    count = len(rows) if len(rows) <= SHOWN else _to_sign(user, ids).count()
    return Listed(items=[ToSign(*row) for row in rows[:SHOWN]], count=count)


def _next_reviews(own: list[Own]) -> list[tuple[Own, Any, datetime.datetime | None]]:
    """Each apprenticeship's next progress review: when it is due, and when the one scheduled is."""
    due = due_of_annotated(apprenticeships=own)
    return [(a, due.get(a.pk), a.scheduled_for) for a in own]


def tasks(*, user: Any, roles: frozenset[str]) -> dict[str, Any]:
    """`roles`: the user's (portfolio/people/selectors.py: user_roles)."""
    own = _own(user)
    ids = [a.pk for a in own]
    routes = _routes(own)
    otj = otj_totals_by_apprenticeship(apprenticeship_ids=ids) if ids else {}
    lists = _lists(user.pk, {a.pk: a.steps for a in own})
    counts = _counts(user, own, lists) if ids else dict.fromkeys([*lists, "rejected_files"], 0)
    found = _read(user, own, lists, counts)
    if roles & SEES_OTHERS_ROLES:
        # Through an employer's or a provider's role they see others' apprenticeships: the drafts and rejected
        # files they wrote on those are theirs to finish too, as their evidence list shows.
        drafts = evidence_list_for_user(user=user).filter(state=Evidence.State.DRAFT, author=user)
        tagged = Exists(EvidenceTag.objects.filter(evidence=OuterRef("pk")))
        drafts = drafts.prefetch_related(None).annotate(tagged=tagged)
        found["drafts"] = _listed(drafts.order_by(*DRAFTS_ORDER))
        listed = _listed(evidence_file_rejected_list_for_user(user=user).values_list(*_REJECTED_COLUMNS))
        rejected_files = Listed(items=[RejectedFile(*row) for row in listed.items], count=listed.count)
    elif counts["rejected_files"]:
        rows = _REJECTED.rows(ids, author_id=user.pk)
        rejected_files = Listed(items=[RejectedFile(*row) for row in rows], count=counts["rejected_files"])
    else:
        rejected_files = NOTHING
    to_sign = _reviews_to_sign(user, ids) if any(a.awaiting_signatures for a in own) else NOTHING
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
