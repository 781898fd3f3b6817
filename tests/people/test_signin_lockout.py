"""Lockout after repeated failures, per account and per client address, counted in the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from portfolio.people.models import SignInFailure
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.SIGNIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.SIGNIN_MAX_FAILURES_PER_IP = 5


def _token(client: Client, email: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post(
        reverse("api-auth-token"),
        {"email": email, "password": password},
        REMOTE_ADDR=ip,
        content_type="application/json",
    )


def _login(client: Client, email: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_token_endpoint_locks_an_account_after_repeated_failures(client: Client) -> None:
    user = UserFactory.create()
    assert _token(client, user.email, PASSWORD).status_code == 200
    for _ in range(2):
        assert _token(client, user.email, "wrong", ip="198.51.100.1").status_code == 400
    # The failure that reaches the limit already says so.
    assert _token(client, user.email, "wrong", ip="198.51.100.1").status_code == 429
    assert SignInFailure.objects.filter(email=user.email).count() == 3

    locked = _token(client, user.email, PASSWORD)  # right password, other address: still refused

    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "Too many failed sign-in attempts" in locked.json()["message"]


def test_token_endpoint_locks_an_address_guessing_many_accounts(client: Client) -> None:
    victim = UserFactory.create()
    for number in range(4):
        assert _token(client, f"guess{number}@example.org", "wrong").status_code == 400
    assert _token(client, "guess5@example.org", "wrong").status_code == 429
    assert _token(client, victim.email, PASSWORD).status_code == 429
    assert _token(client, victim.email, PASSWORD, ip="192.0.2.44").status_code == 200


def test_a_success_clears_the_account_count(client: Client) -> None:
    user = UserFactory.create()
    for _ in range(2):
        _token(client, user.email, "wrong")
    assert _token(client, user.email, PASSWORD).status_code == 200
    for _ in range(2):
        _token(client, user.email, "wrong")
    assert _token(client, user.email, PASSWORD).status_code == 200


def test_login_page_locks_out_and_says_so(client: Client) -> None:
    user = UserFactory.create()
    for _ in range(2):
        response = _login(client, user.email, "wrong")
        assert response.status_code == 200
        assert b"do not match an active account" in response.content
    _login(client, user.email, "wrong")

    response = _login(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_login_page_signs_in_with_email_and_password(client: Client) -> None:
    user = UserFactory.create(email="Case.Person@example.org")
    response = _login(client, "CASE.person@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failures_on_the_page_and_the_api_share_one_count(client: Client) -> None:
    user = UserFactory.create()
    _login(client, user.email, "wrong")
    _token(client, user.email, "wrong")
    _login(client, user.email, "wrong")
    assert _token(client, user.email, PASSWORD).status_code == 429


def test_the_address_comes_from_the_trusted_proxy_hop(client: Client, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory.create()
    client.post(
        reverse("api-auth-token"),
        {"email": user.email, "password": "wrong"},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    assert SignInFailure.objects.get(email=user.email).ip == "203.0.113.9"


def test_the_login_page_counts_failures_by_the_clients_address(client: Client) -> None:
    user = UserFactory.create()
    _login(client, user.email, "wrong", ip="198.51.100.62")
    assert SignInFailure.objects.get(email=user.email).ip == "198.51.100.62"
