"""How long something has waited, in words a reviewer reads at a glance ("3 days", "under an hour"), and the
statements of a queue's item."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils import timezone
from django.utils.safestring import SafeString

from portfolio.core.html import day_month_year, format_escaped, url_around

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


def _statement_list(statements: list[tuple[str, str]]) -> str:
    items = "".join(format_escaped("<li><strong>{}</strong> {}</li>", code, text) for code, text in statements)
    return f'<ul class="statement-list">{items}</ul>'


def _reflection(text: str) -> str:
    return format_escaped(
        '<details class="reflection"><summary>Reflection</summary>{}</details>', linebreaks_filter(text)
    )


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


# A queue's page of items is written by these tags in one pass (portfolio/core/html.py), where the template engine
# would resolve each value of each item through its lookups and a context per loop, and reverse each item's
# address (most of a page of 50 items): the same markup.


@register.simple_tag
def acceptance_items(items: Iterable[Any]) -> SafeString:
    """The items of the acceptance queue (`QueueItem`s)."""
    before, after = url_around("review-evidence-page")
    out = []
    for e in items:
        reflection = _reflection(e.reflection) if e.reflection else ""
        out.append(
            format_escaped(
                '<li class="review-item"><div class="review-item-body">'
                '<h2 class="review-item-title"><a href="{}{}{}">{}</a></h2>'
                '<p class="muted">{} · {} · {} · waiting {} · {}</p>{}{}</div></li>\n',
                SafeString(before), e.public_id, SafeString(after), e.title,
                e.apprentice, e.kind, e.state, waited(e.submitted_at), _files(e.files),
                SafeString(_statement_list(e.statements)), SafeString(reflection),
            )
        )  # fmt: skip
    return SafeString("".join(out))


_NO_REFLECTION = '<p class="muted">No reflection written.</p>'


@register.simple_tag
def confirmation_items(items: Iterable[Any], checked: bool) -> SafeString:
    """The items of the confirmation queue (`QueueItem`s), each with its box to select it (ticked: `checked`)."""
    before, after = url_around("review-evidence-page")
    day = day_month_year()
    out = []
    for e in items:
        reflection = _reflection(e.reflection) if e.reflection else _NO_REFLECTION
        out.append(
            format_escaped(
                '<li class="review-item"><div class="review-item-check">'
                '<input type="checkbox" name="item" value="{}:{}" id="item-{}"{}>'
                '<label for="item-{}">Select<span class="visually-hidden"> “{}” by {}</span></label></div>'
                '<div class="review-item-body"><h2 class="review-item-title"><a href="{}{}{}">{}</a></h2>'
                '<p class="muted">{} · {} · {} · waiting {} · {}</p>{}{}</div></li>\n',
                e.public_id, e.version, e.public_id, SafeString(" checked" if checked else ""),
                e.public_id, e.title, e.apprentice,
                SafeString(before), e.public_id, SafeString(after), e.title,
                e.apprentice, e.kind, day(e.occurred_on), waited(e.submitted_at), _files(e.files),
                SafeString(_statement_list(e.statements)), SafeString(reflection),
            )
        )  # fmt: skip
    return SafeString("".join(out))
