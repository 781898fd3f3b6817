"""The sorted ids of a cohort opened without a filter (how staff open it all day), compiled once per process
(`portfolio/core/compiled.py`; a page's rows by their ids are too: `cohort_rows.py`).

Building the filters' queryset on the person's scope and compiling it to SQL cost more CPU than PostgreSQL spent
running it, on every request. Each query here is the one the ORM path builds, built once per process for a
stand-in person (the same FilterSet, `CohortFilter` or `CohortPageFilter`, on the same scope,
`cohort_list_for_user`), then run with the reader's id, the page's limit and offset, or the page's ids. A request
with a filter, and a superuser's or an inactive person's, takes the ORM path; tests compare the two.
"""

from __future__ import annotations

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
from portfolio.people.models import Membership, User
from portfolio.people.selectors import HeldOrganisations

_STAND_IN_USER = -7_000_000_101
# Stand-ins of the organisations where the person is staff (providers) and an employer contact (employers).
_PROVIDERS = [-7_000_000_200 - index for index in range(8)]
_EMPLOYERS = [-7_000_000_300 - index for index in range(8)]
# The most organisations of each kind a compiled query is made for (each count its own query); more, the ORM's.
_MOST = len(_PROVIDERS)

# The parameter that sorts each FilterSet's rows (the others filter them).
_SORTS = {CohortFilter: "ordering", CohortPageFilter: "sort"}


def _sort_filter(filterset_class: type[django_filters.FilterSet]) -> SortFilter:
    sort: SortFilter = filterset_class.base_filters[_SORTS[filterset_class]]
    return sort


def _unfiltered_ids(
    filterset_class: type[django_filters.FilterSet], value: str, providers: int, employers: int
) -> CompiledQuery:
    """`(id, total)` of the cohort of a person staff at `providers` providers and a contact at `employers`
    employers, sorted by `value`, as the ORM path asks for them."""
    provider_names = [f"provider_{index}" for index in range(providers)]
    employer_names = [f"employer_{index}" for index in range(employers)]

    def build(**ids: int) -> QuerySet[Any]:
        held = HeldOrganisations(
            by_role={
                Membership.Role.TUTOR: frozenset(ids[name] for name in provider_names),
                Membership.Role.LINE_MANAGER: frozenset(ids[name] for name in employer_names),
            }
        )
        cohort = cohort_list_for_user(user=User(pk=_STAND_IN_USER, is_active=True, is_superuser=False), held=held)
        data = QueryDict(mutable=True)
        data[_SORTS[filterset_class]] = value
        filterset = filterset_class(data=data, queryset=with_row_relations(cohort))
        if not filterset.is_valid():  # pragma: no cover - every value built is one of the sort's own
            raise ValueError(f"{filterset_class.__name__}: {value!r} refused: {filterset.errors}")
        return with_total(page_ids(filterset.qs))

    stand_ins: dict[str, Any] = dict(zip(provider_names, _PROVIDERS, strict=False)) | dict(
        zip(employer_names, _EMPLOYERS, strict=False)
    )
    return CompiledQuery(build, **stand_ins)


_IDS: dict[tuple[Any, str, int, int], CompiledQuery] = {}


def unfiltered_ids(
    *, filterset_class: type[django_filters.FilterSet], data: QueryDict, user: Any, held: HeldOrganisations
) -> CompiledPage | None:
    """The sorted `(id, total)` rows of the person's cohort (`held`: their organisations), for a paginator, when
    `data` asks for no filter and a sort the FilterSet knows (or none); else None, and the caller filters through
    the ORM."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return None
    providers, employers = held.ids(Membership.PROVIDER_ROLES), held.ids(Membership.EMPLOYER_ROLES)
    if (not providers and not employers) or len(providers) > _MOST or len(employers) > _MOST:
        return None
    sort_name = _SORTS[filterset_class]
    if any(value for name in filterset_class.base_filters if name != sort_name for value in data.getlist(name)):
        return None
    sort = _sort_filter(filterset_class)
    values = data.getlist(sort_name)
    if len(values) > 1 or (values and values[0] not in sort.orderings):
        return None  # the ORM path answers as it answers a value it refuses
    key = (filterset_class, values[0] if values and values[0] else sort.default, len(providers), len(employers))
    if key not in _IDS:  # a race builds it twice: the same query
        _IDS[key] = _unfiltered_ids(*key)
    query = _IDS[key]
    ids: dict[str, Any] = {f"provider_{index}": pk for index, pk in enumerate(providers)} | {
        f"employer_{index}": pk for index, pk in enumerate(employers)
    }

    def count() -> int:  # a page past the end carries no total
        first = query.rows(limit=1, offset=0, **ids)
        return int(first[0][1]) if first else 0

    return CompiledPage(query, count=count, **ids)
