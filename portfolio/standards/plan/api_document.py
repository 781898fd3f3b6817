"""The Skills England API document of a standard (/api/apprenticeshipstandards/STxxxx), as far as a plan
needs it: identity, option titles and the statement texts.

Statements are held in order and by GUID, not by code: K1 is the first item of `knowledges`, S1 the first
of `skills`, B1 the first of `behaviours`, each item shaped {"knowledgeId": "...", "detail": "text"}.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .headers import normalise_reference, normalise_version
from .options import NamedOption, split_name_and_code

KIND_KEYS: dict[str, tuple[str, ...]] = {
    "K": ("knowledges", "knowledge"),
    "S": ("skills",),
    "B": ("behaviours", "behaviors"),
}
KIND_NAMES = {"K": "knowledge", "S": "skill", "B": "behaviour"}
_TEXT_KEYS = ("detail", "description", "text", "statement", "title")
_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class ApiDocument:
    reference: str | None = None
    version: str | None = None
    title: str | None = None
    level: int | None = None
    statements: dict[str, list[str]] = field(default_factory=dict)  # "K" -> texts, K1 first
    options: list[NamedOption] = field(default_factory=list)

    def statement_text(self, code: str) -> str | None:
        """The text of K1/S2/B3, or None when the document has no such statement."""
        texts = self.statements.get(code[0], [])
        number = int(code[1:])
        return texts[number - 1] if 0 < number <= len(texts) else None


def clean_text(raw: str) -> str:
    """API texts carry HTML, sometimes escaped twice ("&lt;p&gt;"), and stray double spaces."""
    text = html.unescape(raw)
    text = _TAG.sub(" ", text)
    return " ".join(html.unescape(text).split())


def _item_text(item: Any) -> str:
    if isinstance(item, str):
        return clean_text(item)
    if not isinstance(item, Mapping):
        return ""
    for key in _TEXT_KEYS:
        value = item.get(key)
        if isinstance(value, str):
            return clean_text(value)
    # An unknown shape: the first text value that is not an identifier.
    for key, value in item.items():
        if isinstance(value, str) and not str(key).lower().endswith("id"):
            return clean_text(value)
    return ""


def _list_at(document: Mapping[str, Any], keys: tuple[str, ...]) -> list[Any]:
    for key in keys:
        value = document.get(key)
        if isinstance(value, list):
            return value
    return []


def read_api_document(document: Mapping[str, Any]) -> ApiDocument:
    statements = {kind: [_item_text(item) for item in _list_at(document, keys)] for kind, keys in KIND_KEYS.items()}
    options: list[NamedOption] = []
    for number, item in enumerate(_list_at(document, ("options",)), start=1):
        title = item.get("title") if isinstance(item, Mapping) else item
        if isinstance(title, str) and title.strip():
            name, code = split_name_and_code(clean_text(title))
            options.append(NamedOption(name, code, number, 0, title))
    level = document.get("level")
    title = document.get("title")
    return ApiDocument(
        reference=normalise_reference(document.get("referenceNumber") or document.get("reference")),
        version=normalise_version(document.get("version") or document.get("versionNumber") or None),
        title=clean_text(title) if isinstance(title, str) and title.strip() else None,
        level=level if isinstance(level, int) and not isinstance(level, bool) else None,
        statements=statements,
        options=options,
    )
