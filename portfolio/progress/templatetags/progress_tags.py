"""Filters for the progress review pages and PDF: the record keeps dates as ISO text (it is fingerprinted JSON)."""

from __future__ import annotations

import datetime

from django import template

from portfolio.progress.lifecycle import Party
from portfolio.progress.schedule import Due, day_text

register = template.Library()


@register.filter
def isodate(value: str | None) -> str:
    """ "2026-03-02" as "2 Mar 2026"; anything else as it is."""
    if not value:
        return ""
    try:
        return day_text(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


@register.filter
def day(value: datetime.date | None) -> str:
    return day_text(value) if value else ""


@register.filter
def call_overdue(due: Due | None, today: datetime.date) -> bool:
    """Is the review this `Due` describes overdue on `today`?"""
    return bool(due and due.overdue(today))


@register.filter
def explain(due: Due | None, today: datetime.date) -> str:
    return due.explain(today) if due else ""


@register.filter
def party_names(parties: list[Party]) -> str:
    """ "the apprentice and the employer"."""
    names = [f"the {Party(p).label.lower()}" for p in parties]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]
