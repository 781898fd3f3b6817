"""Suggestion test helpers: the labelled set, and the three bundled standards imported as `make run` does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from portfolio.standards.models import Option, Standard
from portfolio.standards.plan import PlanReport, read_plan
from portfolio.standards.services import standard_import

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "data" / "standards"
LABELLED = HERE / "labelled_evidence.yaml"


def labelled_items() -> list[dict[str, Any]]:
    return yaml.safe_load(LABELLED.read_text(encoding="utf-8"))


def item_text(item: dict[str, Any]) -> str:
    """An item's text as suggestions read it: title, reflection, then its documents' text."""
    return "\n\n".join(part for part in [item["title"], item["reflection"], item.get("file_text", "")] if part)


def _bundled() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for plan in sorted(DATA.glob("*.aap.txt")):
        reference = plan.name.split("-")[0]
        api = json.loads((DATA / "api" / f"{reference}.json").read_text(encoding="utf-8"))
        found.append((reference, plan.read_text(encoding="utf-8"), api))
    return found


def read_bundled_plans() -> dict[str, PlanReport]:
    """The three plans as the importer reads them, without writing anything."""
    return {reference: read_plan(plan, api_document=api) for reference, plan, api in _bundled()}


def import_bundled_standards() -> dict[str, Standard]:
    standards = {}
    for reference, plan, api in _bundled():
        result = standard_import(plan=plan, api_document=api)
        assert result.standard is not None, result.message
        standards[reference] = result.standard
    return standards


def option_of(standard: Standard, title: str) -> Option:
    return standard.options.get(title=title)
