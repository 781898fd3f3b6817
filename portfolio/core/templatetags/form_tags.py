"""Form parts many pages write: `{% filter_options choices selected %}`, a filter's options in one pass (a list of
thousands, such as a provider's apprentices, cost the template engine tens of milliseconds)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from portfolio.core.html import escaped

register = template.Library()


@register.simple_tag
def filter_options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """The filter's `<option>` per choice (value, label), the one equal to `selected` marked: what the template's
    loop wrote, each value and label escaped as the engine escapes them."""
    return SafeString(
        "".join(
            f'<option value="{escaped(value)}"{" selected" if value == selected else ""}>{escaped(label)}</option>'
            for value, label in choices
        )
    )
