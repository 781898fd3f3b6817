"""Lists that grow without end (every evidence item a person may see, every readiness change), a page at a time
by position: a page is read from the list's index at the row after the last one seen, so it costs the same however
many pages came before it (an offset makes PostgreSQL read and drop every row before the page), and a row added or
removed meanwhile shifts no page.

The position is the row's whole sort key (`portfolio.core.queries.Keyset`, the last field unique), not the first
field and a count of its ties: a thousand events of one recompute share a moment, a busy provider's day a thousand
items of one date, and each is read once.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.encoding import force_str
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from portfolio.core.queries import Keyset

# A cursor is "n" (the rows after) or "p" (the rows before) and a position, base64 for a URL.
_NEXT, _PREVIOUS = "n", "p"


class KeysetPagination(BasePagination):
    """`order`'s rows `page_size` at a time, answered as `{"next", "previous", "results"}`: the links to follow
    (null at either end), no count. A `cursor` that is not one of the list's answers 400 naming it, and so does
    `page` (a page number, which this list does not take), saying to follow the links."""

    order: Keyset
    _reversed: Keyset
    page_size = 50
    cursor_query_param = "cursor"
    cursor_query_description = "The position to read from: follow `next` and `previous`."

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._reversed = cls.order.reversed()  # `previous` pages read backwards

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request, view: Any = None) -> list[Any]:
        self.request = request
        if "page" in request.query_params:
            raise ValidationError({"page": ["This list has no page numbers: follow the `next` and `previous` links."]})
        direction, position = self._cursor(request)
        before: list[Any] = []
        if direction == _PREVIOUS and position is not None:
            earlier = queryset.filter(self._reversed.after(position)).order_by(*self._reversed.order_by())
            before = list(earlier[: self.page_size + 1])
        if before:
            rows = before[: self.page_size][::-1]
            self._has_previous, self._has_next = len(before) > self.page_size, True
        else:
            # Reading forwards; also when nothing is left before a `previous` cursor (the rows it came back to were
            # removed meanwhile): then the list's first page, with its links, rather than an empty page without.
            position = None if direction == _PREVIOUS else position
            later = queryset if position is None else queryset.filter(self.order.after(position))
            after = list(later.order_by(*self.order.order_by())[: self.page_size + 1])
            rows = after[: self.page_size]
            self._has_previous, self._has_next = position is not None, len(after) > self.page_size
        self._first = self._key(rows[0]) if rows else None
        self._last = self._key(rows[-1]) if rows else None
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_next_link(self) -> str | None:
        return self._link(_NEXT, self._last) if self._has_next and self._last is not None else None

    def get_previous_link(self) -> str | None:
        if not self._has_previous or self._first is None:
            return None
        return self._link(_PREVIOUS, self._first)

    def _link(self, direction: str, key: str) -> str:
        encoded = base64.urlsafe_b64encode(f"{direction}{key}".encode()).decode("ascii")
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, encoded)

    def _key(self, row: Model) -> str:
        values: Sequence[Any] = [row.pk if name == "pk" else getattr(row, name) for name in self.order.fields]
        return self.order.key(values)

    def _cursor(self, request: Request) -> tuple[str, tuple[Any, ...] | None]:
        text = request.query_params.get(self.cursor_query_param)
        if not text:
            return _NEXT, None
        try:
            decoded = base64.urlsafe_b64decode(text.encode("ascii")).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            decoded = ""
        position = self.order.parse(decoded[1:]) if decoded[:1] in (_NEXT, _PREVIOUS) else None
        if position is None:
            raise ValidationError(
                {self.cursor_query_param: ["Not a cursor of this list: follow the `next` and `previous` links."]}
            )
        return decoded[0], position

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": force_str(self.cursor_query_description),
                "schema": {"type": "string"},
            }
        ]
