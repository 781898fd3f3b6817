"""The one error evidence services raise when a request is understood but refused by a rule.

Services know nothing of HTTP: they name the rule (a machine `code`), say what to do (`message`) and hint at
the HTTP status (400 for a limit or a bad value, 409 when the record's state does not allow it). The API
answers it in its usual shape; pages show the message.
"""

from __future__ import annotations

from typing import Any


class EvidenceRefused(Exception):
    def __init__(self, message: str, *, code: str, status: int = 400, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.details = details or {}
