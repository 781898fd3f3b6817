"""The cohort's filters are defined once (portfolio/coverage/filters.py): `GET /api/cohort/`, the cohort page and
its CSV give the same rows for the same parameters, accept the same spellings, and refuse a bad value out loud
(a 400 in the API's error shape; a 400 page that names the value and shows no rows), in the same number of
queries as before the filters were shared."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.people.models import Apprenticeship
from tests.factories import (
    ApprenticeshipFactory,
    Catalogue,
    EmployerFactory,
    EvidenceFactory,
    UserFactory,
    World,
    make_catalogue,
    make_world,
)

TRUE_SPELLINGS = ["true", "True", "TRUE", "yes", "Yes", "1", "on", "t", "y"]
FALSE_SPELLINGS = ["false", "False", "no", "NO", "0", "off", "f", "n"]


@dataclass
class Cohort:
    world: World
    catalogue: Catalogue
    ready: Apprenticeship  # Route A, first employer, every route statement covered
    route_b: Apprenticeship  # Route B, second employer ("Harbour Lights"), part covered
    elsewhere: Apprenticeship  # another standard, first employer, nothing covered
    never_computed: Apprenticeship  # no summary row yet: not ready
    other_provider: Apprenticeship


@pytest.fixture
def cohort(db: None) -> Cohort:
    catalogue = make_catalogue(behaviours=())
    other_catalogue = make_catalogue(behaviours=())
    world = make_world(standard=catalogue.standard)
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(option=catalogue.route_a)
    world.apprentice.first_name, world.apprentice.last_name = "Ada", "Lovelace"
    world.apprentice.save()
    harbour = EmployerFactory.create(provider=world.provider, name="Harbour Lights Ltd")
    route_b = ApprenticeshipFactory.create(
        provider=world.provider,
        employer=harbour,
        standard=catalogue.standard,
        option=catalogue.route_b,
        apprentice=UserFactory.create(first_name="Bram", last_name="Stoker"),
    )
    elsewhere = ApprenticeshipFactory.create(
        provider=world.provider,
        employer=world.employer,
        standard=other_catalogue.standard,
        apprentice=UserFactory.create(first_name="Cleo", last_name="Laine"),
    )
    never_computed = ApprenticeshipFactory.create(
        provider=world.provider,
        employer=world.employer,
        standard=catalogue.standard,
        apprentice=UserFactory.create(first_name="Dev", last_name="Patel"),
    )
    other = make_world(standard=catalogue.standard)
    route_a = ("K1", "K2", "K3", "S1", "S2", "S3")
    EvidenceFactory.create(apprenticeship=world.apprenticeship, files=0, tags=route_a, state="accepted")
    EvidenceFactory.create(apprenticeship=route_b, files=0, tags=("K1",), state="accepted")
    EvidenceFactory.create(apprenticeship=other.apprenticeship, files=0, tags=("K1",), state="accepted")
    coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk, route_b.pk, elsewhere.pk, other.apprenticeship.pk])
    world.apprenticeship.refresh_from_db()
    return Cohort(world, catalogue, world.apprenticeship, route_b, elsewhere, never_computed, other.apprenticeship)


def api_rows(client: Client, params: dict[str, str]) -> set[str]:
    response = client.get("/api/cohort/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None  # every row on one page: the sets below are whole
    return {row["id"] for row in body["results"]}


def page_rows(client: Client, params: dict[str, str]) -> set[str]:
    response = client.get("/cohort/", params)
    assert response.status_code == 200, response.content
    shown = set(re.findall(r'<tr data-apprenticeship="([0-9a-f-]+)">', response.content.decode()))
    assert shown == {str(a.public_id) for a in response.context["page"].object_list}
    return shown


def csv_rows(client: Client, params: dict[str, str]) -> set[str]:
    response = client.get("/cohort/", {**params, "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    emails = {row["email"] for row in csv.DictReader(io.StringIO(text))}
    by_email = dict(Apprenticeship.objects.values_list("apprentice__email", "public_id"))
    return {str(by_email[email]) for email in emails}


def ids(*apprenticeships: Apprenticeship) -> set[str]:
    return {str(a.public_id) for a in apprenticeships}


def filter_cases(c: Cohort) -> list[tuple[dict[str, str], set[str]]]:
    everyone = ids(c.ready, c.route_b, c.elsewhere, c.never_computed)
    return [
        ({}, everyone),
        ({"standard": str(c.catalogue.standard.public_id)}, ids(c.ready, c.route_b, c.never_computed)),
        ({"option": str(c.catalogue.route_b.public_id)}, ids(c.route_b)),
        ({"employer": str(c.route_b.employer.public_id)}, ids(c.route_b)),
        ({"employer": str(c.other_provider.employer.public_id)}, set()),  # not yours: nothing, not an error
        ({"ready": "true"}, ids(c.ready)),
        ({"ready": "false"}, ids(c.route_b, c.elsewhere, c.never_computed)),  # never computed is not ready
        ({"q": "lovelace"}, ids(c.ready)),
        ({"q": "Harbour"}, ids(c.route_b)),  # the employer's name
        ({"q": c.elsewhere.apprentice.email.upper()}, ids(c.elsewhere)),  # any case
        ({"q": "  Stoker "}, ids(c.route_b)),  # trimmed, as the page always did
        (
            {"standard": str(c.catalogue.standard.public_id), "ready": "false", "q": "a"},
            ids(c.route_b, c.never_computed),
        ),
    ]


@pytest.mark.parametrize("role", ["tutor", "line_manager"])
def test_the_api_the_page_and_the_csv_give_the_same_rows_for_each_filter(
    client: Client, cohort: Cohort, role: str
) -> None:
    client.force_login(getattr(cohort.world, role))
    for params, expected in filter_cases(cohort):
        if role == "line_manager" and "employer" not in params:
            expected = expected - ids(cohort.route_b)  # the line manager's employer is not Harbour Lights
        if role == "line_manager" and params.get("employer") == str(cohort.route_b.employer.public_id):
            expected = set()
        assert api_rows(client, params) == expected, params
        assert page_rows(client, params) == expected, params
        assert csv_rows(client, params) == expected, params


@pytest.mark.parametrize("spelling", TRUE_SPELLINGS)
def test_ready_accepts_the_spellings_of_yes_in_both(client: Client, cohort: Cohort, spelling: str) -> None:
    client.force_login(cohort.world.tutor)
    assert api_rows(client, {"ready": spelling}) == page_rows(client, {"ready": spelling}) == ids(cohort.ready)


@pytest.mark.parametrize("spelling", FALSE_SPELLINGS)
def test_ready_accepts_the_spellings_of_no_in_both(client: Client, cohort: Cohort, spelling: str) -> None:
    client.force_login(cohort.world.tutor)
    expected = ids(cohort.route_b, cohort.elsewhere, cohort.never_computed)
    assert api_rows(client, {"ready": spelling}) == page_rows(client, {"ready": spelling}) == expected


@pytest.mark.parametrize("spelling", ["", "null", " "])
def test_ready_left_empty_means_either(client: Client, cohort: Cohort, spelling: str) -> None:
    client.force_login(cohort.world.tutor)
    assert api_rows(client, {"ready": spelling}) == page_rows(client, {"ready": spelling}) == api_rows(client, {})


def test_the_page_form_writes_the_documented_spelling_and_shows_the_choice_made(client: Client, cohort: Cohort) -> None:
    client.force_login(cohort.world.tutor)
    page = client.get("/cohort/", {"ready": "yes"}).content.decode()
    ready = re.search(r'<select id="f-ready" name="ready">(.*?)</select>', page)
    assert ready is not None
    assert re.findall(r'<option value="([^"]*)"', ready.group(1)) == ["", "true", "false"]
    assert '<option value="true" selected>Ready</option>' in ready.group(1)  # yes, shown as the form writes it
    page = client.get("/cohort/", {"ready": "0"}).content.decode()
    assert '<option value="false" selected>Not ready</option>' in page


def test_every_value_the_page_form_offers_is_accepted(client: Client, cohort: Cohort) -> None:
    """Each choice of each select on the cohort form, sent alone, is a 200 on the page; the filters (not `sort`,
    the page's own) give the same rows in the API."""
    client.force_login(cohort.world.tutor)
    form = re.search(r'<form method="get" class="filters".*?</form>', client.get("/cohort/").content.decode(), re.S)
    assert form is not None
    selects = dict(re.findall(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', form.group(0), re.S))
    assert set(selects) == {
        "standard", "option", "employer", "ready", "state", "blocked_by", "otj", "review_overdue", "sort",
    }  # fmt: skip
    for name, options in selects.items():
        values = re.findall(r'<option value="([^"]*)"', options)
        assert len(values) > 1, name
        for value in values:
            if name == "sort":
                assert client.get("/cohort/", {name: value}).status_code == 200, value
            else:
                assert page_rows(client, {name: value}) == api_rows(client, {name: value}), (name, value)


def test_the_page_sorts_and_the_api_orders(client: Client, cohort: Cohort) -> None:
    client.force_login(cohort.world.tutor)
    names = [a.apprentice.last_name for a in client.get("/cohort/", {"sort": "name"}).context["page"].object_list]
    assert names == sorted(names)
    highest = [a.public_id for a in client.get("/cohort/", {"sort": "-coverage"}).context["page"].object_list]
    assert highest[0] == cohort.ready.public_id
    assert (
        list(client.get("/cohort/").context["page"].object_list)[-1].public_id == cohort.ready.public_id
    )  # lowest first
    rows = client.get("/api/cohort/").json()["results"]
    assert rows[0]["id"] == str(cohort.ready.public_id)  # highest first unless asked
    rows = client.get("/api/cohort/", {"ordering": "percent"}).json()["results"]
    assert rows[-1]["id"] == str(cohort.ready.public_id)


BAD_VALUES = [
    ({"ready": "maybe"}, "ready", "Ready: “maybe” is neither yes nor no"),
    ({"standard": "ST0792"}, "standard", "Standard: Enter a valid UUID."),
    ({"option": "1"}, "option", "Option: Enter a valid UUID."),
    ({"employer": "acme"}, "employer", "Employer: Enter a valid UUID."),
]


@pytest.mark.parametrize(("params", "name", "message"), BAD_VALUES)
def test_a_bad_value_is_a_400_in_the_api_error_shape(
    client: Client, cohort: Cohort, params: dict[str, str], name: str, message: str
) -> None:
    client.force_login(cohort.world.tutor)
    response = client.get("/api/cohort/", params)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["message"]) == ("invalid", "The request has errors: see details.")
    assert list(body["details"]) == [name]
    assert body["details"][name] == [body["details"][name][0]]
    assert body["details"][name][0].startswith(message.split(": ", 1)[1])  # the page's message, less the label


@pytest.mark.parametrize(("params", "name", "message"), BAD_VALUES)
def test_a_bad_value_is_named_on_the_page_instead_of_the_rows(
    client: Client, cohort: Cohort, params: dict[str, str], name: str, message: str
) -> None:
    client.force_login(cohort.world.tutor)
    for url in ("/cohort/", "/cohort/?format=csv"):
        response = client.get(url, params)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html")  # no CSV of rows filtered by half the request
        page = response.content.decode()
        assert 'class="error-summary"' in page
        assert f'<a href="#f-{name}">{message}' in page
        assert "data-apprenticeship=" not in page
        assert "Correct the filters above" in page


def test_several_bad_values_are_all_named(client: Client, cohort: Cohort) -> None:
    client.force_login(cohort.world.tutor)
    params = {"ready": "perhaps", "sort": "shoe-size", "standard": "x", "q": "Ada"}
    page = client.get("/cohort/", params)
    assert page.status_code == 400
    text = page.content.decode()
    assert "Ready: “perhaps” is neither yes nor no" in text
    assert "Sort by: “shoe-size” is not one of the choices: use one of coverage, -coverage, name" in text
    assert "Standard: Enter a valid UUID." in text
    api = client.get("/api/cohort/", {**params, "ordering": "name"})  # ordering=name: the API orders by percent only
    assert api.status_code == 400
    assert set(api.json()["details"]) == {"ready", "standard", "ordering"}  # `sort` is the page's, not the API's


def test_the_heatmap_names_a_standard_it_cannot_show(client: Client, cohort: Cohort) -> None:
    client.force_login(cohort.world.tutor)
    assert client.get("/cohort/heatmap/", {"standard": str(cohort.catalogue.standard.public_id)}).status_code == 200
    foreign = make_catalogue(behaviours=()).standard  # nobody this tutor can see follows it
    for value in ("not-a-uuid", str(foreign.public_id)):
        response = client.get("/cohort/heatmap/", {"standard": value})
        assert response.status_code == 400, value
        assert "Standard: none of the apprentices you can see follows this one." in response.content.decode()
    upper = str(cohort.catalogue.standard.public_id).upper()  # any spelling of a UUID that the API takes
    assert client.get("/cohort/heatmap/", {"standard": upper}).status_code == 200


def _queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(captured.captured_queries)


# Measured on the code before the filters were shared (the page's own filters, the API's serializer): the same.
# Since then the API and the page read a page's ids in order with the count (one query, not two), then only its
# rows (joined to their people and summaries: not every row of the cohort); the page reads its filter choices in
# one query (not three) and last activity for the rows it shows, the CSV per chunk of 500 rows (one query more,
# instead of aggregating every apprentice's evidence up front). Then each row's next progress review
# (portfolio/progress/selectors.py): 4 more for a page of rows (5 for the API, which reads the rows' dates), 5 for
# the CSV's queryset, whatever the number of rows. Since then a page's rows are read as values with their dates
# and last activity (one query, not three: 4 for the API's reviews), the CSV's with their last activity through
# one cursor (one query fewer); and the person's roles are read once, shared by the role check and the header,
# for the page and the CSV (the API's token has no header). Since then the page's filter choices are read as the
# distinct ids of the cohort's standards, options and employers (no join per apprentice), then those few names: 3
# queries more, each a few rows, where the one join of every apprentice cost most of the page's database time. And
# the person's organisations are read first (one query more, for the API and the page): the scope as lists of ids.
# Since then PostgreSQL writes the CSV's rows in one COPY with their last activity and AO column (one query fewer
# than the cursor's and each chunk's AO rows); since then it reads the rows' ids first (one query more) and writes
# the first CSV_FIRST_CHUNK rows and the rest in a COPY each, with their reviews (these few rows: one COPY).
@pytest.mark.parametrize(
    ("url", "filtered", "expected"),
    [
        ("/api/cohort/", False, 5 + 4 + 1),
        ("/api/cohort/", True, 5 + 4 + 1),
        ("/cohort/", False, 8 + 4 + 3 + 1),
        ("/cohort/", True, 8 + 4 + 3 + 1),
        ("/cohort/?format=csv", False, 4 + 1 + 5 + 1),
        ("/cohort/?format=csv", True, 4 + 1 + 5 + 1),
    ],
)
def test_the_queries_per_request_are_what_they_were(
    client: Client, cohort: Cohort, url: str, filtered: bool, expected: int
) -> None:
    client.force_login(cohort.world.tutor)
    params: dict[str, str] = {}
    if filtered:
        ready = "true" if url.startswith("/api/") else "yes"  # the spelling each accepted before
        params = {"standard": str(cohort.catalogue.standard.public_id), "ready": ready, "q": "a"}
        if not url.startswith("/api/"):
            params["sort"] = "name"
    path, _, query = url.partition("?")
    if query:
        params = {**params, **dict([query.split("=")])}
    if url.startswith("/api/") and "q" in params:
        params.pop("q")  # the API had no search before
    assert _queries(client, path, params) == expected
