"""Every refusal under /api/ answers `{code, message, details}`, server errors included; pages keep HTML."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from drf_spectacular.generators import SchemaGenerator

SERVER_ERROR_CODE = "server_error"


@pytest.fixture
def client() -> Client:
    # Django's test client re-raises a view's exception by default: answer it as a server would.
    return Client(raise_request_exception=False)


def _assert_error_shape(response: object, status: int, code: str) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/json"  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.api.urls_server_error")
def test_a_database_error_inside_an_api_view_answers_json(client: Client) -> None:
    response = client.get("/api/test-only/database-error/")
    _assert_error_shape(response, 500, SERVER_ERROR_CODE)
    assert "division" not in response.content.decode()  # nothing of the internals leaks


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.api.urls_server_error")
def test_an_error_outside_drf_under_api_answers_json(client: Client) -> None:
    _assert_error_shape(client.get("/api/test-only/django-error/"), 500, SERVER_ERROR_CODE)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.api.urls_server_error")
def test_a_page_error_keeps_the_html_page(client: Client) -> None:
    response = client.get("/test-only/page-error/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_api_path_that_names_nothing_answers_json(client: Client) -> None:
    _assert_error_shape(client.get("/api/evidence/not-a-uuid/"), 404, "not_found")
    _assert_error_shape(client.get("/api/no-such-thing/"), 404, "not_found")
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_refusals_use_the_error_shape(client: Client) -> None:
    _assert_error_shape(client.get("/api/me/"), 401, "not_authenticated")
    _assert_error_shape(client.delete("/api/auth/token/"), 405, "method_not_allowed")
    _assert_error_shape(client.post("/api/auth/token/", "{", content_type="application/json"), 400, "parse_error")


ERROR_STATUSES = {"400", "401", "403", "404", "409"}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(path, method, operation) for path, ops in schema["paths"].items() for method, operation in ops.items()]


def test_the_schema_documents_the_error_responses_of_every_operation() -> None:
    operations = _operations()
    assert len(operations) > 50
    for path, method, operation in operations:
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        assert "400" in responses, where
        signed_in = operation.get("security") != [{}] and not path.startswith(
            ("/api/auth/token/", "/api/invitations/accept/")
        )
        if signed_in:
            assert {"401", "403"} <= set(responses), where
        if "{" in path:
            assert "404" in responses, where
        if signed_in and method in ("post", "put", "patch", "delete"):
            assert "409" in responses, where
        for status in ERROR_STATUSES & set(responses):
            body = responses[status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorOut"}, f"{where} {status}"


def test_sign_in_documents_the_lockout() -> None:
    [(_, _, token)] = [op for op in _operations() if op[0] == "/api/auth/token/"]
    assert "429" in token["responses"]
    assert "401" not in token["responses"]


def test_the_error_shape_component() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message", "details"}
