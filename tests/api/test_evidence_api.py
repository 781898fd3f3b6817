"""The evidence API: scoping (404 for other organisations on every route), filters, and the shapes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portfolio.evidence.models import Evidence, EvidenceFile
from tests.evidence.registry_fixtures import verified_file_kwargs
from tests.factories import EvidenceFactory, make_route_world

pytestmark = pytest.mark.django_db


def _routes(evidence_id: Any, file_id: Any) -> list[tuple[str, str, dict[str, Any]]]:
    base = f"/api/evidence/{evidence_id}"
    return [
        ("get", f"{base}/", {}),
        ("patch", f"{base}/", {"title": "Mine now"}),
        ("delete", f"{base}/", {}),
        ("post", f"{base}/files/", {"name": "a.pdf", "content_type": "application/pdf", "size": 10}),
        ("post", f"{base}/files/{file_id}/complete/", {}),
        ("get", f"{base}/files/{file_id}/download/", {}),
        ("get", f"{base}/tags/", {}),
        ("put", f"{base}/tags/", {"statements": ["K1"]}),
        ("get", f"/evidence/{evidence_id}/", {}),
        ("get", f"/evidence/{evidence_id}/files/{file_id}/download/", {}),
    ]


@pytest.mark.parametrize("who", ["apprentice", "line_manager", "mentor", "tutor", "assessor", "iqa", "admin"])
def test_people_of_another_organisation_get_404_on_every_evidence_route(client: Client, who: str) -> None:
    own, other = make_route_world(), make_route_world()
    kwargs = verified_file_kwargs(own)
    client.force_login(getattr(other, who))

    for method, url, body in _routes(kwargs["public_id"], kwargs["file_id"]):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 404, f"{method} {url}"
        if url.startswith("/api/"):
            assert response.json() == {"code": "not_found", "message": "Not found.", "details": {}}
    assert Evidence.objects.filter(public_id=kwargs["public_id"], title="Site visit report").exists()
    assert EvidenceFile.objects.filter(public_id=kwargs["file_id"], state="verified").exists()


def test_the_list_is_scoped_paginated_and_filtered(client: Client) -> None:
    own, other = make_route_world(), make_route_world()
    draft = EvidenceFactory.create(apprenticeship=own.apprenticeship, title="Draft", tags=(), files=0, reflection="")
    submitted = EvidenceFactory.create(
        apprenticeship=own.apprenticeship,
        title="Sent",
        state=Evidence.State.SUBMITTED,
        kind=Evidence.Kind.PHOTO,
        files=0,
        reflection="",
    )
    EvidenceFactory.create(apprenticeship=other.apprenticeship, title="Theirs", tags=(), files=0, reflection="")
    client.force_login(own.tutor)

    body = client.get("/api/evidence/").json()
    assert (body["next"], body["previous"]) == (None, None)  # one page: no links (paged by position, no count)
    assert {row["title"] for row in body["results"]} == {"Draft", "Sent"}
    by_state = client.get("/api/evidence/", {"state": "submitted"}).json()["results"]
    assert [row["id"] for row in by_state] == [str(submitted.public_id)]
    by_kind = client.get("/api/evidence/", {"kind": "document"}).json()["results"]
    assert [row["id"] for row in by_kind] == [str(draft.public_id)]
    by_apprenticeship = client.get("/api/evidence/", {"apprenticeship": str(other.apprenticeship.public_id)})
    assert by_apprenticeship.json()["results"] == []
    bad = client.get("/api/evidence/", {"state": "lost"})
    assert (bad.status_code, list(bad.json()["details"])) == (400, ["state"])


def test_create_read_and_tag_through_the_api(client: Client) -> None:
    world = make_route_world()
    client.force_login(world.apprentice)

    created = client.post(
        "/api/evidence/",
        {
            "apprenticeship": str(world.apprenticeship.public_id),
            "kind": "reflective_account",
            "title": "My first get-in",
            "occurred_on": "2025-10-03",
            "reflection": "What went well",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["author_role"], item["state"], item["files"], item["tags"]) == ("apprentice", "draft", [], [])
    tags = client.put(
        f"/api/evidence/{item['id']}/tags/", {"statements": ["S1", "K1"]}, content_type="application/json"
    )
    assert tags.status_code == 200
    assert [tag["code"] for tag in tags.json()["statements"]] == ["K1", "S1"]
    assert (
        client.get(f"/api/evidence/{item['id']}/").json()["tags"][0]["text"] == "Health and safety law in live events"
    )


def test_deleting_submitted_evidence_is_refused_with_what_to_do(client: Client) -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, state=Evidence.State.SUBMITTED, files=0, reflection=""
    )
    client.force_login(world.apprentice)

    response = client.delete(f"/api/evidence/{evidence.public_id}/")

    assert response.status_code == 409
    assert response.json()["code"] == "evidence_was_submitted"
    assert "withdraw it instead" in response.json()["message"]
