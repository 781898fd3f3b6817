"""The start pages' long lists, written in one pass (portfolio/core/html.py): the employer contact's apprentices
at a glance, up to 50 rows of four links each, cost most of that page through the template engine."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from portfolio.core.html import format_escaped, url_around, url_of

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _whole_percent(value: float, language: str | None) -> str:
    """`floatformat(value, 0)`, kept per value and language: a coverage percent is rounded down to 0.1 (a thousand
    and one of them), and the filter costs more than the rest of a row."""
    return floatformat(value, 0)


@register.simple_tag
def glance_rows(rows: Iterable[Any]) -> SafeString:
    """The employer contact's apprentices (`core.start.employer.Glance`): each one's name linked to their
    progress, standard, readiness and coverage, what waits for the contact, and their progress reviews."""
    progress = url_around("progress-page")
    behaviours = url_around("behaviour-page")
    schedule = url_around("progress-review-schedule-page")
    confirmation = SafeString(url_of("review-confirmation-page"))
    language = get_language()
    out = []
    for a in rows:
        if a.ready_state is not None:
            ready = format_escaped('<strong class="tag tag-done">{}</strong>\n        ', a.ready_state)
        else:
            ready = '<strong class="tag">Not ready yet</strong>'
        to_confirm = ""
        if a.to_confirm:
            to_confirm = format_escaped(
                '<a href="{}">{} item{} to confirm</a> · ', confirmation, a.to_confirm, "s" if a.to_confirm != 1 else ""
            )
        behaviour_link = format_escaped("{}{}{}", behaviours[0], a.public_id, behaviours[1])
        if a.behaviours_left:
            left = a.behaviours_left
            behaviour = format_escaped(
                '<a href="{}">{} behaviour{} to confirm</a>\n        ',
                SafeString(behaviour_link), left, "s" if left != 1 else "",
            )  # fmt: skip
        elif a.behaviours_total:
            behaviour = format_escaped(
                '<a href="{}">Behaviours: all {} confirmed</a>', SafeString(behaviour_link), a.behaviours_total
            )
        else:
            behaviour = ""
        out.append(
            format_escaped(
                '\n    <li class="glance-item">\n      <a class="glance-name" href="{}{}{}">{}</a>\n'
                '      <span class="muted">{}</span>\n      <span>\n        {}\n'
                "        {}% of statements covered\n      </span>\n      <span>\n        {}\n        {}\n"
                '      </span>\n      <span><a href="{}{}{}">Progress reviews</a></span>\n    </li>\n    ',
                SafeString(progress[0]), a.public_id, SafeString(progress[1]), a.name, a.standard,
                SafeString(ready), _whole_percent(a.coverage_percent, language), SafeString(to_confirm),
                SafeString(behaviour),
                SafeString(schedule[0]), a.public_id, SafeString(schedule[1]),
            )
        )  # fmt: skip
    return SafeString("".join(out))
