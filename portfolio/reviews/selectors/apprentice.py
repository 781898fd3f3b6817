"""What an apprentice's own evidence is waiting for, and on whom: their start page's "waiting" list."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Value, When

from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewPolicy


def waiting_list_for_apprentice(*, user: Any, waiting_on: str) -> QuerySet[Evidence]:
    """The user's own evidence in review waiting on `waiting_on`: "employer" (to confirm) or "provider" (to
    accept), oldest submission first. The policy is read at query time, as the queues do: without an
    employer step, submitted evidence waits on the provider."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    no_employer_step = Exists(
        ReviewPolicy.objects.filter(
            provider_id=OuterRef("apprenticeship__provider_id"), require_employer_confirmation=False
        )
    )
    return (
        Evidence.objects.select_related("apprenticeship__standard")
        .filter(apprenticeship__apprentice=user, state__in=[Evidence.State.SUBMITTED, Evidence.State.CONFIRMED])
        .annotate(
            waiting_on=Case(
                When(state=Evidence.State.CONFIRMED, then=Value("provider")),
                When(no_employer_step, then=Value("provider")),
                default=Value("employer"),
                output_field=CharField(),
            )
        )
        .filter(waiting_on=waiting_on)
        .order_by("submitted_at", "id")
    )
