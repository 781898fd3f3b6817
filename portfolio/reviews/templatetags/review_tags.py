"""How long something has waited, in words a reviewer reads at a glance ("3 days", "under an hour")."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def waited(since: datetime.datetime | None) -> str:
    """Whole days once past a day, whole hours below that; never "0 minutes"."""
    if since is None:
        return "not yet submitted"
    elapsed = timezone.now() - since
    if elapsed < datetime.timedelta(hours=1):
        return "under an hour"
    if elapsed < datetime.timedelta(days=1):
        hours = int(elapsed.total_seconds() // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = elapsed.days
    return f"{days} day{'s' if days != 1 else ''}"
