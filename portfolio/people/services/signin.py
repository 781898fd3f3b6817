"""Sign-in with lockout: after repeated failures an account, or a client address, is refused for a while."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone

from portfolio.people.models import SignInFailure, User
from portfolio.people.models.users import normalise_email


class SignInLocked(Exception):
    def __init__(self) -> None:
        super().__init__(
            f"Too many failed sign-in attempts. Wait {settings.SIGNIN_LOCKOUT_MINUTES} minutes and try "
            "again, or reset your password."
        )


class InvalidCredentials(Exception):
    def __init__(self) -> None:
        super().__init__("That email and password do not match an active account.")


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)


def signin_is_locked(*, email: str, ip: str | None) -> bool:
    # Counted whether or not the account exists, so the answer does not reveal which addresses have one.
    recent = SignInFailure.objects.filter(at__gte=_window_start())
    if recent.filter(email=normalise_email(email)).count() >= settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT:
        return True
    return ip is not None and recent.filter(ip=ip).count() >= settings.SIGNIN_MAX_FAILURES_PER_IP


def signin_failure_record(*, email: str, ip: str | None) -> None:
    SignInFailure.objects.filter(at__lt=_window_start()).delete()  # keep the table small
    SignInFailure.objects.create(email=normalise_email(email)[:254], ip=ip)


def signin_success_record(*, email: str) -> None:
    # Only the account's count is cleared: one valid account must not reset an address that is guessing
    # at many others.
    SignInFailure.objects.filter(email=normalise_email(email)).delete()


def user_authenticate(*, email: str, password: str, ip: str | None) -> User:
    """The one sign-in check for the login page and the API token endpoint; `ip` is the client address
    (`portfolio.core.client.client_ip`), None when there is none.

    The counting itself happens in the authentication backend, so every path through
    `django.contrib.auth.authenticate` (the admin login too) is covered.
    """
    if signin_is_locked(email=email, ip=ip):
        raise SignInLocked()
    user = authenticate(None, username=email, password=password, ip=ip)
    if user is None:
        if signin_is_locked(email=email, ip=ip):
            raise SignInLocked()
        raise InvalidCredentials()
    assert isinstance(user, User)  # noqa: S101 - AUTH_USER_MODEL is User; narrows the type for callers
    return user
