from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portfolio.standards.services import standard_import
from tests.standards.conftest import api_document, plan_text


@pytest.fixture
def reader(client: Client, django_user_model: Any) -> Client:
    client.force_login(django_user_model.objects.create_user("reader@example.org", "pw-x1y2z3w4"))
    return client


@pytest.mark.django_db
def test_catalogue_pages_show_routes_statements_and_rules(reader: Client) -> None:
    standard_import(plan=plan_text("ST1297"), api_document=api_document("ST1297"))

    listing = reader.get("/standards/")
    assert listing.status_code == 200
    assert b"ST1297 v2.0" in listing.content

    page = reader.get("/standards/ST1297/2.0/").content.decode()
    assert "Core assessment outcomes" in page
    assert "Option: Creative venue technician (CVT)" in page
    k11_text = api_document("ST1297")["knowledges"][10]["detail"].strip()
    assert k11_text in page
    assert "Behaviours" in page
    assert "observation" in page.lower()


@pytest.mark.django_db
def test_unknown_standard_page_is_404(reader: Client) -> None:
    assert reader.get("/standards/ST9999/1.0/").status_code == 404


@pytest.mark.django_db
def test_catalogue_pages_need_sign_in(client: Client) -> None:
    response = client.get("/standards/")
    assert response.status_code == 302
    assert "login" in response["Location"]
