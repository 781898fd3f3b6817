"""Markup written in Python by the template tags that write a page's many rows in one pass."""

from __future__ import annotations

import html
from typing import Any


def format_escaped(template: str, *args: Any) -> str:
    """`format_html` without its wrappers around every value (a page's rows write a few thousand): the same escaping
    as `conditional_escape` (`django.utils.html.escape` is `html.escape`), markup already marked safe kept as it is.
    Returns a plain string: the caller marks the whole it builds safe once."""
    return template.format(*(a.__html__() if hasattr(a, "__html__") else html.escape(str(a)) for a in args))
