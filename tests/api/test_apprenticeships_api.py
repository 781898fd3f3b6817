from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portfolio.audit.models import AuditEntry
from tests.factories import ApprenticeshipFactory, StandardFactory, build_world

pytestmark = pytest.mark.django_db
URL = "/api/apprenticeships/"


def _ids(response: Any) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


def test_the_list_is_paginated_and_scoped(client: Client) -> None:
    own, other = build_world()
    client.force_login(own.admin)
    body = client.get(URL).json()
    assert body["count"] == 1
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["results"][0]["id"] == str(own.apprenticeship.public_id)
    assert str(other.apprenticeship.public_id) not in str(body)


def test_filters(client: Client) -> None:
    own, _ = build_world()
    plain = StandardFactory.create()
    second = ApprenticeshipFactory.create(
        provider=own.provider, employer=own.employer, standard=plain, status="break_in_learning"
    )
    client.force_login(own.tutor)
    first, second_id = str(own.apprenticeship.public_id), str(second.public_id)
    assert own.apprenticeship.option is not None
    assert _ids(client.get(URL, {"standard": str(plain.public_id)})) == {second_id}
    assert _ids(client.get(URL, {"option": str(own.apprenticeship.option.public_id)})) == {first}
    assert _ids(client.get(URL, {"status": "break_in_learning"})) == {second_id}
    assert _ids(client.get(URL, {"provider": str(own.provider.public_id)})) == {first, second_id}
    assert _ids(client.get(URL, {"employer": str(own.employer.public_id)})) == {first, second_id}
    bad = client.get(URL, {"status": "asleep", "provider": "nope"})
    assert bad.status_code == 400
    assert set(bad.json()["details"]) == {"status", "provider"}


def test_create_reports_a_foreign_option_as_a_field_error(client: Client) -> None:
    own, _ = build_world()
    foreign = StandardFactory.create(options=("Elsewhere",)).options.get()
    client.force_login(own.admin)
    response = client.post(
        URL,
        {
            "provider": str(own.provider.public_id),
            "employer": str(own.employer.public_id),
            "apprentice_email": "a@example.org",
            "standard": str(own.standard.public_id),
            "option": str(foreign.public_id),
            "start_date": "2025-09-01",
            "planned_end_date": "2027-06-30",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "option of another standard" in body["details"]["option"][0]


def test_a_404_body_does_not_say_whether_the_row_exists(client: Client) -> None:
    own, other = build_world()
    client.force_login(other.admin)
    hidden = client.get(f"{URL}{own.apprenticeship.public_id}/")
    missing = client.get(f"{URL}00000000-0000-0000-0000-000000000000/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"code": "not_found", "message": "Not found.", "details": {}}


def test_patch_writes_the_audit_log_with_the_request_origin(client: Client) -> None:
    own, _ = build_world()
    client.force_login(own.admin)
    response = client.patch(
        f"{URL}{own.apprenticeship.public_id}/",
        {"tutor": str(own.tutor.public_id)},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.20",
        HTTP_USER_AGENT="portfolio-test",
    )
    assert response.status_code == 200
    assert response.json()["tutor"]["id"] == str(own.tutor.public_id)
    entry = AuditEntry.objects.get(action="apprenticeship.update")
    assert (entry.ip, entry.user_agent, entry.actor) == ("198.51.100.20", "portfolio-test", own.admin)


def test_token_authentication(client: Client) -> None:
    own, _ = build_world()
    token = client.post(
        "/api/auth/token/",
        {"email": own.apprentice.email, "password": "correct-horse-battery-staple"},
        content_type="application/json",
    ).json()["token"]
    me = Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["email"] == own.apprentice.email
    anonymous = Client().get("/api/me/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
