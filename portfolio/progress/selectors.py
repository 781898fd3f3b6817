"""Reads of progress reviews, scoped through the people selectors (a review you may not see is a 404), and the due
dates of many apprenticeships at once (portfolio/progress/schedule.py says how each is worked out).

The due dates are worked out in Python from four bounded queries whatever the number of apprenticeships (their
fields, their last held review, their breaks, the agreed and provider intervals), so every screen reads them as
they are now: nothing is stored that a change could leave behind.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.http import Http404
from django.utils import timezone

from portfolio.core.compiled import CompiledIdsQuery
from portfolio.otj.figures import Break
from portfolio.people.models import Apprenticeship, BreakInLearning, Membership, Organisation
from portfolio.people.selectors import HeldOrganisations, apprenticeship_list_for_user, user_provider_ids
from portfolio.progress.lifecycle import Party, State
from portfolio.progress.models import AgreedReviewInterval, ProgressReview, ProgressReviewPolicy, ReviewSignature
from portfolio.progress.schedule import (
    DEFAULT_INTERVAL_MONTHS,
    NONE_DUE_STATUSES,
    PAUSED_STATUSES,
    Due,
    interval_for,
    month_index,
    next_due,
)
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES


def review_list_for_user(*, user: Any) -> QuerySet[ProgressReview]:
    return ProgressReview.objects.select_related(
        "apprenticeship__apprentice", "apprenticeship__employer", "apprenticeship__standard", "reviewer",
        "employer_contact",
    ).filter(apprenticeship__in=apprenticeship_list_for_user(user=user).values("pk"))  # fmt: skip


def review_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> ProgressReview:
    try:
        return review_list_for_user(user=user).get(public_id=public_id)
    except (ProgressReview.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc


def policy_for(*, provider: Organisation) -> ProgressReviewPolicy:
    """The provider's setting; an unsaved row with the default (every 3 months) when it never chose."""
    return ProgressReviewPolicy.objects.filter(provider=provider).first() or ProgressReviewPolicy(provider=provider)


def live_signatures(*, review: ProgressReview) -> dict[str, ReviewSignature]:
    rows = ReviewSignature.objects.filter(review=review, invalidated_at__isnull=True).select_related("signed_by")
    return {row.party: row for row in rows}


def _last_held(ids: Any) -> QuerySet[Any]:
    return (
        ProgressReview.objects.filter(apprenticeship_id__in=ids, held_on__isnull=False)
        .order_by()
        .values("apprenticeship_id")
        .annotate(last=Max("held_on"))
        .values_list("apprenticeship_id", "last")
    )


def _breaks(ids: Any) -> QuerySet[Any]:
    rows = BreakInLearning.objects.filter(apprenticeship_id__in=ids).order_by("apprenticeship_id", "started_on")
    return rows.values_list("apprenticeship_id", "started_on", "ended_on")


def _agreed(ids: Any) -> QuerySet[Any]:
    return AgreedReviewInterval.objects.filter(apprenticeship_id__in=ids).values_list(
        "apprenticeship_id", "interval_months"
    )


_PAGE_ROWS = 50
_COMPILED_LAST_HELD = CompiledIdsQuery(_last_held, size=_PAGE_ROWS)
_COMPILED_BREAKS = CompiledIdsQuery(_breaks, size=_PAGE_ROWS)
_COMPILED_AGREED = CompiledIdsQuery(_agreed, size=_PAGE_ROWS)


def due_by_apprenticeship(
    *, apprenticeships: QuerySet[Apprenticeship] | Sequence[Apprenticeship], today: datetime.date | None = None
) -> dict[int, Due]:
    """The next review's due date (or why none is due) of every apprenticeship given: a queryset (read as a
    subquery, however many rows it has), or rows already loaded (a page of a list: one query fewer)."""
    today = today or timezone.localdate()
    ids: Any
    if isinstance(apprenticeships, QuerySet):
        ids = apprenticeships.order_by().values("pk")
        rows = list(Apprenticeship.objects.filter(pk__in=ids).values_list("pk", "status", "start_date", "provider_id"))
    else:
        rows = [(a.pk, a.status, a.start_date, a.provider_id) for a in apprenticeships]
        ids = [row[0] for row in rows]
        if not rows:
            return {}
    # A list of ids (a page's few rows): the three queries compiled once per process (`CompiledIdsQuery`).
    compiled = isinstance(ids, list)
    last_held = dict(_COMPILED_LAST_HELD.rows(ids) if compiled else _last_held(ids))
    breaks = _breaks_of(ids)
    agreed = dict(_COMPILED_AGREED.rows(ids) if compiled else _agreed(ids))
    provider_months = dict(
        ProgressReviewPolicy.objects.filter(provider_id__in={row[3] for row in rows}).values_list(
            "provider_id", "interval_months"
        )
    )
    return {
        pk: _due(
            status=status,
            start_date=start_date,
            last_held_on=last_held.get(pk),
            provider_months=provider_months.get(provider_id),
            agreed_months=agreed.get(pk),
            breaks=breaks.get(pk, []),
            today=today,
        )
        for pk, status, start_date, provider_id in rows
    }


def _breaks_of(ids: Any) -> dict[int, list[Break]]:
    """The breaks in learning of these apprenticeships (ids, or a subquery of them), by apprenticeship, each one's
    in the order they started (a list of ids read by the query compiled once)."""
    breaks: dict[int, list[Break]] = defaultdict(list)
    for apprenticeship_id, started_on, ended_on in (
        _COMPILED_BREAKS.rows(ids) if isinstance(ids, list) else _breaks(ids)
    ):
        breaks[apprenticeship_id].append(Break(started_on=started_on, ended_on=ended_on))
    return breaks


def _due(
    *,
    status: str,
    start_date: datetime.date,
    last_held_on: datetime.date | None,
    provider_months: int | None,
    agreed_months: int | None,
    breaks: list[Break],
    today: datetime.date,
) -> Due:
    interval_months = interval_for(provider_months=provider_months, agreed_months=agreed_months)
    return next_due(
        status=status,
        start_date=start_date,
        last_held_on=last_held_on,
        interval_months=interval_months,
        breaks=breaks,
        today=today,
    )


def with_due_inputs(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """Each apprenticeship with what `due_of_annotated` needs besides its breaks: its last held review
    (`last_held_on`), its agreed interval (`agreed_months`) and its provider's (`provider_months`). For a page that
    reads a person's few apprenticeships anyway: three subqueries of its query instead of three queries (a list of
    many reads them once each, through `due_by_apprenticeship`)."""
    held = ProgressReview.objects.filter(apprenticeship=OuterRef("pk"), held_on__isnull=False).order_by("-held_on")
    agreed = AgreedReviewInterval.objects.filter(apprenticeship=OuterRef("pk"))
    policy = ProgressReviewPolicy.objects.filter(provider_id=OuterRef("provider_id"))
    return queryset.annotate(
        last_held_on=Subquery(held.values("held_on")[:1]),
        agreed_months=Subquery(agreed.values("interval_months")[:1]),
        provider_months=Subquery(policy.values("interval_months")[:1]),
    )


def due_of_annotated(*, apprenticeships: Sequence[Any], today: datetime.date | None = None) -> dict[int, Due]:
    """As `due_by_apprenticeship`, for apprenticeships read `with_due_inputs` (models, or rows of their values
    with the same names: `pk`, `status`, `start_date` and the three inputs): one query (their breaks)."""
    today = today or timezone.localdate()
    if not apprenticeships:
        return {}
    breaks = _breaks_of([a.pk for a in apprenticeships])
    return {
        a.pk: _due(
            status=a.status,
            start_date=a.start_date,
            last_held_on=a.last_held_on,
            provider_months=a.provider_months,
            agreed_months=a.agreed_months,
            breaks=breaks.get(a.pk, []),
            today=today,
        )
        for a in apprenticeships
    }


def due_for(*, apprenticeship: Apprenticeship, today: datetime.date | None = None) -> Due:
    return due_by_apprenticeship(apprenticeships=Apprenticeship.objects.filter(pk=apprenticeship.pk), today=today)[
        apprenticeship.pk
    ]


def overdue_ids(*, apprenticeships: QuerySet[Apprenticeship], today: datetime.date | None = None) -> list[int]:
    """The apprenticeships given (a queryset, read as a subquery) whose next review is overdue, in no set order:
    those the month-end rule alone decides, then the others the rule decides (`_overdue_parts`); two queries."""
    today = today or timezone.localdate()
    by_month, others = _overdue_parts(apprenticeships, today=today)
    # The intervals are read along, unused: the query's grouping keeps what its HAVING compares.
    kept = ("pk", "agreed_months", "provider_months")
    return [pk for pk, *_ in by_month.values_list(*kept)] + others


def overdue_count(*, apprenticeships: QuerySet[Apprenticeship], today: datetime.date | None = None) -> int:
    """How many `overdue_ids` finds: those the month-end rule alone decides counted by PostgreSQL, not read; two
    queries."""
    today = today or timezone.localdate()
    by_month, others = _overdue_parts(apprenticeships, today=today)
    return by_month.count() + len(others)


# Statuses named, not "any but these": a prepared statement is planned once for any value, and where most rows
# share one status PostgreSQL judges that a negated list of parameters keeps none of them, and plans for one row.
_KNOWN = list(Apprenticeship.Status.values)
_RUNNING = [status for status in _KNOWN if status not in NONE_DUE_STATUSES and status not in PAUSED_STATUSES]


def _overdue_parts(
    apprenticeships: QuerySet[Apprenticeship], *, today: datetime.date
) -> tuple[QuerySet[Apprenticeship], list[int]]:
    """The overdue among the apprenticeships given, in two parts (`overdue_queries`): those the month-end rule alone
    decides, as a queryset, unread; the ids of the others the rule finds overdue."""
    by_month, others = overdue_queries(apprenticeships, month=month_index(today))
    return by_month, overdue_decided(list(others), today=today)


def overdue_queries(
    apprenticeships: QuerySet[Apprenticeship], *, month: int
) -> tuple[QuerySet[Apprenticeship], QuerySet[Any]]:
    """Of the apprenticeships given, those whose month-end rule's date has passed by the month `month`
    (`schedule.month_index` of today; `_month_end_passed`), in two parts: no other can be overdue, as breaks only
    move a due date later.

    Those with no break recorded in a status where the clock runs: that date is their due date (schedule.month_index),
    so each of them is overdue, answered as a queryset. The others, neither withdrawn nor completed, with a break or
    a status that pauses the clock (or one the rule does not name): a few, as the rows `overdue_decided` reads, the
    inputs of their due dates and their breaks (a row per break). For a caller that compiles them once
    (portfolio/core/compiled.py): `month` is their one value besides the apprenticeships'."""
    passed = _month_end_passed(apprenticeships, month=month)
    has_breaks = Exists(BreakInLearning.objects.filter(apprenticeship_id=OuterRef("pk")))
    by_month = passed.filter(~has_breaks, status__in=_RUNNING)
    others = passed.filter(
        (has_breaks & ~Q(status__in=NONE_DUE_STATUSES)) | Q(status__in=PAUSED_STATUSES) | ~Q(status__in=_KNOWN)
    )
    inputs = ("pk", "status", "start_date", "last_held_on", "agreed_months", "provider_months")
    rows = others.values_list(*inputs, "breaks__started_on", "breaks__ended_on").order_by("pk", "breaks__started_on")
    return by_month, rows


def overdue_decided(rows: Iterable[tuple[Any, ...]], *, today: datetime.date) -> list[int]:
    """The ids of `overdue_queries`' others (its rows) that the rule (schedule.next_due) finds overdue."""
    read: dict[int, tuple[Any, ...]] = {}
    breaks: dict[int, list[Break]] = defaultdict(list)
    for *row, started_on, ended_on in rows:
        read.setdefault(row[0], tuple(row))
        if started_on is not None:
            breaks[row[0]].append(Break(started_on=started_on, ended_on=ended_on))
    return [
        pk
        for pk, status, start_date, last_held_on, agreed_months, provider_months in read.values()
        if _due(
            status=status,
            start_date=start_date,
            last_held_on=last_held_on,
            provider_months=provider_months,
            agreed_months=agreed_months,
            breaks=breaks[pk],
            today=today,
        ).overdue(today)
    ]


def _own_columns_only(apprenticeships: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """The queryset itself when it filters the apprenticeships by their own columns alone (one table, nothing
    annotated, such as a provider's): joined and grouped as it is, PostgreSQL plans and runs it in about half the
    time of reading its rows by id. Any other is read as a subquery of ids, its joins and annotations left inside."""
    query = apprenticeships.query
    tables = [alias for alias, uses in query.alias_refcount.items() if uses]  # a join no filter uses is left out
    if len(tables) <= 1 and not (query.annotations or query.distinct or query.is_sliced or query.combinator):
        return apprenticeships.order_by()
    return Apprenticeship.objects.filter(pk__in=apprenticeships.order_by().values("pk"))


def _month_end_passed(apprenticeships: QuerySet[Apprenticeship], *, month: int) -> QuerySet[Apprenticeship]:
    """The apprenticeships given whose month-end rule's date, from their last held review (or their start) and their
    interval, is in a month before `month` (schedule.month_index), whatever their status. Each comes with the inputs
    `_due` reads besides its breaks: `last_held_on`, `agreed_months`, `provider_months`, joined (one-to-one, or the
    latest review held)."""
    last_held_on = Max("progress_reviews__held_on")
    anchor = Coalesce(last_held_on, "start_date")
    interval = Coalesce(
        "agreed_review_interval__interval_months",
        "provider__progress_review_policy__interval_months",
        Value(DEFAULT_INTERVAL_MONTHS),
    )
    return (
        _own_columns_only(apprenticeships)
        .order_by()
        .annotate(
            last_held_on=last_held_on,
            agreed_months=F("agreed_review_interval__interval_months"),
            provider_months=F("provider__progress_review_policy__interval_months"),
            due_month=ExtractYear(anchor) * 12 + ExtractMonth(anchor) - 1 + interval,
        )
        .filter(due_month__lt=month)
    )


def due_within_ids(
    *, apprenticeships: QuerySet[Apprenticeship], days: int, today: datetime.date | None = None
) -> list[int]:
    """Due within `days` from today, the overdue included."""
    today = today or timezone.localdate()
    last = today + datetime.timedelta(days=days)
    found = due_by_apprenticeship(apprenticeships=apprenticeships, today=today)
    return [pk for pk, due in found.items() if due.due_on is not None and due.due_on <= last]


def _missing(party: Party) -> Any:
    return ~Exists(ReviewSignature.objects.filter(review_id=OuterRef("pk"), party=party, invalidated_at__isnull=True))


def awaiting_signatures(queryset: QuerySet[ProgressReview]) -> QuerySet[ProgressReview]:
    return queryset.filter(state=State.AWAITING_SIGNATURES)


def reviews_to_sign_for_user(*, user: Any) -> QuerySet[ProgressReview]:
    """Held reviews waiting for this person's signature: as the apprentice, as a line manager or mentor of the
    apprentice's employer, or as the reviewer. Oldest first."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ProgressReview.objects.none()
    employers = Membership.objects.filter(user=user, is_active=True, role__in=EMPLOYER_REVIEWER_ROLES).values(
        "organisation_id"
    )
    mine = (
        (Q(apprenticeship__apprentice=user) & Q(_missing(Party.APPRENTICE)))
        | (Q(apprenticeship__employer_id__in=employers) & Q(_missing(Party.EMPLOYER)))
        | (Q(reviewer=user) & Q(_missing(Party.PROVIDER)))
    )
    return awaiting_signatures(review_list_for_user(user=user)).filter(mine).order_by("held_on", "pk")


def reviews_to_sign_at(*, user: Any, held: HeldOrganisations) -> QuerySet[ProgressReview]:
    """`reviews_to_sign_for_user` for a caller that read the user's organisations already
    (people.selectors.user_held_organisations): the same reviews, in the same order, scoped by plain lists of
    ids and with no rows joined (the caller selects what it shows)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ProgressReview.objects.none()
    mine = (Q(apprenticeship__apprentice=user) & Q(_missing(Party.APPRENTICE))) | (
        Q(reviewer=user) & Q(_missing(Party.PROVIDER))
    )
    employers = held.ids(EMPLOYER_REVIEWER_ROLES)
    if employers:
        mine |= Q(apprenticeship__employer_id__in=employers) & Q(_missing(Party.EMPLOYER))
    queryset = awaiting_signatures(ProgressReview.objects.all()).filter(mine)
    if not user.is_superuser:  # apprenticeship_list_for_user's scope
        queryset = queryset.filter(
            Q(apprenticeship__apprentice=user)
            | Q(apprenticeship__employer_id__in=held.ids(Membership.EMPLOYER_ROLES))
            | Q(apprenticeship__provider_id__in=held.ids(Membership.PROVIDER_ROLES))
        )
    return queryset.order_by("held_on", "pk")


def staff_apprenticeships(*, user: Any) -> QuerySet[Apprenticeship]:
    """The apprenticeships of the providers where the user is staff (the schedule list is theirs)."""
    queryset = apprenticeship_list_for_user(user=user)
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(provider_id__in=user_provider_ids(user=user))


@dataclass
class ScheduleRow:
    """One apprenticeship on the staff's list: when its review is due, the one scheduled, those awaiting
    signatures (with whose)."""

    apprenticeship: Apprenticeship
    due: Due
    scheduled: ProgressReview | None = None
    awaiting: list[tuple[ProgressReview, list[Party]]] = field(default_factory=list)

    def overdue(self, today: datetime.date) -> bool:
        return self.due.overdue(today)


def schedule_rows(
    *, apprenticeships: QuerySet[Apprenticeship], today: datetime.date | None = None
) -> list[ScheduleRow]:
    """Rows for the given (already filtered and scoped) apprenticeships, soonest due first; those with none due
    (withdrawn, completed, on a break) last."""
    today = today or timezone.localdate()
    listed = list(apprenticeships.select_related("apprentice", "employer", "standard", "tutor", "assessor"))
    due = due_by_apprenticeship(apprenticeships=listed, today=today)
    open_reviews = ProgressReview.objects.filter(
        apprenticeship_id__in=[a.pk for a in listed], state__in=[State.SCHEDULED, State.AWAITING_SIGNATURES]
    ).select_related("reviewer")
    scheduled: dict[int, ProgressReview] = {}
    waiting: dict[int, list[ProgressReview]] = defaultdict(list)
    for review in open_reviews.order_by("held_on", "scheduled_for", "pk"):
        if review.state == State.SCHEDULED:
            scheduled[review.apprenticeship_id] = review
        else:
            waiting[review.apprenticeship_id].append(review)
    signed = signed_parties(reviews=[r for rows in waiting.values() for r in rows])
    rows = [
        ScheduleRow(
            apprenticeship=a,
            due=due[a.pk],
            scheduled=scheduled.get(a.pk),
            awaiting=[(r, [p for p in Party if p not in signed.get(r.pk, set())]) for r in waiting.get(a.pk, [])],
        )
        for a in listed
    ]
    far = datetime.date.max
    return sorted(
        rows, key=lambda row: (row.due.due_on or far, row.apprenticeship.apprentice.last_name, row.apprenticeship.pk)
    )


def signed_parties(*, reviews: Iterable[ProgressReview]) -> dict[int, set[str]]:
    """The parties with a live signature, per review, in one query."""
    found: dict[int, set[str]] = defaultdict(set)
    ids = [r.pk for r in reviews]
    for review_id, party in ReviewSignature.objects.filter(review_id__in=ids, invalidated_at__isnull=True).values_list(
        "review_id", "party"
    ):
        found[review_id].add(party)
    return found
