"""`Idempotency-Key` on the API's creating POSTs: a retry with the same key gets the first answer, and creates nothing.

Use as the outermost decorator of a view's `post` (above `extend_schema`): it documents the header and the 422
in the schema and wraps the handler in one transaction with the key's claim, so the key and what the request
created commit together or not at all.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.evidence.serializers import ErrorOut
from portfolio.idempotency.services import (
    IdempotencyKeyReused,
    idempotency_claim,
    idempotency_record,
    idempotency_release,
)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as a header value can carry it unchanged

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A unique value per operation you mean to perform once (a UUID is a good choice), up to 255 "
    "visible ASCII characters. A retry with the same key, by the same user, to the same endpoint with the same "
    "body returns the first answer (status and body, with `Idempotent-Replayed: true`) and creates nothing; "
    "the same key with another body is refused (422, `idempotency_key_reused`). Only successful answers are "
    "kept, for 24 hours.",
)
KEY_REUSED = OpenApiResponse(
    ErrorOut, description="`idempotency_key_reused`: the Idempotency-Key was first used for a different request"
)


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def _fingerprint(request: Request) -> str:
    data = request.data
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in data}
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not _KEY.match(key):
            raise exceptions.ValidationError(
                {HEADER: ["Use 1 to 255 visible ASCII characters (no spaces), for example a UUID."]}
            )
        user = request.user
        with transaction.atomic():
            try:
                kept = idempotency_claim(
                    user=user, key=key, endpoint=f"{request.method} {request.path}", fingerprint=_fingerprint(request)
                )
            except IdempotencyKeyReused as exc:
                raise KeyReused(
                    f"This Idempotency-Key was first used for another request ({exc.endpoint}, or another body). "
                    "Use a new key for a new request."
                ) from exc
            if kept is not None:
                body = json.loads(kept.response_body) if kept.response_body else None
                return Response(body, status=kept.status_code, headers={REPLAYED_HEADER: "true"})
            # An exception from the handler rolls back the claim with the work; a refusal answered without one
            # releases it, so the corrected request may use the same key.
            response = handler(view, request, *args, **kwargs)
            if status.is_success(response.status_code):
                body = JSONRenderer().render(response.data).decode() if response.data is not None else ""
                idempotency_record(user=user, key=key, status_code=response.status_code, body=body)
            else:
                idempotency_release(user=user, key=key)
            return response

    documented = extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER])(wrapper)
    base = documented.kwargs["schema"]  # type: ignore[attr-defined]

    class IdempotentSchema(base):  # type: ignore[misc, valid-type]
        def get_response_serializers(self) -> Any:
            responses = super().get_response_serializers()
            if isinstance(responses, dict) and 422 not in responses:
                responses = {**responses, 422: KEY_REUSED}
            return responses

    documented.kwargs["schema"] = IdempotentSchema  # type: ignore[attr-defined]
    return documented
