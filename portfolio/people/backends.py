from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from portfolio.core.client import client_ip
from portfolio.core.compiled import CompiledQuery
from portfolio.people.services.signin import signin_failure_record, signin_is_locked, signin_success_record


def _user(pk: Any) -> QuerySet[Any]:
    # What ModelBackend's `get(pk=user_id)` reads (get() drops the model's ordering).
    return get_user_model()._default_manager.filter(pk=pk).order_by()


# Every signed-in request reads its user: compiled once per process (portfolio/core/compiled.py), since building
# the ORM's get() cost more CPU than the database spends answering it. The id is prepared as the primary key
# prepares it (a session keeps it as text).
_USER = CompiledQuery(_user, fields={"pk": get_user_model()._meta.pk}, pk=-7_300_000_001)


class LockoutAwareBackend(ModelBackend):
    """Email + password, refused while the account or the client address is locked out.

    Every call of `authenticate()` comes through here, whichever page or endpoint made it, so failures are
    counted in one place. The client address comes from the request when Django passes one (the admin
    login), else from the `ip` credential the domain's services pass.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        email = username or kwargs.get("email") or ""
        if not email or password is None:
            return None
        given_ip = kwargs.pop("ip", None)
        ip = client_ip(request) if request is not None else given_ip
        if signin_is_locked(email=email, ip=ip):
            # PermissionDenied stops Django trying any other backend: a locked account stays locked.
            raise PermissionDenied("locked out")
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            signin_failure_record(email=email, ip=ip)
        else:
            signin_success_record(email=email)
        return user

    def get_user(self, user_id: Any) -> Any:
        """ModelBackend's: the active user with that id, else None."""
        found = _USER.objects(pk=user_id)
        if not found:
            return None
        user: Any = found[0]
        return user if self.user_can_authenticate(user) else None
