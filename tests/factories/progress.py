"""Progress reviews as the start pages' lists meet them."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portfolio.people.models import Apprenticeship, User
from portfolio.progress.models import ProgressReview


def review_awaiting_signatures(apprenticeship: Apprenticeship, by: User, *, days_ago: int) -> ProgressReview:
    """A review `by` held `days_ago` days ago, waiting for its signatures (written directly: the lists read the row
    alone, not how it got there)."""
    return ProgressReview.objects.create(
        apprenticeship=apprenticeship, state="awaiting_signatures", reviewer=by, scheduled_by=by,
        scheduled_for=timezone.now(), held_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )  # fmt: skip
