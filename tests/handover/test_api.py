"""The hand-over through the API: an assessment organisation's user reads only what is granted, while it lasts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.exports.models import PortfolioExport
from portfolio.exports.services import export_build
from portfolio.handover.models import PortfolioGrant
from portfolio.people.models import Membership, Organisation
from portfolio.people.services.organisations import organisation_create
from tests.exports.test_export import _portfolio
from tests.factories import MembershipFactory, make_catalogue, make_world

pytestmark = pytest.mark.django_db


def test_an_assessment_organisation_reads_and_exports_through_the_api_only_while_granted(client: Client) -> None:
    world = make_world(standard=make_catalogue().standard)
    items = _portfolio(world)
    ao = organisation_create(
        actor=world.admin, kind=Organisation.Kind.ASSESSMENT_ORGANISATION, name="AO", provider=world.provider
    )
    epa = MembershipFactory.create(organisation=ao, role=Membership.Role.END_POINT_ASSESSOR).user
    detail = f"/api/assessment/portfolios/{world.apprenticeship.public_id}/"
    client.force_login(epa)
    assert client.get(detail).status_code == 404
    assert client.get("/api/assessment/portfolios/").json()["results"] == []

    staff = Client()
    staff.force_login(world.assessor)
    starts = timezone.now() + timedelta(hours=1)
    created = staff.post(
        f"/api/apprenticeships/{world.apprenticeship.public_id}/grants/",
        {"organisation": str(ao.public_id), "starts_at": starts.isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert client.get(detail).status_code == 404  # not started yet
    PortfolioGrant.objects.update(starts_at=timezone.now() - timedelta(minutes=1))

    body = client.get(detail).json()
    assert [e["title"] for e in body["evidence"]] == [item.title for item in items]
    assert [p["apprenticeship"] for p in client.get("/api/assessment/portfolios/").json()["results"]] == [
        str(world.apprenticeship.public_id)
    ]
    export = client.post(f"/api/apprenticeships/{world.apprenticeship.public_id}/exports/")
    assert export.status_code == 202
    export_build(export_id=PortfolioExport.objects.get().pk)
    state = client.get(f"/api/exports/{export.json()['id']}/").json()
    assert (state["state"], state["percent"]) == ("ready", 100)
    link = client.post(f"/api/exports/{export.json()['id']}/download/")
    assert link.json()["url"].startswith("http")
    assert set(AuditEntry.objects.filter(action__startswith="handover.").values_list("action", flat=True)) == {
        "handover.grant",
        "handover.view",
        "handover.export",
    }

    grant = PortfolioGrant.objects.get()
    assert staff.post(f"/api/grants/{grant.public_id}/revoke/").status_code == 200
    assert client.get(detail).status_code == 404
    assert client.get(f"/api/exports/{export.json()['id']}/").status_code == 404
    assert client.post(f"/api/apprenticeships/{world.apprenticeship.public_id}/exports/").status_code == 404
