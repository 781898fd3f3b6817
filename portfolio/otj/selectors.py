"""Scoped reads of OTJ entries, the approval queue, the figures of one apprenticeship, the minimums of a provider.

Entries are seen by whoever sees their apprenticeship (portfolio.people.selectors): the apprentice, their
employer's contacts, their provider's staff. A record the user may not see raises Http404, like a missing one.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from portfolio.core.compiled import CompiledIdsQuery, CompiledQuery, InNamed
from portfolio.evidence.models import Evidence
from portfolio.otj.figures import DEFAULT_TOLERANCE, Break, OtjFigures, month_start, otj_figures
from portfolio.otj.lifecycle import STAFF_ROLES
from portfolio.otj.models import OtjActivity, OtjMinimum
from portfolio.people.models import Apprenticeship, BreakInLearning, Organisation, User
from portfolio.people.selectors import apprenticeship_list_for_user, user_organisation_ids
from portfolio.standards.models import Standard


def otj_activity_list_for_user(*, user: Any) -> QuerySet[OtjActivity]:
    return (
        OtjActivity.objects.select_related(
            "apprenticeship__apprentice", "apprenticeship__standard", "logged_by", "decided_by"
        )
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("public_id", "title", "state")))
        .filter(apprenticeship__in=apprenticeship_list_for_user(user=user).values("pk"))
    )


def otj_activity_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> OtjActivity:
    try:
        return otj_activity_list_for_user(user=user).get(public_id=public_id)
    except (OtjActivity.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc


def otj_activity_list_for_apprenticeship(*, user: Any, apprenticeship: Apprenticeship) -> QuerySet[OtjActivity]:
    """Newest first. The caller found the apprenticeship through the scoped selector."""
    return otj_activity_list_for_user(user=user).filter(apprenticeship=apprenticeship)


def otj_queue_for_user(
    *, user: Any, tutor: User | None = None, apprenticeship: Apprenticeship | None = None
) -> QuerySet[OtjActivity]:
    """Pending entries the user may decide: at the providers where they are an assessor, tutor or admin,
    except the entries they logged themselves. Oldest first. `tutor` keeps the apprenticeships that person
    tutors (or assesses)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return OtjActivity.objects.none()
    # The providers read first, then a plain filter by them (`otj_queue_at`): staff at a provider see all its
    # apprenticeships, so the reader's scope (`otj_activity_list_for_user`) would add nothing but a subquery whose
    # rows PostgreSQL underestimated a hundredfold, sorting every waiting entry of the provider for each page.
    providers = list(user_organisation_ids(user=user, roles=STAFF_ROLES).values_list("organisation_id", flat=True))
    queryset = (
        otj_queue_at(user_id=user.pk, provider_ids=providers)
        .select_related("apprenticeship__apprentice", "apprenticeship__standard", "logged_by", "decided_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only("public_id", "title", "state")))
        .order_by("date", "start_time", "pk")
    )
    if tutor is not None:
        queryset = queryset.filter(Q(apprenticeship__tutor=tutor) | Q(apprenticeship__assessor=tutor))
    if apprenticeship is not None:
        queryset = queryset.filter(apprenticeship=apprenticeship)
    return queryset


def otj_queue_count(*, user: Any) -> int:
    return otj_queue_for_user(user=user).count()


def otj_queue_at(*, user_id: int, provider_ids: list[int]) -> QuerySet[OtjActivity]:
    """The entries of `otj_queue_for_user` for an active user with the id `user_id` who is staff (STAFF_ROLES) at
    these providers, read already, with nothing joined and in no order: what `otj_queue_for_user` joins and orders,
    and what the start page counts in a query compiled once (portfolio/core/start/staff.py)."""
    # The state written into the statement (`InNamed`): a prepared count's generic plan reads the pending entries'
    # partial index.
    return OtjActivity.objects.filter(
        InNamed(F("state"), [OtjActivity.State.PENDING]), apprenticeship__provider_id__in=provider_ids
    ).exclude(logged_by_id=user_id)


# The reads of `otj_figures_for` (the progress page, the OTJ log, the API, the progress review's record), built and
# compiled once per process (`CompiledQuery`): compiling them cost more CPU than PostgreSQL spends running them. The
# stand-in is an id no row has.
_STAND_IN_ID = -7_000_000_201
# The totals and the months with approved OTJ, per month.
_MONTH_TOTALS = CompiledQuery(
    lambda apprenticeship_id: (
        OtjActivity.objects.filter(apprenticeship_id=apprenticeship_id)
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("month")
        .annotate(
            approved=Sum("minutes", filter=Q(state=OtjActivity.State.APPROVED)),
            pending=Sum("minutes", filter=Q(state=OtjActivity.State.PENDING)),
        )
        .values_list("month", "approved", "pending")
    ),
    apprenticeship_id=_STAND_IN_ID,
)
_EVIDENCE_MONTHS: dict[str, CompiledQuery] = {}
# One row at most: a provider sets one minimum per standard version (a unique constraint), so unordered (the model's
# order joined the provider and the standard for nothing).
_MINIMUM = CompiledQuery(
    lambda provider_id, standard_id: (
        OtjMinimum.objects.filter(provider_id=provider_id, standard_version_id=standard_id)
        .order_by()
        .values_list("minimum_hours")
    ),
    provider_id=_STAND_IN_ID,
    standard_id=_STAND_IN_ID - 1,
)
_BREAKS = CompiledQuery(
    lambda apprenticeship_id: (
        BreakInLearning.objects.filter(apprenticeship_id=apprenticeship_id)
        .order_by("started_on")
        .values_list("started_on", "ended_on")
    ),
    apprenticeship_id=_STAND_IN_ID,
)
# One row at most: a provider has one gateway policy. Built on first use, when a missing gateway app raises
# LookupError (`otj_tolerance_for`).
_TOLERANCE = CompiledQuery(
    lambda provider_id: (
        apps.get_model("gateway", "GatewayPolicy")
        .objects.filter(provider_id=provider_id)
        .values_list("otj_tolerance_percent")
    ),
    provider_id=_STAND_IN_ID,
)


def otj_tolerance_for(*, provider_id: int) -> Decimal:
    """The share of the expected hours an apprentice may fall short before counting as behind: the provider's
    gateway policy (`otj_tolerance_percent`, portfolio/gateway/) when it has one, else 10 %.

    Looked up by app label, not imported: the gateway app builds on this one, and the OTJ figures must work
    (with the default) wherever it is not installed.
    """
    try:
        rows = _TOLERANCE.rows(provider_id=provider_id)
    except LookupError:
        return DEFAULT_TOLERANCE
    return DEFAULT_TOLERANCE if not rows else Decimal(rows[0][0]) / 100


def otj_breaks_for(*, apprenticeship: Apprenticeship) -> list[Break]:
    return [
        Break(started_on=started_on, ended_on=ended_on)
        for started_on, ended_on in _BREAKS.rows(apprenticeship_id=apprenticeship.pk)
    ]


def _evidence_months(apprenticeship: Apprenticeship) -> set[datetime.date]:
    """Months with an evidence item created or submitted in them (in the site's time zone): one query, each
    item's two months side by side."""
    zone = timezone.get_current_timezone()
    query = _EVIDENCE_MONTHS.get(str(zone))
    if query is None:  # the zone is written into the query: one per zone (the site has one)
        query = _EVIDENCE_MONTHS.setdefault(
            str(zone),
            CompiledQuery(
                lambda apprenticeship_id: (
                    Evidence.objects.filter(apprenticeship_id=apprenticeship_id)
                    .order_by()
                    .annotate(
                        created=TruncMonth("created_at", tzinfo=zone), submitted=TruncMonth("submitted_at", tzinfo=zone)
                    )
                    .values_list("created", "submitted")
                    .distinct()
                ),
                apprenticeship_id=_STAND_IN_ID,
            ),
        )
    found = {month for pair in query.rows(apprenticeship_id=apprenticeship.pk) for month in pair if month is not None}
    return {timezone.localtime(m).date() if isinstance(m, datetime.datetime) else m for m in found}


def otj_figures_for(*, apprenticeship: Apprenticeship, today: datetime.date | None = None) -> OtjFigures:
    """The figures the progress page, the log and the API show (portfolio/otj/figures.py says how). The totals and
    the months with approved OTJ come from one query (per month), as the month totals are made; a month is active
    with approved OTJ, or an evidence item created or submitted in it."""
    approved_minutes = pending_minutes = 0
    active_months = _evidence_months(apprenticeship)
    for month, approved, pending in _MONTH_TOTALS.rows(apprenticeship_id=apprenticeship.pk):
        approved_minutes += approved or 0
        pending_minutes += pending or 0
        if approved:  # every activity lasts a minute at least
            active_months.add(month_start(month))
    minimum = next(
        iter(_MINIMUM.rows(provider_id=apprenticeship.provider_id, standard_id=apprenticeship.standard_id)), (None,)
    )[0]
    return otj_figures(
        start_date=apprenticeship.start_date,
        planned_end_date=apprenticeship.planned_end_date,
        today=today or timezone.localdate(),
        breaks=otj_breaks_for(apprenticeship=apprenticeship),
        approved_minutes=approved_minutes,
        pending_minutes=pending_minutes,
        planned_hours=apprenticeship.otj_planned_hours,
        minimum_hours=minimum,
        rpl_hours=apprenticeship.rpl_hours,
        active_months=active_months,
        tolerance=otj_tolerance_for(provider_id=apprenticeship.provider_id),
    )


def otj_last_activity_type(*, apprenticeship: Apprenticeship, user: Any) -> str | None:
    """The kind of activity this person logged last for this apprenticeship: the quick form's default."""
    return (
        OtjActivity.objects.filter(apprenticeship=apprenticeship, logged_by=user)
        .order_by("-created_at", "-pk")
        .values_list("activity_type", flat=True)
        .first()
    )


@dataclass(frozen=True)
class MinimumRow:
    standard: Standard
    minimum_hours: int | None
    apprenticeships: int


def otj_minimum_rows_for_provider(*, provider: Organisation) -> list[MinimumRow]:
    """The standard versions the provider's apprenticeships follow, and any with a minimum set, in catalogue order."""
    in_use = dict(
        Apprenticeship.objects.filter(provider=provider)
        .values("standard_id")
        .annotate(n=Count("pk"))
        .values_list("standard_id", "n")
    )
    minimums = dict(OtjMinimum.objects.filter(provider=provider).values_list("standard_version_id", "minimum_hours"))
    standards = Standard.objects.filter(pk__in=set(in_use) | set(minimums)).order_by("reference", "version")
    return [MinimumRow(s, minimums.get(s.pk), in_use.get(s.pk, 0)) for s in standards]


def otj_day_totals(*, apprenticeship: Apprenticeship, dates: list[datetime.date]) -> dict[datetime.date, int]:
    """Minutes logged (pending or approved) on each of these dates."""
    rows = (
        OtjActivity.objects.filter(apprenticeship=apprenticeship, date__in=dates)
        .exclude(state=OtjActivity.State.DECLINED)
        .values("date")
        .annotate(total=Sum("minutes"))
        .values_list("date", "total")
    )
    return dict(rows)


@dataclass(frozen=True)
class OtjTotals:
    approved_minutes: int
    pending_minutes: int
    declined: int


def _totals(ids: list[int]) -> QuerySet[Any]:
    return (
        OtjActivity.objects.filter(apprenticeship_id__in=ids)
        .values("apprenticeship_id")
        .annotate(
            approved=Sum("minutes", filter=Q(state=OtjActivity.State.APPROVED)),
            pending=Sum("minutes", filter=Q(state=OtjActivity.State.PENDING)),
            declined=Count("pk", filter=Q(state=OtjActivity.State.DECLINED)),
        )
        .values_list("apprenticeship_id", "approved", "pending", "declined")
    )


# A person's few apprenticeships (the apprentice's start page), by a query compiled once per process.
_TOTALS = CompiledIdsQuery(_totals, size=4)


def otj_totals_by_apprenticeship(*, apprenticeship_ids: list[int]) -> dict[int, OtjTotals]:
    """Approved and pending minutes (and declined entries) per apprenticeship, in one query."""
    return {
        apprenticeship_id: OtjTotals(approved or 0, pending or 0, declined)
        for apprenticeship_id, approved, pending, declined in _TOTALS.rows(apprenticeship_ids)
    }
