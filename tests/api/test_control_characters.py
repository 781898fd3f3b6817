"""Text fields refuse NUL and other control characters with a 400 naming the field, in the error shape.

The fields are read from the OpenAPI schema (every string property of every JSON request body), so a new
field is covered without being listed here. Each is sent with a NUL by a role that may use the route.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from tests.api.permission_registry import ROUTES
from tests.api.schema_routes import role_allowed, schema_path, user_for
from tests.factories import build_world


def _request_component(operation: dict[str, Any], components: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    ref = content["schema"].get("$ref", "")
    return components.get(ref.rsplit("/", 1)[-1])


def _text_fields() -> list[Any]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    cases = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            component = _request_component(operation, components)
            if not component:
                continue
            for field, prop in component.get("properties", {}).items():
                if prop.get("type") == "string" and "enum" not in prop:
                    cases.append(pytest.param(path, method.upper(), field, id=f"{method.upper()} {path} {field}"))
    return cases


TEXT_FIELDS = _text_fields()


def test_the_api_has_text_fields_to_check() -> None:
    # Guards the collection itself: if it found nothing, every case below would vanish silently.
    assert len(TEXT_FIELDS) > 20


def _route_for(path: str, world: Any) -> tuple[str, dict[str, Any]]:
    for name, spec in ROUTES.items():
        if name.startswith("api-"):
            kwargs = spec.kwargs(world)
            if schema_path(name, kwargs) == path:
                return name, kwargs
    raise AssertionError(f"{path} is not in tests/api/permission_registry.py")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "field"), TEXT_FIELDS)
def test_a_nul_is_refused_naming_the_field(path: str, method: str, field: str) -> None:
    own, _ = build_world()
    name, kwargs = _route_for(path, own)
    client = Client()
    role = role_allowed(name, method)
    if role is not None:
        client.force_login(user_for(own, role))
    url = reverse(name, kwargs=kwargs)
    body = json.dumps({field: "before\x00after"})
    response = client.generic(method, url, data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    view_class = getattr(resolve(url).func, "view_class", None)
    if field in getattr(view_class, "cleans_control_characters", frozenset()):
        # This field's serializer removes control characters (an upload's file name): never refused for them.
        assert "control character" not in json.dumps(body.get("details", {}).get(field, "")), body
        return
    assert body["code"] == "invalid"
    assert set(body) == {"code", "message", "details"}
    assert field in body["details"], body
    assert "control character" in body["details"][field][0]


def _as_apprentice() -> tuple[Client, Any]:
    own, _ = build_world()
    client = Client()
    client.force_login(own.apprentice)
    return client, own


@pytest.mark.django_db
@pytest.mark.parametrize("char", ["\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9b"])
def test_other_control_characters_are_refused(char: str) -> None:
    client, _ = _as_apprentice()
    response = client.patch(reverse("api-me"), {"last_name": f"Smith{char}"}, content_type="application/json")
    assert response.status_code == 400
    assert f"U+{ord(char):04X}" in response.json()["details"]["last_name"][0]


@pytest.mark.django_db
def test_multi_line_fields_keep_tabs_and_line_breaks_but_not_nul() -> None:
    client, own = _as_apprentice()
    body = {
        "apprenticeship": str(own.apprenticeship.public_id),
        "kind": "document",
        "title": "Wiring check",
        "occurred_on": "2025-10-01",
        "reflection": "First line\r\n\tindented second line",
    }
    created = client.post(reverse("api-evidence-list"), body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["reflection"] == body["reflection"]

    url = reverse("api-evidence-detail", kwargs={"public_id": created.json()["id"]})
    refused = client.patch(url, {"reflection": "ok\n\x00"}, content_type="application/json")
    assert refused.status_code == 400
    assert "Tabs and line breaks are fine here" in refused.json()["details"]["reflection"][0]
    # A single-line field refuses a line break.
    refused = client.patch(url, {"title": "two\nlines"}, content_type="application/json")
    assert refused.status_code == 400
    assert list(refused.json()["details"]) == ["title"]


@pytest.mark.django_db
def test_a_nested_field_is_named_by_its_path() -> None:
    own, _ = build_world()
    client = Client()
    client.force_login(own.tutor)
    evidence = ROUTES["api-evidence-accept"].kwargs(own)["public_id"]
    body = {"expected_version": 1, "tags": [{"statement": "K1", "accepted": False, "comment": "no\x00"}]}
    response = client.post(
        reverse("api-evidence-accept", kwargs={"public_id": evidence}), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["details"]) == ["tags.0.comment"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["state=%00", "kind=draft%1b", "page=1%00", "search=%00", "ordering=%00x"])
def test_a_query_parameter_with_a_control_character_is_refused(query: str) -> None:
    client, _ = _as_apprentice()
    response = client.get(f"{reverse('api-evidence-list')}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["details"]) == [query.split("=")[0]]


@pytest.mark.django_db
def test_a_path_with_a_control_character_is_not_found_in_the_error_shape() -> None:
    client, own = _as_apprentice()
    # <str:reference> would have passed the NUL to PostgreSQL, which cannot compare text with it.
    response = client.get(f"/api/standards/{own.standard.reference}%00/{own.standard.version}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "details": {}}


@pytest.mark.django_db
def test_a_lone_surrogate_is_refused() -> None:
    client, _ = _as_apprentice()
    response = client.patch(reverse("api-me"), data='{"first_name": "\\ud800"}', content_type="application/json")
    assert response.status_code == 400
    assert "not valid Unicode" in response.json()["details"]["first_name"][0]
