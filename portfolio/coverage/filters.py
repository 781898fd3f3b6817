"""The cohort's filters, once for `GET /api/cohort/` and the cohort page (table and CSV).

Both narrow `cohort_list_for_user` with the same parameters: `standard`, `option`, `employer` (public ids),
`ready`, `q`, the gateway's `state`, `blocked_by`, `behind_on_otj`, `no_activity_last_month` and `otj`, and
`review_overdue` (the next progress review's due date has passed).
They differ only in how rows are ordered: the API's `ordering` (by coverage percent, highest
first unless asked), the page's `sort` (lowest coverage first: the apprentices who need help; or by name, or
by activity, which needs the page's `last_activity` annotation).
"""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import QueryDict

from portfolio.core.filters import OneOfFilter, SortFilter, YesNoFilter
from portfolio.coverage.cohort_rows import with_last_activity
from portfolio.coverage.gates import GATE_KEYS, GATE_NAMES
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.coverage.selectors import cohort_gate_filter
from portfolio.people.filters import ApprenticeshipRouteFilter
from portfolio.people.models import Apprenticeship
from portfolio.progress.selectors import overdue_ids

OTJ_CHOICES = [("behind", "Behind on OTJ"), ("idle", "No activity last month")]
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
ACTIVITY_SORTS = {"-activity", "activity"}


class _BuiltOnce(django_filters.FilterSet):
    """A FilterSet whose filters and form class are not rebuilt for every request.

    django-filter deep-copies every declared filter for each FilterSet it makes (the form field each one built
    with it) and makes a new form class from them: for the cohort's 14 filters about 2 ms of a request that costs
    12 in all. The cohort's filters keep no state of a request (each filter method reads only its arguments), so
    each is copied shallowly (with its own `parent`, which a filter method is looked up on), and the form class
    is made once per FilterSet class (each form still copies its fields, as Django's forms do)."""

    def __init__(
        self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: str | None = None
    ) -> None:
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, declared in self.base_filters.items():
            filter_ = copy.copy(declared)
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # a FilterMethod of the copy, not of the declared filter
            self.filters[name] = filter_

    def get_form_class(self) -> Any:
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class


class CohortFilter(_BuiltOnce, ApprenticeshipRouteFilter):
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
    state = OneOfFilter(
        choices=ReadinessState.choices, method="filter_gates", label="Readiness state", help_text="readiness state"
    )
    blocked_by = OneOfFilter(
        choices=[(key, GATE_NAMES[key]) for key in GATE_KEYS],
        method="filter_gates",
        label="Held back by",
        help_text="a gate that is on and not passed, e.g. `otj`",
    )
    behind_on_otj = YesNoFilter(
        method="filter_gates",
        label="Behind on OTJ",
        help_text="approved OTJ more than the tolerance below expected",
    )
    no_activity_last_month = YesNoFilter(
        method="filter_gates",
        label="No activity last month",
        help_text="no approved OTJ and no evidence dated last calendar month (while in learning)",
    )
    otj = OneOfFilter(
        choices=OTJ_CHOICES,
        method="filter_otj",
        label="Off-the-job",
        help_text="behind: the same as behind_on_otj=true; idle: the same as no_activity_last_month=true",
    )
    review_overdue = YesNoFilter(
        method="filter_review_overdue",
        label="Progress review overdue",
        help_text="true: the next progress review's due date has passed without one held",
    )
    ordering = SortFilter(orderings=API_ORDERINGS, default="-percent", label="Order", help_text="by coverage percent")

    def filter_otj(self, queryset: QuerySet[Apprenticeship], name: str, value: str) -> QuerySet[Apprenticeship]:
        if value == "behind":
            return cohort_gate_filter(queryset, behind_on_otj=True)
        if value == "idle":
            return cohort_gate_filter(queryset, no_activity_last_month=True)
        return queryset

    def filter_gates(self, queryset: QuerySet[Apprenticeship], name: str, value: Any) -> QuerySet[Apprenticeship]:
        if value is None or value == "":
            return queryset
        return cohort_gate_filter(queryset, **{name: value})

    def filter_review_overdue(
        self, queryset: QuerySet[Apprenticeship], name: str, value: bool | None
    ) -> QuerySet[Apprenticeship]:
        if value is None:
            return queryset
        # The due dates are worked out in Python (portfolio/progress/schedule.py: breaks move them), for the rows the
        # other filters left, and narrowed to by id.
        late = overdue_ids(apprenticeships=queryset)
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)

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


class CohortSortFilter(SortFilter):
    """The page's sort. Last activity is aggregated over every row's evidence only to sort by it; otherwise the
    page reads it for the rows it shows."""

    def filter(self, qs: QuerySet[Any], value: str | None) -> QuerySet[Any]:
        if (value or self.default) in ACTIVITY_SORTS:
            qs = with_last_activity(qs)
        return super().filter(qs, value)


class CohortPageFilter(CohortFilter):
    """The page's parameters: the same filters, its own `sort` in place of `ordering`."""

    ordering: Any = None
    sort = CohortSortFilter(orderings=PAGE_ORDERINGS, default="coverage", label="Sort by")
