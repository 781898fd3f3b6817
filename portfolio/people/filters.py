"""The filters of the lists of apprenticeships, by the public ids of what an apprenticeship belongs to.

`ApprenticeshipRouteFilter` holds the ones every such list shares (the apprenticeship list of the API, the
cohort of the API and of the cohort page, through `portfolio/coverage/filters.py`): one meaning each.
"""

from __future__ import annotations

import django_filters

from portfolio.core.filters import OneOfFilter
from portfolio.people.models import Apprenticeship


class ApprenticeshipRouteFilter(django_filters.FilterSet):
    standard = django_filters.UUIDFilter(
        field_name="standard__public_id", label="Standard", help_text="standard (version) id"
    )
    option = django_filters.UUIDFilter(field_name="option__public_id", label="Option", help_text="option id")
    employer = django_filters.UUIDFilter(
        field_name="employer__public_id", label="Employer", help_text="employer organisation id"
    )

    class Meta:
        model = Apprenticeship
        fields: list[str] = []


class ApprenticeshipFilter(ApprenticeshipRouteFilter):
    provider = django_filters.UUIDFilter(
        field_name="provider__public_id", label="Provider", help_text="provider organisation id"
    )
    status = OneOfFilter(choices=Apprenticeship.Status.choices, label="Status")
