from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from portfolio.standards.models import Standard
from portfolio.standards.services import standard_import
from tests.standards.conftest import api_document, plan_text


@pytest.fixture
def st1297(db: None) -> Standard | None:
    return standard_import(plan=plan_text("ST1297"), api_document=api_document("ST1297")).standard


@pytest.fixture
def signed_in(django_user_model: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("reader@example.org", "pw-x1y2z3w4"))
    return client


def test_list_and_detail(st1297, signed_in: APIClient) -> None:
    listing = signed_in.get("/api/standards/").json()
    assert listing["count"] == 1
    summary = listing["results"][0]
    assert (summary["reference"], summary["version"], summary["option_count"]) == ("ST1297", "2.0", 3)

    detail = signed_in.get("/api/standards/ST1297/2.0/").json()
    assert {o["code"] for o in detail["options"]} == {"CVT", "LET", "SLT"}
    ao5 = next(a for a in detail["outcomes"] if a["code"] == "AO5")
    assert ao5["option"]["code"] == "CVT"
    assert ao5["statements"][:2] == ["K26", "K27"]
    k11 = next(s for s in detail["statements"] if s["code"] == "K11")
    assert k11["functional_skills"] is True
    assert k11["mandatory"] is True
    assert k11["text"] == api_document("ST1297")["knowledges"][10]["detail"].strip()


def test_unknown_version_is_a_404_with_the_error_shape(st1297, signed_in: APIClient) -> None:
    response = signed_in.get("/api/standards/ST1297/9.9/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "details": {}}


@pytest.mark.django_db
def test_anonymous_users_are_refused() -> None:
    assert APIClient().get("/api/standards/").status_code in {401, 403}
