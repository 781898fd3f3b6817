"""The evidence list's filters, once for `GET /api/evidence/` and the evidence pages (`/evidence/` and an
apprenticeship's evidence): `apprenticeship` (public id), `state` and `kind` (the models' choices)."""

from __future__ import annotations

import django_filters

from portfolio.core.filters import OneOfFilter
from portfolio.evidence.models import Evidence


class EvidenceFilter(django_filters.FilterSet):
    apprenticeship = django_filters.UUIDFilter(
        field_name="apprenticeship__public_id", label="Apprenticeship", help_text="apprenticeship id"
    )
    state = OneOfFilter(choices=Evidence.State.choices, label="State")
    kind = OneOfFilter(choices=Evidence.Kind.choices, label="Kind")

    class Meta:
        model = Evidence
        fields: list[str] = []
