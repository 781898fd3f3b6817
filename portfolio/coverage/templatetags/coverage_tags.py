from django import template

register = template.Library()


@register.filter
def heat(percent: float | None) -> int:
    """The tenth a percentage falls in (0-10), for the heat colour classes."""
    return int((percent or 0) // 10)
