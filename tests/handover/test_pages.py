"""The hand-over pages, as each side uses them: the provider grants and exports, the AO reads and checks."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.exports.models import PortfolioExport
from portfolio.exports.services import export_build
from portfolio.handover.models import PortfolioGrant
from portfolio.people.models import Membership, Organisation
from portfolio.people.services.organisations import organisation_create
from portfolio.storage import get_store
from tests.exports.test_export import _portfolio
from tests.factories import MembershipFactory, World, make_catalogue, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world(standard=make_catalogue().standard)


def _ao_with_assessor(world: World) -> tuple[Organisation, Any]:
    ao = organisation_create(
        actor=world.admin, kind=Organisation.Kind.ASSESSMENT_ORGANISATION, name="Assess Ltd", provider=world.provider
    )
    return ao, MembershipFactory.create(organisation=ao, role=Membership.Role.END_POINT_ASSESSOR).user


def test_the_provider_grants_access_and_the_assessor_reads_downloads_and_loses_it_on_revocation(
    world: World, client: Client
) -> None:
    items = _portfolio(world)
    ao, epa = _ao_with_assessor(world)
    page = reverse("handover-page", kwargs={"public_id": world.apprenticeship.public_id})
    client.force_login(world.assessor)
    assert "Assess Ltd" in client.get(page).content.decode()
    today = timezone.localdate()
    refused = client.post(
        page,
        {"action": "grant", "organisation": str(ao.pk), "starts_on": today, "expires_on": today - timedelta(days=1)},
    )
    assert refused.status_code == 400
    assert "The access must end after it starts." in refused.content.decode()
    assert not PortfolioGrant.objects.exists()  # nothing granted on a bad form
    granted = client.post(
        page, {"action": "grant", "organisation": str(ao.pk), "starts_on": today, "expires_on": today + timedelta(30)}
    )
    assert granted.status_code == 302
    grant = PortfolioGrant.objects.get()

    ao_client = Client()
    ao_client.force_login(epa)
    start = ao_client.get("/").content.decode()
    portfolio_url = reverse("assessment-portfolio-page", kwargs={"public_id": world.apprenticeship.public_id})
    assert portfolio_url in start  # from the start page, without knowing a URL
    body = ao_client.get(portfolio_url).content.decode()
    assert items[0].title in body
    file = items[0].files.order_by("id").first()
    assert file is not None
    download = ao_client.get(
        reverse(
            "assessment-file-download",
            kwargs={"public_id": world.apprenticeship.public_id, "file_id": file.public_id},
        )
    )
    assert download.status_code == 302
    assert download["Location"].startswith("http")
    # Anything else of the provider's stays out of reach.
    assert (
        ao_client.get(reverse("progress-page", kwargs={"public_id": world.apprenticeship.public_id})).status_code == 404
    )
    assert ao_client.get(page).status_code == 404

    log = client.get(page).content.decode()
    assert "Opened the portfolio" in log
    assert f"Downloaded {file.original_name}" in log
    client.post(page, {"action": "revoke", "grant": str(grant.public_id)})
    assert ao_client.get(portfolio_url).status_code == 404
    assert "Revoked" in client.get(page).content.decode()
    assert AuditEntry.objects.filter(action="handover.revoke").count() == 1


def test_the_assessor_builds_and_downloads_an_export_and_checks_it(world: World, client: Client) -> None:
    _portfolio(world)
    ao, epa = _ao_with_assessor(world)
    PortfolioGrant.objects.create(
        apprenticeship=world.apprenticeship,
        organisation=ao,
        granted_by=world.admin,
        starts_at=timezone.now() - timedelta(days=1),
        expires_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(epa)
    portfolio_url = reverse("assessment-portfolio-page", kwargs={"public_id": world.apprenticeship.public_id})
    assert client.post(portfolio_url).status_code == 302
    export = PortfolioExport.objects.get()
    progress = client.get(reverse("export-progress", kwargs={"public_id": export.public_id}))
    assert "Export being built" in progress.content.decode()
    export_build(export_id=export.pk)
    assert "Download the export" in client.get(portfolio_url).content.decode()
    download = client.get(reverse("export-download", kwargs={"public_id": export.public_id}))
    assert download.status_code == 302
    assert AuditEntry.objects.filter(action="handover.export").count() == 1
    export.refresh_from_db()
    data = b"".join(get_store().stream(export.object_key))

    verify = reverse("verify-export-page")
    intact = client.post(verify, {"file": _upload("portfolio.zip", data)})
    assert "portfolio.zip is intact" in intact.content.decode()
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            if info.filename != "index.html":
                target.writestr(info.filename, source.read(info))
    answer = client.post(verify, {"file": _upload("broken.zip", broken.getvalue())}).content.decode()
    assert "broken.zip differs in 1 place" in answer
    assert "index.html: listed in the manifest but missing from the ZIP" in answer
    assert client.post(verify, {}).status_code == 400

    PortfolioGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("export-download", kwargs={"public_id": export.public_id})).status_code == 404


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/zip")
