"""`{% rendered_once_per a b %}…{% endrendered_once_per %}`: markup rendered once per process for each combination
of the values it depends on, then written as kept.

Every page's header lists the links of the person's roles: a dozen `{% url %}` tags and role tests whose output
depends on the roles alone (and on where the site is mounted). Rendered per request, they cost about as much as
rendering the rest of a small page. The block must read nothing but the values it names (and `{% url %}`): what
differs per person or per request (a count, a CSRF token) stays outside it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf

register = template.Library()


def _kept(value: Any) -> Any:
    """The value as a key: a set of roles as a plain frozenset (a lazy one would keep its request alive)."""
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    raise template.TemplateSyntaxError(
        f"rendered_once_per depends on strings, numbers, booleans or sets, not {value!r}"
    )


class RenderedOncePerNode(template.Node):
    def __init__(self, nodelist: NodeList, values: list[FilterExpression]) -> None:
        self.nodelist, self.values = nodelist, values
        self.rendered: dict[tuple[Any, ...], str] = {}

    def render(self, context: Context) -> str:
        # The addresses `{% url %}` writes depend on the URLconf and on where the site is mounted.
        key = (get_urlconf(), get_script_prefix(), *(_kept(value.resolve(context)) for value in self.values))
        found = self.rendered.get(key)
        if found is None:
            found = self.rendered[key] = self.nodelist.render(context)
        return found


@register.tag
def rendered_once_per(parser: Parser, token: Token) -> RenderedOncePerNode:
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not values:
        raise template.TemplateSyntaxError("rendered_once_per needs the values its block depends on")
    nodelist = parser.parse(("endrendered_once_per",))
    parser.delete_first_token()
    return RenderedOncePerNode(nodelist, values)
