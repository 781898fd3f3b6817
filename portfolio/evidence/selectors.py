"""Scoped reads of evidence. A record the user may not see raises Http404, exactly like a missing one.

Evidence is seen by whoever sees its apprenticeship (portfolio.people.selectors): the apprentice, their
employer's contacts, their provider's staff.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from portfolio.core.compiled import CompiledQuery
from portfolio.core.queries import Keyset
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.people.models import Apprenticeship, display_name
from portfolio.people.selectors import apprenticeship_list_for_user

# The evidence list's order, newest first (the model's own), read from the index `evidence_newest`: the API pages it
# by position (api/pagination.py), as a provider's list runs to hundreds of thousands of items.
EVIDENCE_LIST_ORDER = Keyset(Evidence, ("occurred_on", "id"), descending=True)


def evidence_list_for_user(*, user: Any) -> QuerySet[Evidence]:
    return (
        Evidence.objects.select_related("apprenticeship__apprentice", "apprenticeship__standard", "author")
        .prefetch_related(
            "files",
            Prefetch("tags", queryset=EvidenceTag.objects.select_related("statement")),
        )
        .filter(apprenticeship__in=apprenticeship_list_for_user(user=user).values("pk"))
    )


def evidence_list_of(*, apprenticeship: Apprenticeship) -> QuerySet[Evidence]:
    """The evidence of one apprenticeship the caller has read through a scoped selector (`apprenticeship_get_for_user`):
    the same items as `evidence_list_for_user(...).filter(apprenticeship=...)`, without asking again, in a subquery
    of every apprenticeship the person sees, what the page has already checked."""
    return Evidence.objects.filter(apprenticeship=apprenticeship)


# What a row of the evidence list shows, read as plain values: building each item's model with its apprenticeship,
# apprentice, standard and author (five models an item) cost more than writing the rows.
_ROW_VALUES = (
    "pk", "public_id", "title", "kind", "occurred_on", "author_role", "state", "file_count",
    "apprenticeship__apprentice__first_name", "apprenticeship__apprentice__last_name",
    "apprenticeship__apprentice__email", "author__first_name", "author__last_name", "author__email",
)  # fmt: skip
_LABELS: dict[str, dict[Any, Any]] = {
    "kind": dict(Evidence.Kind.choices),
    "author_role": dict(Evidence.AuthorRole.choices),
    "state": dict(Evidence.State.choices),
}


def _with_file_count(queryset: QuerySet[Evidence]) -> QuerySet[Evidence]:
    files = EvidenceFile.objects.filter(evidence=OuterRef("pk")).order_by().values("evidence").annotate(n=Count("pk"))
    return queryset.prefetch_related(None).annotate(file_count=Coalesce(Subquery(files.values("n")), 0))


def evidence_list_rows(*, queryset: QuerySet[Evidence], limit: int) -> list[SimpleNamespace]:
    """The first `limit` items of `queryset` for the evidence list, in its order: what a row shows (`evidence_rows`),
    with `file_count` and `tag_codes` (in the statements' order), the choices' labels and people's names. Read in
    two queries of plain values: no model per item and relation, and no per-item querysets (Django builds one per
    item and relation when prefetching)."""
    rows = list(_with_file_count(queryset).values_list(*_ROW_VALUES)[:limit])
    codes: dict[int, list[str]] = {row[0]: [] for row in rows}
    if rows:
        tags = EvidenceTag.objects.filter(evidence_id__in=list(codes)).order_by("statement__position", "pk")
        for evidence_id, code in tags.values_list("evidence_id", "statement__code"):
            codes[evidence_id].append(code)
    return _row_items(rows, codes)


def evidence_rows_of(*, apprenticeship: Apprenticeship, limit: int) -> list[SimpleNamespace]:
    """`evidence_list_rows` of the apprenticeship's whole list (`evidence_list_of`, unfiltered: the page opened from
    its progress page), by two queries compiled once per process: the tags of the apprenticeship's items, those of
    the items shown kept."""
    query = _ROWS_OF.get(limit)
    if query is None:
        query = _ROWS_OF.setdefault(
            limit,
            CompiledQuery(
                lambda apprenticeship_id: _with_file_count(
                    evidence_list_of(apprenticeship=Apprenticeship(pk=apprenticeship_id))
                ).values_list(*_ROW_VALUES)[:limit],
                apprenticeship_id=_STAND_IN_ID,
            ),
        )
    rows = query.rows(apprenticeship_id=apprenticeship.pk)
    codes: dict[int, list[str]] = {row[0]: [] for row in rows}
    if rows:
        for evidence_id, code in _TAGS_OF.rows(apprenticeship_id=apprenticeship.pk):
            if evidence_id in codes:
                codes[evidence_id].append(code)
    return _row_items(rows, codes)


_STAND_IN_ID = -7_000_000_701
_ROWS_OF: dict[int, CompiledQuery] = {}
_TAGS_OF = CompiledQuery(
    lambda apprenticeship_id: (
        EvidenceTag.objects.filter(evidence__apprenticeship_id=apprenticeship_id)
        .order_by("statement__position", "pk")
        .values_list("evidence_id", "statement__code")
    ),
    apprenticeship_id=_STAND_IN_ID,
)


def _row_items(rows: list[tuple[Any, ...]], codes: dict[int, list[str]]) -> list[SimpleNamespace]:
    items = []
    for pk, public_id, title, kind, occurred_on, role, state, file_count, *people in rows:
        items.append(
            SimpleNamespace(
                public_id=public_id,
                title=title,
                kind=_LABELS["kind"].get(kind, kind),
                occurred_on=occurred_on,
                author_role=_LABELS["author_role"].get(role, role),
                state=_LABELS["state"].get(state, state),
                file_count=file_count,
                apprentice_name=display_name(*people[:3]),
                author_name=display_name(*people[3:]),
                tag_codes=codes[pk],
            )
        )
    return items


def evidence_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> Evidence:
    try:
        return evidence_list_for_user(user=user).get(public_id=public_id)
    except (Evidence.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc


def evidence_file_get_for_user(
    *, user: Any, evidence_public_id: uuid.UUID | str, file_public_id: uuid.UUID | str
) -> EvidenceFile:
    """One file of one item the user may see; a file of another item answers 404 too."""
    evidence = evidence_get_for_user(user=user, public_id=evidence_public_id)
    try:
        return EvidenceFile.objects.select_related("evidence__apprenticeship").get(
            evidence=evidence, public_id=file_public_id
        )
    except (EvidenceFile.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc


def evidence_file_rejected_list(*, author: Any, apprenticeships: Any) -> QuerySet[EvidenceFile]:
    """Rejected files on items `author` wrote and may still change, on these apprenticeships (ids, or a subquery
    of them): each one blocks its item's submission until it is removed. Newest rejection first."""
    return (
        EvidenceFile.objects.select_related("evidence")
        .filter(
            state=EvidenceFile.State.REJECTED,
            evidence__author=author,
            evidence__apprenticeship__in=apprenticeships,
        )
        .exclude(evidence__state=Evidence.State.WITHDRAWN)
        .order_by("-rejected_at", "-id")
    )


def evidence_file_rejected_list_for_user(*, user: Any) -> QuerySet[EvidenceFile]:
    """The rejected files on items the user wrote, of the apprenticeships the user may see."""
    visible = apprenticeship_list_for_user(user=user).values("pk")
    return evidence_file_rejected_list(author=user, apprenticeships=visible)
