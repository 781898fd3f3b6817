"""The cohort's reads that staff make all day, compiled once per process (`portfolio/core/compiled.py`): the sorted
ids of a cohort opened without a filter, and the filter choices' distinct standards, options and employers (a
page's rows by their ids are compiled too: `cohort_rows.py`).

Building the filters' queryset on the person's scope and compiling it to SQL cost more CPU than PostgreSQL spent
running it, on every request. Each query here is the one the ORM path builds, on the same scope
(`cohort_list_for_user` with the person's organisations read first), built once per process for each number of
organisations of each kind with stand-in ids, then run with the person's organisations (and a page's limit and
offset). A request with a filter, and a superuser's or an inactive person's, takes the ORM path; tests compare
the two.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict

from portfolio.core.compiled import CompiledPage, CompiledQuery
from portfolio.core.filters import SortFilter
from portfolio.core.queries import with_total
from portfolio.coverage.cohort_rows import page_ids, with_row_relations
from portfolio.coverage.filters import CohortFilter, CohortPageFilter
from portfolio.coverage.selectors import cohort_list_for_user
from portfolio.people.models import Apprenticeship, Membership, User
from portfolio.people.selectors import HeldOrganisations

_STAND_IN_USER = -7_000_000_101
# Stand-ins of the organisations where the person is staff (providers) and an employer contact (employers).
_PROVIDERS = [-7_000_000_200 - index for index in range(8)]
_EMPLOYERS = [-7_000_000_300 - index for index in range(8)]


class ScopedQuery:
    """A query over a person's cohort (`build(cohort)`, a values_list queryset), compiled once for each number of
    providers and employers the person holds (up to 8 of each)."""

    def __init__(self, build: Callable[[QuerySet[Apprenticeship]], QuerySet[Any]]) -> None:
        """`build(cohort)`: the query, on the cohort queryset of a stand-in person."""
        self._build = build
        self._compiled: dict[tuple[int, int], CompiledQuery] = {}
        self._lock = threading.Lock()

    def _query(self, providers: int, employers: int) -> CompiledQuery:
        with self._lock:
            if (providers, employers) not in self._compiled:
                provider_names = [f"provider_{index}" for index in range(providers)]
                employer_names = [f"employer_{index}" for index in range(employers)]

                def build(**ids: int) -> QuerySet[Any]:
                    held = HeldOrganisations(
                        by_role={
                            Membership.Role.TUTOR: frozenset(ids[name] for name in provider_names),
                            Membership.Role.LINE_MANAGER: frozenset(ids[name] for name in employer_names),
                        }
                    )
                    person = User(pk=_STAND_IN_USER, is_active=True, is_superuser=False)
                    return self._build(cohort_list_for_user(user=person, held=held))

                stand_ins: dict[str, Any] = dict(zip(provider_names, _PROVIDERS, strict=False))
                stand_ins |= dict(zip(employer_names, _EMPLOYERS, strict=False))
                self._compiled[(providers, employers)] = CompiledQuery(build, **stand_ins)
            return self._compiled[(providers, employers)]

    def _bound(self, user: Any, held: HeldOrganisations) -> tuple[CompiledQuery, dict[str, Any]] | None:
        if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
            return None
        providers, employers = held.ids(Membership.PROVIDER_ROLES), held.ids(Membership.EMPLOYER_ROLES)
        if (not providers and not employers) or len(providers) > len(_PROVIDERS) or len(employers) > len(_EMPLOYERS):
            return None
        ids: dict[str, Any] = {f"provider_{index}": pk for index, pk in enumerate(providers)}
        ids |= {f"employer_{index}": pk for index, pk in enumerate(employers)}
        return self._query(len(providers), len(employers)), ids

    def page(self, *, user: Any, held: HeldOrganisations) -> CompiledPage | None:
        """The person's `(id, total)` rows as a page a paginator slices, or None when the ORM path must answer: a
        superuser, an inactive person, no organisation, or more than 8 of a kind."""
        bound = self._bound(user, held)
        if bound is None:
            return None
        query, ids = bound

        def count() -> int:  # a page past the end carries no total
            first = query.rows(limit=1, offset=0, **ids)
            return int(first[0][1]) if first else 0

        return CompiledPage(query, count=count, **ids)

    def rows(self, *, user: Any, held: HeldOrganisations) -> list[tuple[Any, ...]] | None:
        """Every row for the person, or None when the ORM path must answer (as `page`)."""
        bound = self._bound(user, held)
        if bound is None:
            return None
        query, ids = bound
        return query.rows(**ids)


# The parameter that sorts each FilterSet's rows (the others filter them).
_SORTS = {CohortFilter: "ordering", CohortPageFilter: "sort"}


def _sort_filter(filterset_class: type[django_filters.FilterSet]) -> SortFilter:
    sort: SortFilter = filterset_class.base_filters[_SORTS[filterset_class]]
    return sort


def _sorted_ids(filterset_class: type[django_filters.FilterSet], value: str) -> ScopedQuery:
    """`(id, total)` of the cohort sorted by `value`, as the ORM path asks for them."""

    def build(cohort: QuerySet[Apprenticeship]) -> QuerySet[Any]:
        data = QueryDict(mutable=True)
        data[_SORTS[filterset_class]] = value
        filterset = filterset_class(data=data, queryset=with_row_relations(cohort))
        if not filterset.is_valid():  # pragma: no cover - every value built is one of the sort's own
            raise ValueError(f"{filterset_class.__name__}: {value!r} refused: {filterset.errors}")
        return with_total(page_ids(filterset.qs))

    return ScopedQuery(build)


_IDS = {
    (filterset_class, value): _sorted_ids(filterset_class, value)
    for filterset_class in _SORTS
    for value in _sort_filter(filterset_class).orderings
}


def unfiltered_ids(
    *, filterset_class: type[django_filters.FilterSet], data: QueryDict, user: Any, held: HeldOrganisations
) -> CompiledPage | None:
    """The sorted `(id, total)` rows of the person's cohort (`held`: their organisations), for a paginator, when
    `data` asks for no filter and a sort the FilterSet knows (or none); else None, and the caller filters through
    the ORM."""
    sort_name = _SORTS[filterset_class]
    if any(value for name in filterset_class.base_filters if name != sort_name for value in data.getlist(name)):
        return None
    sort = _sort_filter(filterset_class)
    values = data.getlist(sort_name)
    if len(values) > 1 or (values and values[0] not in sort.orderings):
        return None  # the ORM path answers as it answers a value it refuses
    return _IDS[(filterset_class, values[0] if values and values[0] else sort.default)].page(user=user, held=held)
