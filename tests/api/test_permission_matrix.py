"""The permission matrix, generated from the URL configuration.

Every route Django serves is collected from `get_resolver()`; each must be declared in
tests/api/permission_registry.py (or live in a delegated namespace), so a new endpoint cannot escape the
matrix. Each declared method is then called by each role and must answer the declared status.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.permission_registry import DELEGATED_NAMESPACES, ROLES, ROUTES
from tests.factories import World, build_world


def _walk(patterns: list[Any], namespace: str | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """(qualified URL name or '<unnamed>', full pattern) for every route."""
    found: list[tuple[str, str]] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner_ns = entry.namespace or namespace
            if namespace and entry.namespace:
                inner_ns = f"{namespace}:{entry.namespace}"
            found += _walk(entry.url_patterns, inner_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = entry.name or "<unnamed>"
            name = f"{namespace}:{name}" if namespace else name
            found.append((name, prefix + str(entry.pattern)))
    return found


def _served_routes() -> list[tuple[str, str]]:
    return [
        (name, pattern)
        for name, pattern in _walk(get_resolver().url_patterns)
        if name.split(":")[0] not in DELEGATED_NAMESPACES
    ]


def test_every_route_is_declared_in_the_registry() -> None:
    undeclared = [f"{name} ({pattern})" for name, pattern in _served_routes() if name not in ROUTES]
    assert not undeclared, (
        "These routes have no permission expectations; add them to tests/api/permission_registry.py: "
        + ", ".join(undeclared)
    )


def test_the_registry_names_only_routes_that_exist() -> None:
    served = {name for name, _ in _served_routes()}
    assert set(ROUTES) <= served, f"stale entries: {sorted(set(ROUTES) - served)}"


def test_the_walk_sees_nested_api_routes() -> None:
    # Guards the walker itself: if it stopped descending into include()s, the matrix would shrink silently.
    names = {name for name, _ in _served_routes()}
    assert {"api-apprenticeship-detail", "api-schema", "login"} <= names


def _cases() -> list[Any]:
    cases = []
    for name, spec in ROUTES.items():
        for method, (statuses, _) in spec.methods.items():
            for role, status in zip(ROLES, statuses.split(), strict=True):
                cases.append(pytest.param(name, method, role, int(status), id=f"{name}-{method}-{role}"))
    return cases


def _user_for(role: str, own: World, other: World) -> Any:
    if role == "anonymous":
        return None
    who, side = role.rsplit("_", 1)
    world = own if side == "own" else other
    return {
        "apprentice": world.apprentice,
        "employer": world.line_manager,
        "tutor": world.tutor,
        "admin": world.admin,
    }[who]


@pytest.fixture(scope="module")
def module_worlds(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, World]]:
    """The two worlds, built once for the module's cases (over a thousand) in a transaction that is rolled back
    at its end. Each case runs in its own savepoint inside it, as with Django's TestCase.setUpTestData, so
    whatever one case writes is gone before the next."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        worlds = build_world()
    yield worlds
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def worlds(module_worlds: tuple[World, World]) -> tuple[World, World]:
    # A copy for each case, as setUpTestData gives: a case that changes an instance in memory (force_login sets
    # last_login) leaves the next case's instances as they are in the database.
    return copy.deepcopy(module_worlds)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role", "expected"), _cases())
def test_permission_matrix(
    client: Client, worlds: tuple[World, World], name: str, method: str, role: str, expected: int
) -> None:
    own, other = worlds
    spec = ROUTES[name]
    url = reverse(name, kwargs=spec.kwargs(own))
    user = _user_for(role, own, other)
    if user is not None:
        client.force_login(user)
    _, body = spec.methods[method]
    payload = body(own, other) if body else {}
    if method == "GET":
        response = client.get(url)
    else:
        response = client.generic(method, url, data=json.dumps(payload), content_type="application/json")
    assert response.status_code == expected, (
        f"{method} {url} as {role}: expected {expected}, got {response.status_code}: {response.content[:300]!r}"
    )
