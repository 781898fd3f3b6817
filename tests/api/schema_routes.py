"""The OpenAPI schema's operations tied to the permission registry: real path ids, and who may call each."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.api.permission_registry import ROLES, ROUTES
from tests.factories import World

# Roles of the "own" world that the API fuzz and the text checks sign in as.
SIGNED_IN_ROLES = ("apprentice", "employer", "tutor", "admin")


def user_for(world: World, role: str) -> Any:
    return {"apprentice": world.apprentice, "employer": world.line_manager, "tutor": world.tutor, "admin": world.admin}[
        role
    ]


def schema_path(name: str, kwargs: dict[str, Any]) -> str:
    """The route's path as the schema spells it, e.g. /api/evidence/{public_id}/."""
    path = reverse(name, kwargs=kwargs)
    for key, value in kwargs.items():
        path = path.replace(f"/{value}/", f"/{{{key}}}/")
    return path


def real_path_parameters(world: World) -> dict[str, dict[str, str]]:
    """Schema path -> path parameters naming objects of `world` (made by the registry's route kwargs)."""
    found: dict[str, dict[str, str]] = {}
    for name, spec in ROUTES.items():
        if name.startswith("api-"):
            kwargs = {key: str(value) for key, value in spec.kwargs(world).items()}
            if kwargs:
                found[schema_path(name, kwargs)] = kwargs
    return found


def role_allowed(name: str, method: str) -> str | None:
    """A signed-in role of the own world that the registry says may use this route and method: it succeeds
    (2xx), or failing that is refused only for the object's state (409), never for who it is."""
    statuses = dict(zip(ROLES, ROUTES[name].methods[method][0].split(), strict=True))
    for prefix in ("2", "409"):
        for role in SIGNED_IN_ROLES:
            if statuses[f"{role}_own"].startswith(prefix):
                return role
    return None
