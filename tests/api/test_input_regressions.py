"""Server errors and schema violations the API fuzz (tests/api/test_schema_fuzz.py) and its probes found."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import build_world


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["http://[::1", "https://[zz/hook", "http://example.org:99999/hook"])
def test_a_malformed_webhook_address_is_refused_not_a_server_error(url: str) -> None:
    own, _ = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(own.admin)
    response = client.post(
        reverse("api-webhook-list"),
        {"provider": str(own.provider.public_id), "url": url},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "cannot be read" in response.json()["details"]["url"][0]


@pytest.mark.django_db
def test_a_cohort_row_before_the_first_coverage_compute_has_numbers_not_nulls() -> None:
    own, _ = build_world()
    client = Client()
    client.force_login(own.tutor)
    [row] = client.get(reverse("api-cohort")).json()["results"]
    assert (row["covered"], row["mapped"], row["missing"], row["mandatory_missing"], row["ready"]) == (
        0,
        0,
        [],
        [],
        False,
    )
    assert row["computed_at"] is None


@pytest.mark.django_db
def test_a_deeply_nested_body_is_a_parse_error() -> None:
    own, _ = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(own.apprentice)
    response = client.patch(reverse("api-me"), "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
