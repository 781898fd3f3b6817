"""One error shape for the whole API: a machine code, a message a person can act on, per-field details."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portfolio.core.errors import Conflict


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        # A service's conflict keeps its own code and structured details (versions, current state).
        body = {"code": exc.code, "message": exc.message, "details": exc.details}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError (they know nothing of HTTP); the API answers it as a 400
        # with the same per-field details.
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        # Keep the service's message ("Only an admin of the provider can ...") and the machine code.
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        message = "The request has errors: see details."
        details = _flatten(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        code = exc.default_code if isinstance(exc.detail, str) else "error"
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else "The request failed."
        details = _flatten(exc.detail) if isinstance(exc.detail, dict) else {}
    else:
        code, message, details = "error", "The request failed.", {}
    if response.status_code == status.HTTP_404_NOT_FOUND:
        # Same answer for "missing" and "not yours": the body must not tell them apart.
        code, message, details = "not_found", "Not found.", {}
    response.data = {"code": code, "message": message, "details": details}
    return response
