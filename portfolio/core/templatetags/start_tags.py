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

from portfolio.core.html import escaped, url_around, url_of

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _whole_percent(value: float, language: str | None) -> str:
    """`floatformat(value, 0)`, kept per value and language: a coverage percent is rounded down to 0.1 (a thousand
    and one of them), and the filter costs more than the rest of a row."""
    return floatformat(value, 0)


@register.simple_tag
def glance_rows(rows: Iterable[Any]) -> SafeString:
    """The employer contact's apprentices (`core.start.employer.Glance`): each one's name linked to their
    progress, standard, readiness and coverage, what waits for the contact, and their progress reviews. Each value
    escaped as `format_escaped` escapes it, in f-strings; what rows share (a standard, a state) escaped once."""
    progress_before, progress_after = url_around("progress-page")
    behaviours_before, behaviours_after = url_around("behaviour-page")
    schedule_before, schedule_after = url_around("progress-review-schedule-page")
    confirmation = url_of("review-confirmation-page")
    language = get_language()
    written: dict[Any, str] = {}

    def once(value: Any) -> str:
        if value not in written:
            written[value] = escaped(value)
        return written[value]

    out = []
    for a in rows:
        public_id = escaped(a.public_id)
        if a.ready_state is not None:
            ready = f'<strong class="tag tag-done">{once(a.ready_state)}</strong>\n        '
        else:
            ready = '<strong class="tag">Not ready yet</strong>'
        to_confirm = ""
        if a.to_confirm:
            plural = "s" if a.to_confirm != 1 else ""
            to_confirm = f'<a href="{confirmation}">{escaped(a.to_confirm)} item{plural} to confirm</a> · '
        behaviour = ""
        if a.behaviours_left:
            plural = "s" if a.behaviours_left != 1 else ""
            behaviour = (
                f'<a href="{behaviours_before}{public_id}{behaviours_after}">{escaped(a.behaviours_left)} '
                f"behaviour{plural} to confirm</a>\n        "
            )
        elif a.behaviours_total:
            behaviour = (
                f'<a href="{behaviours_before}{public_id}{behaviours_after}">Behaviours: all '
                f"{escaped(a.behaviours_total)} confirmed</a>"
            )
        out.append(
            f'\n    <li class="glance-item">\n      <a class="glance-name" href="{progress_before}{public_id}'
            f'{progress_after}">{escaped(a.name)}</a>\n      <span class="muted">{once(a.standard)}</span>\n'
            f"      <span>\n        {ready}\n        {_whole_percent(a.coverage_percent, language)}% of statements "
            f"covered\n      </span>\n      <span>\n        {to_confirm}\n        {behaviour}\n      </span>\n"
            f'      <span><a href="{schedule_before}{public_id}{schedule_after}">Progress reviews</a></span>\n'
            "    </li>\n    "
        )
    return SafeString("".join(out))
