"""`{% url_of 'name' public_id … %}`: the address `{% url %}` writes, its `reverse()` done once per process
(portfolio/core/html.py: `url_parts`) where a page's links cost one each. For URLs taking public ids (UUIDs)
alone: any other argument is reversed as `{% url %}` reverses it."""

from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from portfolio.core.html import url_of as _url_of

register = template.Library()


@register.simple_tag
def url_of(name: str, *args: Any) -> SafeString:
    if all(isinstance(arg, uuid.UUID) for arg in args):
        return SafeString(_url_of(name, *args))
    return SafeString(conditional_escape(reverse(name, args=args)))
