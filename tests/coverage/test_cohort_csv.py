"""The cohort CSV written by PostgreSQL (COPY) is, byte for byte, what the csv module writes from the same rows
(portfolio/coverage/cohort_csv.py): every formatting rule is in both, and the awkward values of each are here."""

from __future__ import annotations

import csv
import datetime
import io
import random
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from psycopg import pq

from portfolio.coverage import cohort_csv
from portfolio.coverage.cohort_csv import _NAME, _decimal, _safe, _whole, fixed_values, spreadsheet_safe
from portfolio.coverage.models import AOCoverage, CoverageSummary
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.coverage.selectors import cohort_list_for_user
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, Organisation, User, display_name
from tests.factories import ApprenticeshipFactory, EvidenceFactory, StandardFactory, make_catalogue, make_world

pytestmark = pytest.mark.django_db

# Names as people type them (or paste them): spaces and other whitespace at either end, a formula's first
# characters, the CSV's delimiter, quotes and line breaks, nothing at all (the email address stands in).
NAMES = [
    ("Alex", "Morgan"), ("", ""), (" ", "\t"), ("\u00a0Sam", "Lee\u2003"), ("=HYPERLINK(\"x\")", "Ng"),
    ("+44", ""), ("", "-1"), ("@me", "O'Brien"), ("\tTab", "Start"), ("Ann, Jr", "Smith \"AJ\""),
    ("Line\nbreak", "Carriage\rreturn"), ("Zoë", "Ørsted"), ("  ", "Trailing  "), ("\r", "x"),
]  # fmt: skip
# Doubles whose rounding differs between ways of rounding: ties (0.25 -> "0.2" rounding half to even, as Python
# does, "0.3" for numeric's round) and values a hair from them.
PERCENTS = [0.0, 0.05, 0.25, 0.35, 2.5, 12.25, 33.333333333333336, 49.95, 66.66666666666667, 99.95, 100.0]


def _csv_both(queryset: Any, reviews: dict[int, tuple[str, str]]) -> tuple[bytes, bytes]:
    return b"".join(cohort_csv._copied(queryset, reviews)), b"".join(cohort_csv._written(queryset, reviews))


@pytest.fixture
def cohort() -> Any:
    rng = random.Random(19)
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    made = [world.apprenticeship]
    for index, (first, last) in enumerate(NAMES * 2):
        option = None if index % 5 == 0 else catalogue.route_a if index % 2 else catalogue.route_b
        made.append(
            ApprenticeshipFactory.create(
                provider=world.provider, employer=world.employer, standard=catalogue.standard, option=option,
                apprentice__first_name=first, apprentice__last_name=last,
            )
        )  # fmt: skip
    for apprenticeship in made[::2]:
        EvidenceFactory.create(apprenticeship=apprenticeship, files=0, tags=("K1",), state="accepted")
    coverage_recompute(apprenticeship_ids=[a.pk for a in made[:-3]])  # the last three never computed
    states = list(ReadinessState.values)
    for summary in CoverageSummary.objects.filter(apprenticeship__in=made):
        passed = {column: rng.random() < 0.6 for column in cohort_csv.PASSED_COLUMNS}
        CoverageSummary.objects.filter(pk=summary.pk).update(
            percent=rng.choice(PERCENTS),
            state=rng.choice(states),
            ready=rng.random() < 0.5,
            otj_approved_minutes=rng.choice([0, 15, 45, 75, 90, 6, 3, rng.randrange(0, 200_000)]),
            otj_required_minutes=rng.choice([None, 0, 9, 27, 18_735, rng.randrange(0, 200_000)]),
            otj_behind=rng.random() < 0.5,
            **passed,
        )
    for row in AOCoverage.objects.filter(apprenticeship__in=made):
        AOCoverage.objects.filter(pk=row.pk).update(percent=rng.choice([*PERCENTS, 0.5, 1.5, 62.5]))
    # Last activity with and without microseconds.
    for index, item in enumerate(Evidence.objects.filter(apprenticeship__in=made)):
        at = datetime.datetime(2026, 3, 29, 1, 30, 5, 0 if index % 2 else 123_400, tzinfo=datetime.UTC)
        Evidence.objects.filter(pk=item.pk).update(updated_at=at + datetime.timedelta(days=index))
    Organisation.objects.filter(pk=world.employer.pk).update(name='=1+1 "Ltd", Leeds')
    return world, made


@pytest.mark.parametrize("order", [("pk",), ("-start_date", "pk"), ("apprentice__last_name", "-pk")])
def test_postgresql_writes_the_bytes_the_csv_module_writes(cohort: Any, order: tuple[str, ...]) -> None:
    world, made = cohort
    queryset = cohort_list_for_user(user=world.tutor).order_by(*order)
    # Reviews as the view works them out, one row left out (added since: no date, not overdue), and an explanation
    # with the delimiter in it.
    reviews = {a.pk: (f"2027-0{1 + index % 9}-01", "yes" if index % 3 else "no") for index, a in enumerate(made)}
    reviews[made[1].pk] = ("Not due: on a break in learning, since 2026-01-05", "no")
    del reviews[made[2].pk]
    copied, written = _csv_both(queryset, reviews)
    assert copied == written
    rows = list(csv.reader(io.StringIO(copied.decode(), newline="")))
    assert len(rows) == len(made)
    assert [row[1] for row in rows] == list(queryset.values_list("apprentice__email", flat=True))
    # What the values exercised: each kind of cell at least once.
    cells = {cell for row in rows for cell in row}
    assert {'\'=1+1 "Ltd", Leeds', "0.2", "no", ""} <= cells
    assert any(cell.endswith(".123400+00:00") for cell in cells)
    assert any(cell.endswith(":05+00:00") for cell in cells)


def test_a_number_is_rounded_as_python_rounds_it() -> None:
    """`.1f` and `.0f` of thousands of doubles (ties among them, OTJ minutes in hours, percents of small counts)."""
    values = [*PERCENTS, *(k / 8 for k in range(2_000)), *(m / 60 for m in range(0, 20_000, 3))]
    values += [100 * a / b for b in range(1, 60) for a in range(b + 1)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_decimal('v', 1)}, {_whole('v')} FROM unnest(%s::float8[]) v",  # noqa: S608
            [values],
        )
        formatted = cursor.fetchall()
    assert formatted == [(f"{v:.1f}", f"{v:.0f}") for v in values]


def test_a_name_is_named_and_guarded_as_python_does() -> None:
    """The apprentice's cell: their name stripped of any whitespace Python strips (else their email), with an
    apostrophe before what a spreadsheet would run."""
    names = [(a + first, last + b) for first, last in NAMES for a in ("", " ", "\u3000", "=") for b in ("", "\x85")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_safe(_NAME)} FROM unnest(%(first)s::text[], %(last)s::text[], %(email)s::text[])"  # noqa: S608
            " AS u(first_name, last_name, email)",
            {**fixed_values(), "first": [n[0] for n in names], "last": [n[1] for n in names],
             "email": ["a@example.org", "+a@example.org"] * (len(names) // 2)},
        )  # fmt: skip
        cells = [row[0] or "" for row in cursor.fetchall()]
    emails = ["a@example.org", "+a@example.org"] * (len(names) // 2)
    assert cells == [spreadsheet_safe(display_name(f, last, e)) for (f, last), e in zip(names, emails, strict=True)]


def test_the_download_is_the_page_s_rows_for_another_provider_s_tutor_none(cohort: Any, client: Client) -> None:
    world, made = cohort
    client.force_login(world.tutor)
    response = client.get("/cohort/?format=csv")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert text.count("\r\n") == 1 + len(made)
    other = make_world(standard=StandardFactory.create())
    client.force_login(other.tutor)
    text = b"".join(client.get("/cohort/?format=csv").streaming_content).decode()  # type: ignore[attr-defined]
    assert not any(a.apprentice.email in text for a in made)
    assert other.apprenticeship.apprentice.email in text


def test_a_download_stopped_part_way_leaves_the_connection_usable(cohort: Any, monkeypatch: Any) -> None:
    """A member of staff who cancels the download: the server closes the response's parts (as a WSGI server closes
    the iterable of a response whose client has gone), the COPY ends, and the connection's next queries run."""
    world, made = cohort
    monkeypatch.setattr(cohort_csv, "CSV_FIRST_CHUNK", 2)
    monkeypatch.setattr(cohort_csv, "CSV_CHUNK", 2)
    parts = cohort_csv.csv_parts(cohort_list_for_user(user=world.tutor).order_by("pk"))
    assert next(parts).count(b"\r\n") == 3
    parts.close()
    assert connection.connection.info.transaction_status != pq.TransactionStatus.ACTIVE
    assert User.objects.filter(pk=world.tutor.pk).exists()
    assert b"".join(cohort_csv.csv_parts(cohort_list_for_user(user=world.tutor))).count(b"\r\n") == 1 + len(made)


def test_the_rows_after_the_first_part_have_their_own_reviews_in_the_queryset_s_order(
    cohort: Any, monkeypatch: Any
) -> None:
    """Two COPY statements, each with the review columns of its own rows (the first's from their ids, the rest's
    from the queryset): every row's are those worked out for the whole queryset at once."""
    world, made = cohort
    for index, apprenticeship in enumerate(made):  # each a due date of its own (reviews fall due at a month end)
        start = datetime.date(2025, 1, 1) + datetime.timedelta(days=31 * index)
        Apprenticeship.objects.filter(pk=apprenticeship.pk).update(start_date=start)
    monkeypatch.setattr(cohort_csv, "CSV_FIRST_CHUNK", 3)
    queryset = cohort_list_for_user(user=world.tutor).order_by("-apprentice__email")
    expected = cohort_csv._review_columns(queryset)
    parts = list(cohort_csv.csv_parts(queryset))
    assert parts[0].count(b"\r\n") == 1 + 3
    rows = list(csv.reader(io.StringIO(b"".join(parts).decode(), newline="")))[1:]
    emails = list(queryset.values_list("apprentice__email", "pk"))
    assert [row[1] for row in rows] == [email for email, _ in emails]
    assert [tuple(row[16:18]) for row in rows] == [expected[pk] for _, pk in emails]
    assert len({row[16] for row in rows}) == len(rows)  # each row's own date: a mix-up would show


def test_a_row_that_moves_while_the_download_runs_is_written_once(cohort: Any, monkeypatch: Any) -> None:
    """The order is read once, before the first part: a row re-sorted before the rest are read (here its email
    changed, between the two COPY statements) is neither written again in the rest nor missed."""
    world, made = cohort
    monkeypatch.setattr(cohort_csv, "CSV_FIRST_CHUNK", 2)
    queryset = cohort_list_for_user(user=world.tutor).order_by("apprentice__email")
    first_email = queryset.values_list("apprentice__email", flat=True)[0]
    review_columns = cohort_csv._review_columns
    calls = []

    def changed_before_the_rest(rows: Any) -> Any:
        calls.append(rows)
        if len(calls) == 2:  # the first part written, the rest's reviews read next
            User.objects.filter(email=first_email).update(email="zz-last@example.org")
        return review_columns(rows)

    monkeypatch.setattr(cohort_csv, "_review_columns", changed_before_the_rest)
    rows = list(csv.reader(io.StringIO(b"".join(cohort_csv.csv_parts(queryset)).decode(), newline="")))[1:]
    assert len(calls) == 2
    assert len(rows) == len(made)
    assert [row[1] for row in rows].count(first_email) == 1
    assert "zz-last@example.org" not in {row[1] for row in rows}
