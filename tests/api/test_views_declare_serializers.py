"""Every API view declares its serializer: DRF's OPTIONS answer (the metadata) builds its description from
`get_serializer()`, which fails with a server error on a view without `serializer_class`. And a browser's
Accept header gets JSON (or 406), never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.generics import GenericAPIView

from tests.api.permission_registry import ROUTES
from tests.factories import build_world


def _api_views() -> list[tuple[str, Any]]:
    [api] = [entry for entry in get_resolver().url_patterns if str(entry.pattern) == "api/"]
    assert isinstance(api, URLResolver)
    return [
        (str(entry.name), getattr(entry.callback, "cls"))  # noqa: B009 - set by as_view() on DRF views only
        for entry in api.url_patterns
        if isinstance(entry, URLPattern) and hasattr(entry.callback, "cls")
    ]


@pytest.mark.parametrize(("name", "view"), _api_views(), ids=[name for name, _ in _api_views()])
def test_every_generic_api_view_has_a_serializer_class(name: str, view: Any) -> None:
    if not issubclass(view, GenericAPIView) or name in ("api-schema", "api-docs"):
        return
    assert view.serializer_class is not None, f"{view.__name__} ({name}) declares no serializer_class"


API_ROUTES = [name for name in ROUTES if name.startswith("api-") and name not in ("api-schema", "api-docs")]


@pytest.mark.django_db
@pytest.mark.parametrize("name", API_ROUTES)
def test_options_and_a_browser_accept_header_answer_without_a_server_error(name: str) -> None:
    own, _ = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(own.admin)
    url = reverse(name, kwargs=ROUTES[name].kwargs(own))
    assert client.options(url).status_code < 500
    for method in ROUTES[name].methods:
        if method == "GET":
            assert client.get(url, HTTP_ACCEPT="text/html").status_code < 500
