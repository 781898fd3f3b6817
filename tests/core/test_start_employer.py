"""The employer contact's start page lists their apprentices at a glance, read as plain values and written by one
tag: each row says what the template always said (readiness, coverage, what waits, behaviours left), names are
escaped, and the list holds the employers where the person is an active line manager or mentor, no other."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.coverage.models import CoverageSummary
from portfolio.people.models import Apprenticeship, Membership
from portfolio.reviews.services.behaviours import behaviour_confirm
from tests.factories import (
    ApprenticeshipFactory,
    EvidenceFactory,
    MembershipFactory,
    StandardFactory,
    StatementFactory,
    UserFactory,
    build_world,
    make_world,
)
from tests.progress.helpers import hold, review_world

pytestmark = pytest.mark.django_db


def _row(html: str, apprenticeship: Apprenticeship) -> str:
    """The glance row of one apprenticeship, from its opening `<li>` to its closing one."""
    start = html.index(f'<a class="glance-name" href="/progress/{apprenticeship.public_id}/">')
    return html[html.rindex("<li", 0, start) : html.index("</li>", start) + len("</li>")]


def test_each_row_says_where_the_apprentice_stands_and_what_waits(client: Client) -> None:
    own, _ = build_world()
    for code in ("B1", "B2", "B3"):
        StatementFactory.create(standard=own.standard, code=code, kind="B")
    named = UserFactory.create(first_name="Zoë", last_name='<b>&"', email="z@example.org")
    ready = ApprenticeshipFactory.create(
        provider=own.provider, employer=own.employer, standard=own.standard, apprentice=named
    )
    CoverageSummary.objects.update_or_create(
        apprenticeship=ready, defaults={"state": "ready", "ready": True, "percent": 49.5, "ready_since": timezone.now()}
    )
    behaviour_confirm(
        actor=own.mentor, apprenticeship=ready, statement_codes=["B1", "B2"],
        confirmed_on=datetime.date(2025, 10, 1), comment="Punctual.",
    )  # fmt: skip
    EvidenceFactory.create(apprenticeship=ready, state="submitted")
    no_behaviours = ApprenticeshipFactory.create(
        provider=own.provider, employer=own.employer, standard=StandardFactory.create(options=())
    )
    for _ in range(2):
        EvidenceFactory.create(apprenticeship=no_behaviours, state="submitted")
    client.force_login(own.line_manager)

    html = client.get("/").content.decode()

    assert _row(html, ready) == (
        f'<li class="glance-item">\n      <a class="glance-name" href="/progress/{ready.public_id}/">'
        "Zoë &lt;b&gt;&amp;&quot;</a>\n"
        f'      <span class="muted">{own.standard.reference} {own.standard.title}</span>\n'
        '      <span>\n        <strong class="tag tag-done">Ready for gateway</strong>\n        \n'
        "        50% of statements covered\n      </span>\n"
        '      <span>\n        <a href="/reviews/confirmation/">1 item to confirm</a> · \n'
        f'        <a href="/reviews/apprenticeships/{ready.public_id}/behaviours/">1 behaviour to confirm</a>\n'
        "        \n      </span>\n"
        f'      <span><a href="/progress-reviews/apprenticeships/{ready.public_id}/">Progress reviews</a></span>\n'
        "    </li>"
    )
    row = _row(html, no_behaviours)
    assert '<strong class="tag">Not ready yet</strong>\n        0% of statements covered' in row
    assert '<a href="/reviews/confirmation/">2 items to confirm</a> · \n        \n      </span>' in row
    assert "behaviours/" not in row


def test_the_list_holds_the_active_employers_of_each_role_and_no_other(client: Client) -> None:
    own, other = build_world()
    third = make_world(standard=own.standard)
    # A mentor at the other employer too; once a line manager at a third, no longer.
    MembershipFactory.create(organisation=other.employer, role=Membership.Role.MENTOR, user=own.line_manager)
    MembershipFactory.create(
        organisation=third.employer, role=Membership.Role.LINE_MANAGER, user=own.line_manager, is_active=False
    )
    client.force_login(own.line_manager)
    html = client.get("/").content.decode()
    assert f"/progress/{own.apprenticeship.public_id}/" in html
    assert f"/progress/{other.apprenticeship.public_id}/" in html
    assert f"/progress/{third.apprenticeship.public_id}/" not in html

    client.force_login(other.line_manager)
    html = client.get("/").content.decode()
    assert f"/progress/{other.apprenticeship.public_id}/" in html
    assert f"/progress/{own.apprenticeship.public_id}/" not in html


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_the_head_lists_read_what_their_lines_show_in_their_own_queries(client: Client) -> None:
    """The oldest items, the gateways and the progress reviews to sign read only the columns their lines show: a
    line reading one left out would ask once more per line."""
    world = review_world()
    client.force_login(world.line_manager)
    empty = _queries(client)
    hold(world, days_ago=3)
    CoverageSummary.objects.update_or_create(
        apprenticeship=world.apprenticeship, defaults={"state": "ready", "ready": True, "ready_since": timezone.now()}
    )
    for _ in range(3):
        EvidenceFactory.create(apprenticeship=world.apprenticeship, state="submitted")
    html = client.get("/").content.decode()
    assert "Sign the gateway of Alex Morgan" in html
    assert "Sign the progress review of Alex Morgan" in html
    assert html.count("waiting under an hour") == 3
    # Each list's rows in one query more than when it is empty (none is read when no id is kept).
    assert _queries(client) == empty + 3
