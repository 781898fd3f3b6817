"""Hours for people: minutes shown as hours with at most one decimal, never overstating progress."""

from __future__ import annotations

from django import template

register = template.Library()


def _tenths(minutes: int, *, up: bool) -> str:
    tenths = (minutes * 10 + (59 if up else 0)) // 60  # rounded to 0.1 h, down (done) or up (still to do)
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,}" if not tenth else f"{whole:,}.{tenth}"


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as hours, rounded down to 0.1: 12,750 -> "212.5"."""
    return "" if minutes is None else _tenths(int(minutes), up=False)


@register.filter
def hours_up(minutes: int | None) -> str:
    """Minutes as hours, rounded up to 0.1: what is still to do is never understated."""
    return "" if minutes is None else _tenths(int(minutes), up=True)


@register.filter
def duration(minutes: int | None) -> str:
    """90 -> "1 h 30 min", 45 -> "45 min", 120 -> "2 h"."""
    if minutes is None:
        return ""
    whole, rest = divmod(int(minutes), 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest} min" if rest else f"{whole} h"


@register.filter
def percent_of(part: int | None, whole: int | None) -> int:
    """part / whole as a whole percent, capped at 100 (for a meter's width)."""
    if not part or not whole:
        return 0
    return min(100, int(part) * 100 // int(whole))
