"""Errors services raise that are neither bad input (ValidationError) nor a refusal (PermissionDenied).

Services know nothing of HTTP; the API's exception handler answers a `Conflict` as 409 with its own code,
message and details, and pages show its message.
"""

from __future__ import annotations

from typing import Any


class Conflict(Exception):
    """The request was valid but the record's current state does not allow it (someone else moved it on)."""

    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details or {}
