"""What an apprentice's own evidence is waiting for, and on whom: their start page's "waiting" list."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portfolio.evidence.lifecycle import Role
from portfolio.evidence.models import Evidence
from portfolio.reviews.selectors.queues import awaiting


def waiting_list_for_apprentice(*, user: Any, waiting_on: str) -> QuerySet[Evidence]:
    """The user's own evidence in review waiting on `waiting_on`: "employer" (to confirm) or "provider" (to
    accept), oldest submission first. The policy is read at query time, as the queues do: without an
    employer step, submitted evidence waits on the provider."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    return (
        Evidence.objects.select_related("apprenticeship__standard")
        .filter(awaiting(Role(waiting_on)), apprenticeship__apprentice=user)
        .order_by("submitted_at", "id")
    )
