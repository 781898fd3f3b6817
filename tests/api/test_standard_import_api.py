"""POST /api/standards/imports/ and the import page: provider admins only, reports errors, writes nothing on error."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from portfolio.audit.models import AuditEntry
from portfolio.standards.models import Standard
from portfolio.standards.services import standard_import
from tests.factories import ApprenticeshipFactory, EvidenceFactory, build_world
from tests.standards.conftest import DATA, PLAN_FILES, api_document, plan_text


def upload(reference: str, content: bytes | None = None) -> dict[str, Any]:
    return {
        "plan": SimpleUploadedFile(PLAN_FILES[reference].name, content or PLAN_FILES[reference].read_bytes()),
        "api_document": SimpleUploadedFile(f"{reference}.json", (DATA / "api" / f"{reference}.json").read_bytes()),
    }


@pytest.fixture
def admin_client(db: None) -> APIClient:
    own, _ = build_world()
    client = APIClient()
    client.force_authenticate(own.admin)
    return client


def test_provider_admin_previews_then_imports_a_plan(admin_client: APIClient) -> None:
    preview = admin_client.post("/api/standards/imports/", {**upload("ST0792"), "dry_run": True}, format="multipart")
    assert preview.status_code == 200, preview.json()
    assert preview.json()["status"] == "preview"
    assert [ao["code"] for ao in preview.json()["report"]["aos"]][-2:] == ["AO6A", "AO6B"]
    assert not Standard.objects.filter(reference="ST0792").exists()

    created = admin_client.post("/api/standards/imports/", upload("ST0792"), format="multipart")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "created"
    assert body["standard"]["reference"] == "ST0792"
    assert body["standard"]["option_count"] == 2
    assert AuditEntry.objects.filter(action="standard.imported").count() == 1

    again = admin_client.post("/api/standards/imports/", upload("ST0792"), format="multipart")
    assert again.status_code == 200
    assert again.json()["status"] == "unchanged"


def test_a_plan_with_errors_is_a_400_listing_each_error_and_nothing_is_written(admin_client: APIClient) -> None:
    garbled = plan_text("ST0792").replace("K1", "K1O", 1).encode()
    response = admin_client.post("/api/standards/imports/", upload("ST0792", garbled), format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_plan"
    assert body["details"]["errors"], body
    assert all({"line", "message", "excerpt"} <= set(e) for e in body["details"]["errors"])
    assert Standard.objects.filter(reference="ST0792").count() == 0


def test_an_unreadable_api_document_is_a_400_naming_the_field(admin_client: APIClient) -> None:
    files = {"plan": upload("ST0792")["plan"], "api_document": SimpleUploadedFile("api.json", b"{oops")}
    response = admin_client.post("/api/standards/imports/", files, format="multipart")
    assert response.status_code == 400
    assert "api_document" in response.json()["details"]
    assert "not valid JSON" in response.json()["details"]["api_document"][0]


def test_a_missing_plan_is_a_400(admin_client: APIClient) -> None:
    response = admin_client.post("/api/standards/imports/", {"dry_run": True}, format="multipart")
    assert response.status_code == 400
    assert "plan" in response.json()["details"]


def test_replace_is_refused_when_an_apprenticeship_uses_an_option_that_would_disappear(
    admin_client: APIClient,
) -> None:
    standard_import(plan=plan_text("ST1483"), api_document=api_document("ST1483"))
    standard = Standard.objects.get(reference="ST1483")
    live = standard.options.get(title__startswith="Live performance")
    world, _ = build_world()
    ApprenticeshipFactory.create(provider=world.provider, employer=world.employer, standard=standard, option=live)
    # The new document drops option 3 from the list and its AOs from the table.
    text = plan_text("ST1483")
    without_option_3 = text[: text.index("<p>Option 3:")] + text[text.index("Assessment requirements") :]
    without_option_3 = without_option_3.replace("- Option 3: Live performance production manager\n", "")

    response = admin_client.post(
        "/api/standards/imports/",
        {**upload("ST1483", without_option_3.encode()), "replace": True},
        format="multipart",
    )

    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "import_refused"
    assert any("Live performance production manager" in item for item in body["details"]["in_use"])
    assert standard.options.filter(pk=live.pk).exists()
    assert standard.outcomes.filter(code="AO10").exists()


@pytest.mark.django_db
def test_import_page_shows_the_report_for_a_provider_admin(client: Client) -> None:
    own, _ = build_world()
    client.force_login(own.admin)
    assert client.get("/standards/import/").status_code == 200

    response = client.post("/standards/import/", {**upload("ST1297"), "dry_run": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview only" in page
    assert "AO10" in page
    assert not Standard.objects.filter(reference="ST1297").exists()

    broken = client.post("/standards/import/", {"plan": SimpleUploadedFile("empty.txt", b"")})
    assert broken.status_code == 400


@pytest.mark.django_db
def test_import_page_is_refused_to_other_roles(client: Client) -> None:
    own, _ = build_world()
    for user in (own.apprentice, own.line_manager, own.tutor):
        client.force_login(user)
        assert client.get("/standards/import/").status_code == 403
        assert client.post("/standards/import/", {"plan": BytesIO(b"x")}).status_code == 403


def test_replace_is_refused_when_evidence_is_tagged_to_a_statement_that_would_disappear(
    admin_client: APIClient,
) -> None:

    standard_import(plan=plan_text("ST1483"), api_document=api_document("ST1483"))
    standard = Standard.objects.get(reference="ST1483")
    world, _ = build_world()
    apprenticeship = ApprenticeshipFactory.create(
        provider=world.provider, employer=world.employer, standard=standard,
        option=standard.options.get(title__startswith="Junior production manager"),
    )  # fmt: skip
    EvidenceFactory.create(apprenticeship=apprenticeship, tags=("K16",))
    # The corrected plan drops K16 from AO6 (the only AO mapping it), so K16 would leave the catalogue.
    corrected = plan_text("ST1483").replace("K16, K17, K18, K19 S15", "K17, K18, K19 S15")
    assert corrected != plan_text("ST1483")

    response = admin_client.post(
        "/api/standards/imports/", {**upload("ST1483", corrected.encode()), "replace": True}, format="multipart"
    )

    assert response.status_code == 409, response.json()
    assert any(item.startswith("statement K16") for item in response.json()["details"]["in_use"])
    assert standard.statements.filter(code="K16").exists()
