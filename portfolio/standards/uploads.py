"""Reading an uploaded plan and API document: size limits and JSON errors a person can act on."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile

MAX_PLAN_BYTES = 5 * 1024 * 1024
MAX_API_DOCUMENT_BYTES = 5 * 1024 * 1024


class UploadedPlanError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def read_uploaded_plan(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > MAX_PLAN_BYTES:
        raise UploadedPlanError(
            "plan", f"{upload.name} is {upload.size:,} bytes; an assessment plan is at most {MAX_PLAN_BYTES:,}."
        )
    return upload.read()


def read_uploaded_api_document(upload: UploadedFile | None) -> dict[str, Any] | None:
    if upload is None:
        return None
    if upload.size is not None and upload.size > MAX_API_DOCUMENT_BYTES:
        raise UploadedPlanError("api_document", f"{upload.name} is too large for an API document.")
    return parse_api_document(upload.read(), name=str(upload.name))


def parse_api_document(raw: bytes, *, name: str) -> dict[str, Any]:
    """The Skills England API document of a standard, as JSON bytes -> a dict, or a clear error."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UploadedPlanError(
            "api_document", f"{name} is not valid JSON ({exc}). Use the API document as downloaded."
        ) from exc
    if not isinstance(document, dict):
        raise UploadedPlanError("api_document", f"{name} must hold one JSON object: a standard.")
    return document
