"""Evidence pages: the form, the detail with its upload widget, the tag picker, downloads."""

from __future__ import annotations

import pytest
from django.test import Client

from portfolio.evidence.models import Evidence
from tests.evidence.registry_fixtures import verified_file_kwargs
from tests.factories import OTHER_OPTION, EvidenceFactory, make_route_world

pytestmark = pytest.mark.django_db


def test_an_apprentice_creates_evidence_and_sees_the_upload_widget(client: Client) -> None:
    world = make_route_world()
    client.force_login(world.apprentice)
    url = f"/apprenticeships/{world.apprenticeship.public_id}/evidence/new/"
    assert 'for="id_title"' in client.get(url).content.decode()

    response = client.post(
        url, {"title": "Risk assessment", "kind": "document", "occurred_on": "2025-10-04", "reflection": "x"}
    )

    evidence = Evidence.objects.get(title="Risk assessment")
    assert response.status_code == 302
    assert response["Location"] == f"/evidence/{evidence.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert f'data-slot-url="/api/evidence/{evidence.public_id}/files/"' in page
    assert "js/evidence-upload.js" in page
    assert 'type="file" multiple' in page


def test_the_form_says_what_is_wrong(client: Client) -> None:
    world = make_route_world()
    client.force_login(world.line_manager)
    url = f"/apprenticeships/{world.apprenticeship.public_id}/evidence/new/"

    page = client.get(url).content.decode()
    assert 'value="witness_testimony"' in page
    assert 'value="document"' not in page  # employer contacts add testimony and observations only
    response = client.post(url, {"title": "", "kind": "witness_testimony", "occurred_on": "2999-01-01"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_the_tag_picker_groups_core_and_option_and_explains_refusals(client: Client) -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    client.force_login(world.apprentice)
    url = f"/evidence/{evidence.public_id}/tags/"

    page = client.get(url).content.decode()
    assert "<h2>Core</h2>" in page
    assert f"<h2>Option: {OTHER_OPTION}</h2>" in page
    assert "AO1: Plans safe productions" in page
    assert "K27" not in page  # another option's statement
    assert "B1" not in page  # a behaviour
    assert 'type="search"' in page

    refused = client.post(url, {"statements": ["K1", "K27"]})
    assert refused.status_code == 400
    assert "K27 belongs to option" in refused.content.decode()

    saved = client.post(url, {"statements": ["K1", "S1"]})
    assert saved.status_code == 302
    assert sorted(evidence.tags.values_list("statement__code", flat=True)) == ["K1", "S1"]


def test_others_see_the_list_and_download_verified_files(client: Client) -> None:
    world = make_route_world()
    kwargs = verified_file_kwargs(world)
    client.force_login(world.mentor)

    listing = client.get(f"/apprenticeships/{world.apprenticeship.public_id}/evidence/").content.decode()
    assert "Site visit report" in listing
    detail = client.get(f"/evidence/{kwargs['public_id']}/").content.decode()
    assert "data-upload" not in detail  # not the author: no upload widget
    download = client.get(f"/evidence/{kwargs['public_id']}/files/{kwargs['file_id']}/download/")
    assert download.status_code == 302
    assert "X-Amz-Signature" in download["Location"]
    assert "response-content-disposition=attachment" in download["Location"]
