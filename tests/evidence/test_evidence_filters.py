"""The evidence list's filters are defined once (portfolio/evidence/filters.py): `GET /api/evidence/`, the
evidence page and an apprenticeship's evidence page give the same rows for the same `state`, `kind` and
`apprenticeship`, refuse a bad value out loud (the API's 400; a 400 page naming it, with no rows), and take
the same number of queries as before the filters were shared."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship
from tests.factories import ApprenticeshipFactory, EvidenceFactory, World, make_world


@dataclass
class Items:
    world: World
    second: Apprenticeship  # another apprentice of the same provider and employer
    draft: Evidence
    submitted_photo: Evidence
    second_accepted: Evidence
    second_draft_photo: Evidence
    other_provider: Evidence


@pytest.fixture
def items(db: None) -> Items:
    world = make_world()
    second = ApprenticeshipFactory.create(provider=world.provider, employer=world.employer, standard=world.standard)
    other = make_world(standard=world.standard)
    return Items(
        world=world,
        second=second,
        draft=EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), title="Draft notes"),
        submitted_photo=EvidenceFactory.create(
            apprenticeship=world.apprenticeship, state=Evidence.State.SUBMITTED, kind=Evidence.Kind.PHOTO
        ),  # submitted and accepted items are tagged: nothing untagged is submitted
        second_accepted=EvidenceFactory.create(apprenticeship=second, state=Evidence.State.ACCEPTED),
        second_draft_photo=EvidenceFactory.create(apprenticeship=second, tags=(), kind=Evidence.Kind.PHOTO),
        other_provider=EvidenceFactory.create(apprenticeship=other.apprenticeship, tags=()),
    )


def ids(*evidence: Evidence) -> set[str]:
    return {str(item.public_id) for item in evidence}


def api_rows(client: Client, params: dict[str, str]) -> set[str]:
    response = client.get("/api/evidence/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def page_rows(client: Client, url: str, params: dict[str, str]) -> set[str]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return {str(item.public_id) for item in response.context["items"]}


def test_the_api_and_the_pages_give_the_same_rows_for_each_filter(client: Client, items: Items) -> None:
    client.force_login(items.world.tutor)
    first, second = items.world.apprenticeship, items.second
    everyone = ids(items.draft, items.submitted_photo, items.second_accepted, items.second_draft_photo)
    cases = [
        ({}, everyone),
        ({"state": "draft"}, ids(items.draft, items.second_draft_photo)),
        ({"state": "accepted"}, ids(items.second_accepted)),
        ({"kind": "photo"}, ids(items.submitted_photo, items.second_draft_photo)),
        ({"state": "draft", "kind": "photo"}, ids(items.second_draft_photo)),
        ({"apprenticeship": str(second.public_id)}, ids(items.second_accepted, items.second_draft_photo)),
        ({"apprenticeship": str(items.other_provider.apprenticeship.public_id)}, set()),  # not yours: nothing
    ]
    for params, expected in cases:
        assert api_rows(client, params) == expected, params
        assert page_rows(client, "/evidence/", params) == expected, params
    # One apprenticeship's page is the list with that apprenticeship: the same rows as the API given it.
    for apprenticeship in (first, second):
        for params, _ in cases[:5]:
            in_api = api_rows(client, {**params, "apprenticeship": str(apprenticeship.public_id)})
            assert page_rows(client, f"/apprenticeships/{apprenticeship.public_id}/evidence/", params) == in_api


def test_the_apprentices_start_page_link_and_the_form_values_are_accepted(client: Client, items: Items) -> None:
    client.force_login(items.world.apprentice)
    assert page_rows(client, "/evidence/", {"state": "draft"}) == ids(items.draft)  # "Finish your drafts"
    form = re.search(r'<form method="get" class="filters">.*?</form>', client.get("/evidence/").content.decode(), re.S)
    assert form is not None
    selects = dict(re.findall(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', form.group(0), re.S))
    assert set(selects) == {"state", "kind"}
    for name, options in selects.items():
        for value in re.findall(r'<option value="([^"]*)"', options):
            assert page_rows(client, "/evidence/", {name: value}) == api_rows(client, {name: value}), (name, value)


def test_the_form_keeps_a_chosen_apprenticeship(client: Client, items: Items) -> None:
    client.force_login(items.world.tutor)
    page = client.get("/evidence/", {"apprenticeship": str(items.second.public_id)}).content.decode()
    assert f'<input type="hidden" name="apprenticeship" value="{items.second.public_id}">' in page
    assert 'name="apprenticeship"' not in client.get("/evidence/").content.decode()


BAD_VALUES = [
    ({"state": "lost"}, "state", "State: “lost” is not one of the choices: use one of draft, submitted, confirmed"),
    ({"kind": "Photo"}, "kind", "Kind: “Photo” is not one of the choices: use one of document, photo"),
    ({"apprenticeship": "mine"}, "apprenticeship", "Apprenticeship: Enter a valid UUID."),
]


@pytest.mark.parametrize(("params", "name", "message"), BAD_VALUES)
def test_a_bad_value_is_a_400_in_the_api_and_named_on_the_pages(
    client: Client, items: Items, params: dict[str, str], name: str, message: str
) -> None:
    client.force_login(items.world.tutor)
    response = client.get("/api/evidence/", params)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["details"])) == ("invalid", [name])
    assert body["details"][name][0].startswith(message.split(": ", 1)[1])
    for url in ("/evidence/", f"/apprenticeships/{items.world.apprenticeship.public_id}/evidence/"):
        page = client.get(url, params)
        assert page.status_code == 400, url
        text = page.content.decode()
        assert f'<a href="#filter-{name}">{message}' in text, url
        assert "Correct the filters above" in text
        assert items.draft.title not in text  # no rows filtered by only part of the request


def _queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


# Measured on the code before the filters were shared (the page's own filters, the API's serializer): the same.
# The pages read two fewer since: the header's roles in one statement, and the list's file counts with its items. The
# API one fewer since it pages by position: no count.
@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        ("/api/evidence/", {}, 5),
        ("/api/evidence/", {"state": "draft", "kind": "photo"}, 5),
        ("/evidence/", {}, 7),
        ("/evidence/", {"state": "draft", "kind": "photo"}, 7),
        ("apprenticeship", {"state": "submitted"}, 8),
    ],
)
def test_the_queries_per_request_are_what_they_were(
    client: Client, items: Items, url: str, params: dict[str, str], expected: int
) -> None:
    client.force_login(items.world.tutor)
    if url == "apprenticeship":
        url = f"/apprenticeships/{items.world.apprenticeship.public_id}/evidence/"
    assert _queries(client, url, params) == expected


def test_an_apprentice_sees_their_own_apprenticeships_evidence_and_no_one_elses(client: Client, items: Items) -> None:
    """The page reads the items of the apprenticeship it has found for the person (`evidence_list_of`): the same
    rows as the API's, and another apprentice's apprenticeship, of the same provider or another, is not found."""
    own, other = items.world.apprenticeship, items.other_provider.apprenticeship
    for apprenticeship, theirs, not_theirs in ((own, ids(items.draft, items.submitted_photo), (items.second, other)),
                                               (other, ids(items.other_provider), (own, items.second))):  # fmt: skip
        client.force_login(apprenticeship.apprentice)
        url = f"/apprenticeships/{apprenticeship.public_id}/evidence/"
        assert page_rows(client, url, {}) == api_rows(client, {"apprenticeship": str(apprenticeship.public_id)})
        assert page_rows(client, url, {}) == theirs
        for someone_else in not_theirs:
            assert client.get(f"/apprenticeships/{someone_else.public_id}/evidence/").status_code == 404
