"""Reads of coverage, readiness and the cohort, scoped to the user through the people selectors."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portfolio.core.compiled import CompiledQuery
from portfolio.core.queries import Keyset
from portfolio.coverage import sql
from portfolio.coverage.gates import GATE_COLUMNS
from portfolio.coverage.gates_sql import Dates
from portfolio.coverage.models import AOCoverage, CoverageDirty, CoverageSummary, ReadinessEvent
from portfolio.people.models import Apprenticeship, Membership
from portfolio.people.selectors import HeldOrganisations, apprenticeship_list_for_user, user_provider_ids


def with_coverage_percent(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    # A never-computed apprenticeship sorts as 0 %.
    return queryset.annotate(coverage_percent=Coalesce(F("coverage_summary__percent"), Value(0.0)))


def with_coverage(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    # `stale` says its inputs changed since the last compute.
    return with_coverage_percent(queryset.select_related("coverage_summary")).annotate(
        coverage_stale=Exists(CoverageDirty.objects.filter(apprenticeship_id=OuterRef("pk"))),
    )


# What `apprenticeship_list_for_user` joins to each row: the cohort's callers read the same relations.
_RELATED = ("apprentice", "provider", "employer", "standard", "option", "tutor", "assessor", "line_manager", "mentor")


def cohort_list_for_user(*, user: Any, held: HeldOrganisations | None = None) -> QuerySet[Apprenticeship]:
    """Provider staff: their provider's apprenticeships; employer contacts: their employer's. Not an
    apprentice's own (they see those through their apprenticeship). `held`: the person's organisations, when the
    caller has read them (`user_held_organisations`): the scope is then lists of ids, which PostgreSQL reads
    through the apprenticeships' indexes, where the membership subqueries (one of them OR the other) made it
    test every apprenticeship of every organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return with_coverage(apprenticeship_list_for_user(user=user))  # no one's, or everyone's
    # Within `apprenticeship_list_for_user`'s scope (which adds the user's own apprenticeships), applied alone: the
    # database plans and tests two subqueries per row, not four, and the query is built in a fraction of the time.
    if held is None:
        providers: Any = user_provider_ids(user=user)
        employers: Any = user_provider_ids(user=user, roles=Membership.EMPLOYER_ROLES)
    else:
        providers, employers = held.ids(Membership.PROVIDER_ROLES), held.ids(Membership.EMPLOYER_ROLES)
    return with_coverage(
        Apprenticeship.objects.select_related(*_RELATED).filter(
            Q(provider_id__in=providers) | Q(employer_id__in=employers)
        )
    )


def cohort_gate_filter(
    queryset: QuerySet[Apprenticeship],
    *,
    state: str | None = None,
    blocked_by: str | None = None,
    behind_on_otj: bool | None = None,
    no_activity_last_month: bool | None = None,
) -> QuerySet[Apprenticeship]:
    """The cohort's gateway filters, read from the stored summary's gate columns:
    a readiness state; "blocked by" a gate (on and not passed); behind on OTJ; no activity last month."""
    if state:
        queryset = queryset.filter(coverage_summary__state=state)
    if blocked_by in GATE_COLUMNS:  # a gate that is off passes
        queryset = queryset.filter(**{f"coverage_summary__{GATE_COLUMNS[blocked_by][0]}_passed": False})
    if behind_on_otj is not None:
        behind = Q(coverage_summary__otj_behind=True)
        queryset = queryset.filter(behind) if behind_on_otj else queryset.exclude(behind)
    if no_activity_last_month is not None:
        idle = Q(coverage_summary__otj_active_last_month=False)
        queryset = queryset.filter(idle) if no_activity_last_month else queryset.exclude(idle)
    return queryset


# Every column of a summary (some fifty) and whether a change is marked: built and compiled once per process
# (`CompiledQuery`), since compiling it cost more CPU than PostgreSQL spends running it. One row at most: a summary
# per apprenticeship. The stand-in is an id no row has.
_SUMMARY_COLUMNS = [field.attname for field in CoverageSummary._meta.concrete_fields]
_SUMMARY = CompiledQuery(
    lambda apprenticeship_id: (
        CoverageSummary.objects.filter(apprenticeship_id=apprenticeship_id)
        .annotate(stale=Exists(CoverageDirty.objects.filter(apprenticeship_id=OuterRef("apprenticeship_id"))))
        .order_by()
        .values_list(*_SUMMARY_COLUMNS, "stale")
    ),
    apprenticeship_id=-7_000_000_301,
)


def coverage_summary_for(*, apprenticeship: Apprenticeship) -> tuple[CoverageSummary | None, bool]:
    """The stored summary (None before the first compute) and whether it is stale."""
    rows = _SUMMARY.rows(apprenticeship_id=apprenticeship.pk)
    if not rows:  # never computed: stale if a change waits for its first compute
        return None, CoverageDirty.objects.filter(apprenticeship=apprenticeship).exists()
    *columns, stale = rows[0]
    # The model as the ORM makes it from a row (`from_db`), its values converted as the queryset converts them.
    return CoverageSummary.from_db(connection.alias, _SUMMARY_COLUMNS, columns), bool(stale)


def ao_coverage_list_for_user(*, user: Any, apprentice_only: bool = False) -> QuerySet[AOCoverage]:
    """Stored per-AO coverage of the apprenticeships the user may see (only their own as the apprentice, with
    `apprentice_only`), in route order."""
    apprenticeships = apprenticeship_list_for_user(user=user)
    if apprentice_only:
        apprenticeships = apprenticeships.filter(apprentice_id=user.pk)
    return (
        AOCoverage.objects.filter(apprenticeship__in=apprenticeships.values("pk"))
        .select_related("outcome")
        .order_by("apprenticeship_id", "outcome__position")
    )


def coverage_explain(*, apprenticeship: Apprenticeship) -> list[dict[str, Any]]:
    """Per route AO, computed now by the engine's own SQL: each statement, covered or not, and the evidence
    that counts for it. Two queries. The caller has already checked the user may see the apprenticeship."""
    with connection.cursor() as cursor:
        cursor.execute(*sql.statements_explained(apprenticeship.pk, dates=Dates.on(timezone.localdate())))
        rows = cursor.fetchall()
        cursor.execute(*sql.counting_evidence(apprenticeship.pk))
        evidence_rows = cursor.fetchall()
    evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for statement_id, public_id, title in evidence_rows:
        evidence[statement_id].append({"id": _uuid_text(public_id), "title": title})
    per_ao: dict[int, list[dict[str, Any]]] = defaultdict(list)
    outcomes: dict[int, tuple[Any, ...]] = {}
    for outcome_id, statement_id, code, mandatory, items, covered, need, kind, text, *outcome in rows:
        outcomes[outcome_id] = tuple(outcome)
        per_ao[outcome_id].append(
            {
                "code": code,
                "kind": kind,
                "text": text,
                "mandatory": bool(mandatory),
                "covered": bool(covered),
                "counted": int(items),
                "needed": int(need),
                "evidence": evidence.get(statement_id, []),
            }
        )
    result = []
    # AOs in plan order (position, then id, as the model's in_bulk gave them before).
    for outcome_id, (public_id, code, title, _, option) in sorted(outcomes.items(), key=lambda o: (o[1][3], o[0])):
        items = per_ao[outcome_id]
        covered = sum(1 for item in items if item["covered"])
        mapped = len(items)
        result.append(
            {
                "id": _uuid_text(public_id),
                "code": code,
                "title": title,
                "core": option is None,
                "option": option,
                "covered": covered,
                "mapped": mapped,
                "percent": (covered * 1000 // mapped) / 10 if mapped else 0.0,
                "complete": covered == mapped,
                "missing": [item for item in items if not item["covered"]],
                "statements": items,
            }
        )
    return result


def _uuid_text(value: Any) -> str:
    """A public id as the API writes it: PostgreSQL gives a UUID, SQLite its 32 hex digits."""
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def readiness_event_list_for_user(*, user: Any) -> QuerySet[ReadinessEvent]:
    return ReadinessEvent.objects.select_related("apprenticeship").filter(
        apprenticeship__in=apprenticeship_list_for_user(user=user).values("pk")
    )


# The readiness feeds' order, newest first (the page's positions here, the API's cursor by the same fields): read
# from the index `readiness_event_newest`, a page costs the same however many events came before it.
READINESS_FEED_ORDER = Keyset(ReadinessEvent, ("occurred_at", "id"), descending=True)
FEED_PAGE_SIZE = 50


@dataclass
class FeedPage:
    """A page of the readiness feed: `events` after the position `after` (None: from the newest), and
    `next_after`, the position of its last event when older ones follow."""

    events: list[ReadinessEvent]
    after: str | None
    next_after: str | None


def readiness_events_after(events: QuerySet[ReadinessEvent], *, after: str | None, size: int | None = None) -> FeedPage:
    """The `size` events of `events` (a reader's, `readiness_event_list_for_user`) that follow the position
    `after`, newest first: by position, not by page number, so an event recorded meanwhile never shifts the pages
    (nothing shown twice or skipped) and no page counts the feed. A position that is not one starts at the newest."""
    size = size or FEED_PAGE_SIZE
    position = READINESS_FEED_ORDER.parse(after)
    rows = events.order_by(*READINESS_FEED_ORDER.order_by())
    if position is not None:
        rows = rows.filter(READINESS_FEED_ORDER.after(position))
    found = list(rows[: size + 1])
    shown = found[:size]
    next_after = READINESS_FEED_ORDER.key((shown[-1].occurred_at, shown[-1].pk)) if len(found) > size else None
    return FeedPage(events=shown, after=None if position is None else after, next_after=next_after)
