"""How long something has waited, in words a reviewer reads at a glance ("3 days", "under an hour"), and the
statements of a queue's item."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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


def _statement_list(statements: list[tuple[str, str]]) -> SafeString:
    items = format_html_join("", "<li><strong>{}</strong> {}</li>", statements)
    return format_html('<ul class="statement-list">{}</ul>', items)


def _reflection(text: str) -> SafeString:
    return format_html('<details class="reflection"><summary>Reflection</summary>{}</details>', linebreaks_filter(text))


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


# A queue's items are written by these tags, one call per item, where the template engine would resolve each
# value of each item through its lookups and a context per loop (most of a page of 50 items): the same markup.


@register.simple_tag
def acceptance_item(e: Any) -> SafeString:
    """One item of the acceptance queue (a `QueueItem`)."""
    reflection = _reflection(e.reflection) if e.reflection else ""
    return format_html(
        '<li class="review-item"><div class="review-item-body">'
        '<h2 class="review-item-title"><a href="{}">{}</a></h2>'
        '<p class="muted">{} · {} · {} · waiting {} · {}</p>{}{}</div></li>\n',
        reverse("review-evidence-page", args=[e.public_id]), e.title,
        e.apprentice, e.kind, e.state, waited(e.submitted_at), _files(e.files),
        _statement_list(e.statements), reflection,
    )  # fmt: skip


@register.simple_tag
def confirmation_item(e: Any, checked: bool) -> SafeString:
    """One item of the confirmation queue (a `QueueItem`), with its box to select it."""
    reflection = (
        _reflection(e.reflection) if e.reflection else format_html('<p class="muted">No reflection written.</p>')
    )
    return format_html(
        '<li class="review-item"><div class="review-item-check">'
        '<input type="checkbox" name="item" value="{}:{}" id="item-{}"{}>'
        '<label for="item-{}">Select<span class="visually-hidden"> “{}” by {}</span></label></div>'
        '<div class="review-item-body"><h2 class="review-item-title"><a href="{}">{}</a></h2>'
        '<p class="muted">{} · {} · {} · waiting {} · {}</p>{}{}</div></li>\n',
        e.public_id, e.version, e.public_id, " checked" if checked else "",
        e.public_id, e.title, e.apprentice,
        reverse("review-evidence-page", args=[e.public_id]), e.title,
        e.apprentice, e.kind, date_filter(e.occurred_on, "j M Y"), waited(e.submitted_at), _files(e.files),
        _statement_list(e.statements), reflection,
    )  # fmt: skip
