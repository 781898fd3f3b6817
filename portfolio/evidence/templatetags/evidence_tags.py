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
from django.utils.safestring import SafeString

from portfolio.core.html import escaped, localized_date, url_around

register = template.Library()


@register.simple_tag
def evidence_rows(items: Iterable[Any], apprenticeship: Any = None) -> SafeString:
    """One `<tr>` per item (from `evidence_list_rows`), or one saying there is
    none; the apprentice's column only on the list across apprenticeships (no `apprenticeship`)."""
    before, after = url_around("evidence-detail-page")
    # Each value escaped as `format_escaped` escapes it, in f-strings; what many rows share (a date as `localize`
    # writes it, the choices' labels, a person's name) written once a page.
    written: dict[Any, str] = {}

    def once(value: Any) -> str:
        if value not in written:
            written[value] = escaped(value)
        return written[value]

    date = localized_date()
    days: dict[datetime.date, str] = {}
    rows = []
    for item in items:
        apprentice = "" if apprenticeship else f"<td>{once(item.apprentice_name)}</td>"
        codes = item.tag_codes
        day = days.get(item.occurred_on)
        if day is None:
            day = days[item.occurred_on] = escaped(date(item.occurred_on))
        rows.append(
            f'\n    <tr>\n      <td><a href="{before}{escaped(item.public_id)}{after}">{escaped(item.title)}</a></td>'
            f"\n      <td>{once(item.kind)}</td>\n      <td>{day}</td>\n      {apprentice}\n"
            f'      <td>{once(item.author_name)} <span class="muted">({once(str(item.author_role).lower())})'
            f"</span></td>\n      <td>{once(item.state)}</td>\n      <td>{escaped(item.file_count)}</td>\n"
            f"      <td>{escaped(', '.join(codes)) if codes else NO_TAGS}</td>\n    </tr>\n  "
        )
    return SafeString("".join(rows) or EMPTY)


NO_TAGS = "\u2014"  # an em dash
EMPTY = SafeString('\n    <tr><td colspan="8">No evidence yet.</td></tr>\n  ')
