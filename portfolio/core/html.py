"""Markup written in Python for the pages' long lists, byte for byte as the template engine would write it.

A list of 50 to 300 rows through the template engine (a node per value, a context per loop, a `{% url %}` per
link) costs most of its page; a tag writing each row in one pass costs a fraction. These escape every value as
the engine does (`conditional_escape`: `html.escape`, markup already marked safe kept as it is).
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.dates import MONTHS_3

_SENTINEL = "00000000-0000-0000-0000-000000000000"


def format_escaped(template: str, *args: Any) -> str:
    """`format_html` without its wrappers around every value (a page writes a few thousand): the same escaping as
    `conditional_escape`, markup already marked safe kept as it is. The caller marks the whole as safe."""
    return template.format(*(a.__html__() if hasattr(a, "__html__") else html.escape(str(a)) for a in args))


def url_around(name: str) -> tuple[str, str]:
    """The address of the URL `name`, taking one public id, as the (escaped) text before and after the id: one
    `reverse()` for a list whose every row links to its own."""
    before, after = reverse(name, args=[_SENTINEL]).split(_SENTINEL)
    return html.escape(before), html.escape(after)


def day_month_year() -> Callable[[datetime.date], str]:
    """A writer of dates as the `date` filter writes them with "j M Y" ("3 Oct 2025"), the months' names read
    once, in the active language, for every date a tag writes (the filter looks its format up for each)."""
    months = [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]

    def day(value: datetime.date) -> str:
        return f"{value.day} {months[value.month]} {value.year:04d}"

    return day
