"""The filters of the progress review lists, once for the API and the pages (portfolio/core/filters.py).

`ReviewScheduleFilter` narrows apprenticeships (the staff's list of reviews due, overdue and awaiting signatures:
`GET /api/progress-reviews/schedule/` and `/progress-reviews/`); `ReviewFilter` narrows reviews
(`GET /api/progress-reviews/`). `tutor` keeps the apprenticeships that person tutors or assesses.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from portfolio.core.filters import OneOfFilter, YesNoFilter
from portfolio.people.filters import ApprenticeshipRouteFilter
from portfolio.people.models import Apprenticeship
from portfolio.progress.lifecycle import State
from portfolio.progress.models import ProgressReview
from portfolio.progress.selectors import due_within_ids, overdue_ids

DUE_WITHIN_MAX = 366


def _tutor(field: str = "") -> Any:
    def apply(queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if not value:
            return queryset
        return queryset.filter(Q(**{f"{field}tutor__public_id": value}) | Q(**{f"{field}assessor__public_id": value}))

    return apply


class ReviewScheduleFilter(ApprenticeshipRouteFilter):
    tutor = django_filters.UUIDFilter(
        method=_tutor(), label="Tutor or assessor", help_text="only the apprenticeships this person tutors or assesses"
    )
    overdue = YesNoFilter(
        method="filter_overdue", label="Overdue", help_text="true: the next review's due date has passed"
    )
    due_within = django_filters.NumberFilter(
        method="filter_due_within",
        label="Due within (days)",
        min_value=0,
        max_value=DUE_WITHIN_MAX,
        help_text="due within this many days from today, the overdue included (0 to 366)",
    )
    awaiting_signatures = YesNoFilter(
        method="filter_awaiting", label="Awaiting signatures", help_text="true: a held review is missing a signature"
    )

    def filter_overdue(
        self, queryset: QuerySet[Apprenticeship], name: str, value: bool | None
    ) -> QuerySet[Apprenticeship]:
        if value is None:
            return queryset
        late = overdue_ids(apprenticeships=queryset)
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)

    def filter_due_within(self, queryset: QuerySet[Apprenticeship], name: str, value: Any) -> QuerySet[Apprenticeship]:
        if value is None:
            return queryset
        return queryset.filter(pk__in=due_within_ids(apprenticeships=queryset, days=int(value)))

    def filter_awaiting(
        self, queryset: QuerySet[Apprenticeship], name: str, value: bool | None
    ) -> QuerySet[Apprenticeship]:
        if value is None:
            return queryset
        waiting = Exists(
            ProgressReview.objects.filter(apprenticeship_id=OuterRef("pk"), state=State.AWAITING_SIGNATURES)
        )
        return queryset.filter(waiting) if value else queryset.exclude(waiting)


class ReviewFilter(django_filters.FilterSet):
    state = OneOfFilter(choices=State.choices, label="State")
    apprenticeship = django_filters.UUIDFilter(field_name="apprenticeship__public_id", label="Apprenticeship")
    employer = django_filters.UUIDFilter(
        field_name="apprenticeship__employer__public_id", label="Employer", help_text="employer organisation id"
    )
    tutor = django_filters.UUIDFilter(
        method=_tutor("apprenticeship__"), label="Tutor or assessor",
        help_text="only reviews of apprenticeships this person tutors or assesses",
    )  # fmt: skip

    class Meta:
        model = ProgressReview
        fields: list[str] = []
