"""Text the API accepts: no NUL or other control characters, and nothing that is not valid Unicode.

PostgreSQL cannot store NUL in text (it answers `DataError`) nor a lone surrogate (the driver cannot encode it);
other control characters are invisible in every page and export. They are refused where the request is parsed,
once for every field of every endpoint (tests/api/test_control_characters.py), with a 400 naming the field.
Multi-line fields (comments, reflections, descriptions) keep tab and line breaks. A view may name fields whose
serializer removes such characters itself (`cleans_control_characters`: an upload's file name, where the
browser hands over whatever the operating system allowed); the check leaves those to it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

# Keys of multi-line text fields: tab, CR and LF are part of what people type there.
MULTI_LINE_FIELDS = frozenset(
    {"comment", "reflection", "description", "return_comment", "reason", "rpl_reason", "english_maths_reason"}
)
LINE_BREAKS_AND_TAB = frozenset("\t\r\n")


def refused_character(text: str, *, multi_line: bool) -> str | None:
    """The first character this field may not hold, or None."""
    for char in text:
        if multi_line and char in LINE_BREAKS_AND_TAB:
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            return char
    return None


def refusal_message(char: str, *, multi_line: bool) -> str:
    what = "an invisible control character" if unicodedata.category(char) == "Cc" else "text that is not valid Unicode"
    allowed = " Tabs and line breaks are fine here." if multi_line else ""
    return f"Remove {what} (U+{ord(char):04X}) from this field: it cannot be stored.{allowed}"


def _items(data: Any) -> Iterator[tuple[str, Any]]:
    if hasattr(data, "lists"):  # a QueryDict: every value of a repeated key
        for key, values in data.lists():
            for value in values:
                yield str(key), value
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield str(key), value


def control_character_errors(
    data: Any, *, path: str = "", cleaned: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """Per field (dotted path for nested values, e.g. `tags.0.comment`), what is wrong with its text.

    Top-level fields in `cleaned` are skipped: their serializer removes control characters itself."""
    errors: dict[str, list[str]] = {}
    if isinstance(data, str):
        multi_line = path.rsplit(".", 1)[-1] in MULTI_LINE_FIELDS
        char = refused_character(data, multi_line=multi_line)
        if char is not None:
            errors[path or "non_field_errors"] = [refusal_message(char, multi_line=multi_line)]
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            errors.update(control_character_errors(value, path=f"{path}.{index}" if path else str(index)))
    else:
        for key, value in _items(data):
            if not path and key in cleaned:
                continue
            char = refused_character(key, multi_line=False)
            if char is not None:
                errors[path or "non_field_errors"] = [f"A field name holds U+{ord(char):04X}: remove it."]
                continue
            errors.update(control_character_errors(value, path=f"{path}.{key}" if path else key))
    return errors
