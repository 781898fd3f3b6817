"""`{% filter_options %}` (the evidence list's filters) writes the options the template's loop wrote, byte for byte,
whichever choice is selected, none or one no choice has."""

from __future__ import annotations

import pytest
from django.template import engines

from portfolio.evidence.models import Evidence

LOOP = (
    "{% for value, label in choices %}"
    '<option value="{{ value }}"{% if value == selected %} selected{% endif %}>{{ label }}</option>'
    "{% endfor %}"
)


@pytest.mark.parametrize("choices", [Evidence.State.choices, Evidence.Kind.choices, [("a&b", '<x> & "y"')]])
def test_the_options_are_the_loops(choices: list[tuple[str, str]]) -> None:
    loop = engines["django"].from_string(LOOP)
    tag = engines["django"].from_string("{% load form_tags %}{% filter_options choices selected %}")
    for selected in ["", "nothing-of-the-kind", *(value for value, _ in choices)]:
        context = {"choices": choices, "selected": selected}
        assert tag.render(context) == loop.render(context)
