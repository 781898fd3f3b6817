"""`{% gate_summary_items %}` (the progress page's gate summary) writes what the template's loop over the checklist
wrote, byte for byte: gates on and off, met and not, and text that needs escaping."""

from __future__ import annotations

from typing import Any

from django.template import engines

from portfolio.coverage.gates import GATE_KEYS, gates_checklist

LOOP = (
    '{% for gate in checklist %}{% if gate.enabled %}<li data-gate="{{ gate.key }}">{% if gate.passed %}'
    '<span class="tag tag-done">Met</span>{% else %}<span class="tag tag-todo">Not met</span>{% endif %} '
    "<strong>{{ gate.name }}:</strong> {{ gate.explanation }}</li>{% endif %}{% endfor %}"
)


def test_the_items_are_the_loops() -> None:
    loop = engines["django"].from_string(LOOP)
    tag = engines["django"].from_string("{% load coverage_tags %}{% gate_summary_items checklist %}")
    gates: dict[str, dict[str, Any]] = {
        key: {"enabled": index % 3 != 1, "passed": index % 2 == 0} for index, key in enumerate(GATE_KEYS)
    }
    checklist = gates_checklist(gates)
    checklist.append({"key": "x<&>", "name": 'A "name" & <b>', "enabled": True, "passed": False, "explanation": "<i>"})
    assert sum(gate["enabled"] for gate in checklist) > 1
    assert not all(gate["enabled"] for gate in checklist)
    for rows in (checklist, checklist[:1], []):
        assert tag.render({"checklist": rows}) == loop.render({"checklist": rows})
