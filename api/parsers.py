"""The API's request parsers: DRF's, plus the text check of api/text.py on everything they parse."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, parsers

from api.text import control_character_errors


def _checked(data: Any, parser_context: Any) -> Any:
    view = (parser_context or {}).get("view")
    errors = control_character_errors(data, cleaned=getattr(view, "cleans_control_characters", frozenset()))
    if errors:
        raise exceptions.ValidationError(errors)
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return _checked(super().parse(stream, media_type, parser_context), parser_context)
        except RecursionError as exc:  # `[[[[…]]]]` thousands deep: Python's json gives up, DRF does not catch it
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.") from exc


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return _checked(super().parse(stream, media_type, parser_context), parser_context)


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _checked(parsed.data, parser_context)
        return parsed
