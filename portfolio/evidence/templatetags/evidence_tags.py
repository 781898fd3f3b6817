"""The evidence list's rows, written in one pass.

An apprentice's list shows every item (tens of them) with its files and tags: through the template engine (a lookup
and a filter per field, a related manager built per item for its files and tags, a `{% url %}` per row) it cost
most of the page. The markup is the one the page always had.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from portfolio.core.html import format_escaped

register = template.Library()

_ID = "00000000-0000-0000-0000-000000000000"


@register.simple_tag
def evidence_rows(items: Iterable[Any], apprenticeship: Any = None) -> SafeString:
    """One `<tr>` per item (from `evidence_list_rows`), or one saying there is
    none; the apprentice's column only on the list across apprenticeships (no `apprenticeship`)."""
    detail = reverse("evidence-detail-page", args=[_ID])
    # Each date written once a page, as `localize` writes it: the items of a portfolio share many days.
    days: dict[datetime.date, str] = {}
    rows = []
    for item in items:
        apprentice = "" if apprenticeship else format_escaped("<td>{}</td>", item.apprentice_name)
        codes = item.tag_codes
        day = days.get(item.occurred_on)
        if day is None:
            day = days[item.occurred_on] = date_format(item.occurred_on)
        rows.append(
            format_escaped(
                '\n    <tr>\n      <td><a href="{}">{}</a></td>\n      <td>{}</td>\n      <td>{}</td>\n      {}\n'
                '      <td>{} <span class="muted">({})</span></td>\n      <td>{}</td>\n      <td>{}</td>\n'
                "      <td>{}</td>\n    </tr>\n  ",
                detail.replace(_ID, str(item.public_id)), item.title, item.kind,
                day, SafeString(apprentice), item.author_name,
                str(item.author_role).lower(), item.state,
                item.file_count, ", ".join(codes) if codes else "\u2014",
            )
        )  # fmt: skip
    return SafeString("".join(rows) or EMPTY)


EMPTY = SafeString('\n    <tr><td colspan="8">No evidence yet.</td></tr>\n  ')
