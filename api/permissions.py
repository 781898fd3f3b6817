"""Small role permission classes. Compose them (`IsProviderAdmin | IsEmployerContact`); they answer "may this
person use this kind of endpoint at all". Which rows they may touch is the selectors' and services' job."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from portfolio.people.models import Membership, User
from portfolio.people.selectors import user_holds_role, user_is_provider_admin


def _has_role(user: Any, roles: frozenset[str]) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or user_holds_role(user=user, roles=roles)


class IsProviderAdmin(BasePermission):
    """An active provider-admin membership at any provider, or a superuser."""

    message = "Only a training provider's admin can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_is_provider_admin(user=request.user)


class IsProviderStaff(BasePermission):
    """Provider admin, tutor, assessor or IQA somewhere (or a superuser)."""

    message = "Only training provider staff can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _has_role(request.user, Membership.PROVIDER_ROLES)


class IsEmployerContact(BasePermission):
    """Line manager or workplace mentor at an employer (or a superuser)."""

    message = "Only an employer contact can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _has_role(request.user, Membership.EMPLOYER_ROLES)


class IsApprentice(BasePermission):
    """Someone with at least one apprenticeship."""

    message = "Only an apprentice can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(isinstance(user, User) and user.is_active and user.apprenticeships.exists())


class IsSuperuser(BasePermission):
    message = "Only a site administrator can do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(getattr(request.user, "is_superuser", False) and request.user.is_active)


class ReadOnly(BasePermission):
    """Safe methods only: compose as `ReadOnly | IsProviderAdmin` for "everyone reads, admins write"."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS")
