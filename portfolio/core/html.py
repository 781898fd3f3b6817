"""Markup written in Python for the pages' long lists, byte for byte as the template engine would write it.

A list of 50 to 300 rows through the template engine (a node per value, a context per loop, a `{% url %}` per
link) costs most of its page; a tag writing each row in one pass costs a fraction. These escape every value as
the engine does (`conditional_escape`: `html.escape`, markup already marked safe kept as it is).
"""

from __future__ import annotations

import datetime
import html
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format, get_format

_SENTINEL = "00000000-0000-0000-0000-000000000000"


def format_escaped(template: str, *args: Any) -> str:
    """`format_html` without its wrappers around every value (a page writes a few thousand): the same escaping as
    `conditional_escape`, markup already marked safe kept as it is. The caller marks the whole as safe."""
    return template.format(*(a.__html__() if hasattr(a, "__html__") else html.escape(str(a)) for a in args))


def escaped(value: Any) -> str:
    """One value escaped as `format_escaped` escapes it, for markup written in f-strings."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def url_parts(name: str, ids: int = 0) -> tuple[str, ...]:
    """The address of the URL `name`, taking `ids` public ids, as the (escaped) text around them (`ids + 1`
    parts): `reverse()` once per process for each URLconf and script prefix, where a page's few dozen links cost a
    `reverse()` each (some 30 µs)."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name, ids)
    found = _URL_PARTS.get(key)
    if found is None:
        address = reverse(name, args=[_SENTINEL] * ids)
        found = _URL_PARTS.setdefault(key, tuple(html.escape(part) for part in address.split(_SENTINEL)))
    return found


_URL_PARTS: dict[tuple[Any, ...], tuple[str, ...]] = {}


def url_of(name: str, *public_ids: uuid.UUID) -> str:
    """The (escaped) address of the URL `name` for these public ids, as `{% url %}` writes it (`url_parts`)."""
    parts = url_parts(name, len(public_ids))
    address = parts[0]
    for public_id, part in zip(public_ids, parts[1:], strict=True):
        address += str(public_id) + part
    return address


def url_around(name: str) -> tuple[str, str]:
    """The address of the URL `name`, taking one public id, as the (escaped) text before and after the id: one
    `reverse()` for a list whose every row links to its own."""
    before, after = url_parts(name, 1)
    return before, after


def day_month_year() -> Callable[[datetime.date], str]:
    """A writer of dates as the `date` filter writes them with "j M Y" ("3 Oct 2025"), the months' names read
    once, in the active language, for every date a tag writes (the filter looks its format up for each)."""
    months = [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]

    def day(value: datetime.date) -> str:
        return f"{value.day} {months[value.month]} {value.year:04d}"

    return day


def localized_date() -> Callable[[datetime.date], str]:
    """A writer of dates as `localize` (and `date_format`) writes them, in the active language's `DATE_FORMAT`:
    `day_month_year` where that format is "j M Y" (British English, the site's language), else `date_format`
    itself, which looks the format up again for each date."""
    if get_format("DATE_FORMAT") == "j M Y":
        return day_month_year()
    return date_format
