"""One error shape for the whole API: a machine code, a message a person can act on, per-field details.

Three places answer in it: `exception_handler` (DRF's hook) for everything raised inside an API view, server
errors included; `api_error_middleware` for what happens before a view (a path that names no route, a query
string with control characters); and `handler404`/`handler500` (set in portfolio/urls.py) for the rest, e.g. an
exception in a middleware. Only paths under /api/ get JSON: pages keep their HTML error pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core import signals
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from api.text import control_character_errors
from portfolio.core.errors import Conflict

API_PREFIX = "/api/"
SERVER_ERROR = {
    "code": "server_error",
    "message": "Something went wrong on our side and nothing was changed. Try again; if it keeps happening, "
    "tell your provider's admin the time it happened.",
    "details": {},
}
NOT_FOUND = {"code": "not_found", "message": "Not found.", "details": {}}
logger = logging.getLogger("django.request")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


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
        return _server_error(exc, context)
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        message = "The request has errors: see details."
        details = _flatten(exc.detail)
        if not isinstance(details, dict):  # `ValidationError("...")` or a list: no field to name
            details = {"non_field_errors": details if isinstance(details, list) else [details]}
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


def _server_error(exc: Exception, context: dict[str, Any]) -> Response:
    """A bug, not a refusal: undo the request's writes, log it as Django does, answer in the error shape."""
    set_rollback()
    request = context.get("request")
    django_request = getattr(request, "_request", request)
    logger.error(
        "Internal Server Error: %s",
        getattr(django_request, "path", "?"),
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": django_request},
    )
    # Error reporters (and Django's test client) listen to this signal, as for any unhandled exception.
    signals.got_request_exception.send(sender=None, request=django_request)
    return Response(SERVER_ERROR, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def api_error_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Before any API view: a path or query string with control characters cannot name anything we store."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if is_api(request):
            if control_character_errors(request.path):
                return JsonResponse(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
            errors = control_character_errors(request.GET)
            if errors:
                body = {"code": "invalid", "message": "The request has errors: see details.", "details": errors}
                return JsonResponse(body, status=status.HTTP_400_BAD_REQUEST)
        return get_response(request)

    return middleware


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse(SERVER_ERROR, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        body = {"code": "bad_request", "message": "The request could not be read.", "details": {}}
        return JsonResponse(body, status=status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        body = {"code": "permission_denied", "message": "You cannot do this.", "details": {}}
        return JsonResponse(body, status=status.HTTP_403_FORBIDDEN)
    return defaults.permission_denied(request, exception)
