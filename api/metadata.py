"""DRF's OPTIONS answer for the API (its own module: DRF imports it while rest_framework.views loads)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, metadata
from rest_framework.request import clone_request


class Metadata(metadata.SimpleMetadata):
    """OPTIONS: the fields POST and PUT accept, for callers the view's permission classes let in.

    DRF's version also calls `get_object()` for PUT; our views find their object through a scoped selector
    instead (a missing or hidden one is a 404 from the selector), so there is no `get_object()` to call.
    """

    def determine_actions(self, request: Any, view: Any) -> dict[str, Any]:
        actions = {}
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
            except (exceptions.APIException, PermissionDenied, Http404):
                continue
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions
