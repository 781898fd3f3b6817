from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.permissions import _has_role
from portfolio.reviews.roles import PROVIDER_REVIEWER_ROLES


class IsProviderReviewer(BasePermission):
    """An assessor or tutor at some provider (or a superuser): the people who accept evidence."""

    message = "Only an assessor or tutor can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _has_role(request.user, frozenset(PROVIDER_REVIEWER_ROLES))
