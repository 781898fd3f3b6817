"""The cohort's filters, once for `GET /api/cohort/` and the cohort page (table and CSV).

Both narrow `cohort_list_for_user` with the same parameters: `standard`, `option`, `employer` (public ids),
`ready` and `q`. They differ only in how rows are ordered: the API's `ordering` (by coverage percent, highest
first unless asked), the page's `sort` (lowest coverage first: the apprentices who need help; or by name, or
by activity, which needs the page's `last_activity` annotation).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from portfolio.core.filters import SortFilter, YesNoFilter
from portfolio.people.filters import ApprenticeshipRouteFilter
from portfolio.people.models import Apprenticeship

API_ORDERINGS = {
    "percent": ("coverage percent, lowest first", ("coverage_percent",)),
    "-percent": ("coverage percent, highest first", ("-coverage_percent",)),
}
PAGE_ORDERINGS = {
    "coverage": ("Coverage, lowest first", ("coverage_percent", "apprentice__last_name")),
    "-coverage": ("Coverage, highest first", ("-coverage_percent", "apprentice__last_name")),
    "name": ("Name", ("apprentice__last_name", "apprentice__first_name")),
    "-activity": ("Latest activity", ("-last_activity",)),
    "activity": ("Longest without activity", ("last_activity",)),
}


class CohortFilter(ApprenticeshipRouteFilter):
    ready = YesNoFilter(
        method="filter_ready",
        label="Ready",
        help_text="true: ready for assessment; false: not ready, or not computed yet (yes and no also work)",
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        help_text="part of the apprentice's first or last name or email, or of the employer's name",
    )
    ordering = SortFilter(orderings=API_ORDERINGS, default="-percent", label="Order", help_text="by coverage percent")

    def filter_ready(self, queryset: QuerySet[Apprenticeship], name: str, value: bool) -> QuerySet[Apprenticeship]:
        # Never computed counts as not ready: it has no summary row, so `exclude`, not `filter(ready=False)`.
        if value:
            return queryset.filter(coverage_summary__ready=True)
        return queryset.exclude(coverage_summary__ready=True)

    def filter_search(self, queryset: QuerySet[Apprenticeship], name: str, value: str) -> QuerySet[Apprenticeship]:
        return queryset.filter(
            Q(apprentice__first_name__icontains=value)
            | Q(apprentice__last_name__icontains=value)
            | Q(apprentice__email__icontains=value)
            | Q(employer__name__icontains=value)
        )


class CohortPageFilter(CohortFilter):
    """The page's parameters: the same filters, its own `sort` in place of `ordering`."""

    ordering: Any = None
    sort = SortFilter(orderings=PAGE_ORDERINGS, default="coverage", label="Sort by")
