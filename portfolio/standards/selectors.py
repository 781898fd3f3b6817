"""Reads of the catalogue. The catalogue is public reference data: every signed-in user may read it."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from portfolio.standards.models import AssessmentOutcome, OutcomeStatement, Standard


def standard_list(*, reference: str | None = None) -> QuerySet[Standard]:
    queryset = Standard.objects.annotate(
        option_count=Count("options", distinct=True),
        outcome_count=Count("outcomes", distinct=True),
        statement_count=Count("statements", distinct=True),
    ).order_by("reference", "version")
    if reference:
        queryset = queryset.filter(reference__iexact=reference)
    return queryset


def standard_get(*, reference: str, version: str) -> Standard:
    """One standard version with everything a detail view shows, in a fixed number of queries."""
    outcomes = AssessmentOutcome.objects.select_related("option").prefetch_related(
        Prefetch("mappings", queryset=OutcomeStatement.objects.select_related("statement").order_by("position"))
    )
    queryset = Standard.objects.prefetch_related(
        "options",
        "statements",
        "assessment_methods",
        "performance_descriptors",
        Prefetch("outcomes", queryset=outcomes),
    )
    return get_object_or_404(queryset, reference__iexact=reference, version=version)
