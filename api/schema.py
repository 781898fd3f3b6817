"""The OpenAPI schema's error responses, added to every operation by rule rather than by hand on each view.

Every refusal answers in the error shape (`ErrorOut`, api/errors.py), so each operation documents, with that
body, the statuses it can answer:

- 400 always: a body that does not validate, or a query string with control characters;
- 401 and 403 when the operation needs a signed-in caller (403: the role may not, or a session without CSRF);
- 404 when a path names an object, when the answer is a page of a list (a page past the end), and for writes
  (a body may name an object the caller cannot see);
- 409 for writes by a signed-in caller: the object's state or version does not allow it;
- 415 when there is a request body (a media type the operation does not read);
- the view's `extra_error_statuses`, e.g. 429 for sign-in (the lockout).

A status the view's own `@extend_schema` documents keeps its description; it gets the error body if it had none.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.permissions import AllowAny

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DESCRIPTIONS = {
    400: "invalid: `details` names each field and what is wrong",
    401: "not_authenticated: send `Authorization: Token <token>`",
    403: "permission_denied: your role cannot do this",
    404: "not_found: missing, or not yours to see",
    409: "the object's state or version does not allow it: `code` says which",
    415: "unsupported_media_type: send JSON",
    429: "too many attempts: wait and try again",
}


class ErrorOut(serializers.Serializer[Any]):
    """The body of every refusal and server error."""

    code = serializers.CharField(help_text="machine-readable, e.g. `invalid`, `not_found`, `wrong_state`")
    message = serializers.CharField(help_text="what happened and what to do, for a person")
    details = serializers.DictField(help_text="per field (for `invalid`) or per object: more about the refusal")


class AutoSchema(openapi.AutoSchema):
    def _needs_sign_in(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(self.view.get_authenticators()) and not any(isinstance(p, AllowAny) for p in permissions)

    def error_statuses(self) -> list[int]:
        statuses = {400}
        signed_in = self._needs_sign_in()
        if signed_in:
            statuses |= {401, 403}
        if "{" in self.path or self._is_list_view() or (signed_in and self.method in WRITES):
            statuses.add(404)
        if signed_in and self.method in WRITES:
            statuses.add(409)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.add(415)
        statuses |= set(getattr(self.view, "extra_error_statuses", ()))
        return sorted(statuses)

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status_code in self.error_statuses():
            key = str(status_code)
            documented = responses.get(key)
            if documented is not None and documented.get("content"):
                continue
            error = self._get_response_for_code(ErrorOut, key, direction=direction)
            error["description"] = (documented or {}).get("description") or DESCRIPTIONS[status_code]
            responses[key] = error
        return dict(sorted(responses.items()))
