"""What every progress review service shares: the lifecycle check, the lock, and the refusals' wording."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portfolio.core.errors import Conflict
from portfolio.people.models import Apprenticeship
from portfolio.progress import lifecycle
from portfolio.progress.lifecycle import Action, Role, State
from portfolio.progress.models import ProgressReview
from portfolio.progress.roles import roles_towards

TEXT_LIMIT = 10_000


def locked(review: ProgressReview) -> ProgressReview:
    """The review's row, locked until commit: two people acting at once take turns, and the second sees the
    first's change."""
    return ProgressReview.objects.select_for_update().select_related("apprenticeship__apprentice").get(pk=review.pk)


def check_allowed(
    *, actor: Any, apprenticeship: Apprenticeship, review: ProgressReview | None, action: Action
) -> tuple[Role, set[Role]]:
    """The role `actor` takes `action` in (and every role they hold towards the review); PermissionDenied for the
    wrong person, Conflict `wrong_state` for the right person at the wrong time."""
    roles = roles_towards(user=actor, apprenticeship=apprenticeship, review=review)
    permitted = [role for role in lifecycle.roles_for(action) if role in roles]
    if not permitted:
        who = " or ".join(sorted({role.label for role in lifecycle.roles_for(action)}))
        raise PermissionDenied(f"“{action.label}” on a progress review is for {who}.")
    state = review.state if review is not None else None
    for role in permitted:
        if lifecycle.allowed(state, action, role):
            return role, roles
    label = State(state).label.lower() if state else "not scheduled"
    raise Conflict(
        f"This progress review is {label}, so it cannot be changed that way (“{action.label}”). Reload the page.",
        code="wrong_state",
        details={"state": state},
    )


def check_version(review: ProgressReview, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != review.version:
        raise Conflict(
            "This progress review changed while you were looking at it. Reload it, read it again and try again.",
            code="conflict",
            details={"expected_version": expected_version, "current_version": review.version},
        )


def clean_text(value: str, *, field: str, limit: int = TEXT_LIMIT) -> str:
    value = value.strip()
    if len(value) > limit:
        raise ValidationError({field: f"Keep it to {limit:,} characters (it has {len(value):,})."})
    return value


def check_not_future(day: datetime.date, *, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be in the future: give the day it happened."})
