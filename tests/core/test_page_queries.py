"""The pages each role opens most read a fixed number of queries, whatever the size of the provider: the same for
a few apprentices (and their evidence) as for several times as many. A change that reads per row, or adds a query,
fails here; how long the queries take belongs to bench/load.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship
from tests.factories import ApprenticeshipFactory, EvidenceFactory, make_catalogue, make_world

pytestmark = pytest.mark.django_db


class Provider:
    """One provider on the small catalogue, grown apprentice by apprentice, each with evidence in every state the
    pages show: accepted, submitted (the employer's queue), confirmed (the assessor's queue)."""

    def __init__(self) -> None:
        self.catalogue = make_catalogue()
        self.world = make_world(standard=self.catalogue.standard)
        self.apprenticeships: list[Apprenticeship] = []
        self._add(self.world.apprenticeship)

    def _add(self, apprenticeship: Apprenticeship) -> None:
        EvidenceFactory.create(apprenticeship=apprenticeship, files=0, tags=("K1", "S1"), state="accepted")
        for state in (Evidence.State.SUBMITTED, Evidence.State.CONFIRMED, Evidence.State.CONFIRMED):
            EvidenceFactory.create(apprenticeship=apprenticeship, state=state, tags=("K2", "S2"))
        self.apprenticeships.append(apprenticeship)

    def grow(self, count: int) -> None:
        for index in range(count):
            option = self.catalogue.route_a if index % 2 else self.catalogue.route_b
            self._add(
                ApprenticeshipFactory.create(
                    provider=self.world.provider, employer=self.world.employer, standard=self.catalogue.standard,
                    option=option,
                )
            )  # fmt: skip
        coverage_recompute(apprenticeship_ids=[a.pk for a in self.apprenticeships])


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return [query["sql"] for query in captured.captured_queries]


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Per page: who opens it, its address, and the queries it reads (the session and the user, the header's roles and
# unread count included: the roles read once, shared by a view's role check and the header).
PAGES: dict[str, tuple[Callable[[Provider], Any], Callable[[Provider], str], int]] = {
    # The apprenticeship, its summary, AOs, tags and statements, 5 for the OTJ figures (portfolio/otj/selectors.py).
    "progress page": (lambda p: p.world.apprentice, lambda p: f"/progress/{p.world.apprenticeship.public_id}/", 14),
    # The own apprenticeships (with what the next reviews need), their AOs, OTJ totals, the evidence lists' counts,
    # their items read together, the breaks in learning.
    "start page (apprentice)": (lambda p: p.world.apprentice, lambda p: "/", 10),
    "evidence page": (
        lambda p: p.world.apprentice,
        lambda p: f"/apprenticeships/{p.world.apprenticeship.public_id}/evidence/",
        7,
    ),
    "start page (staff)": (
        lambda p: p.world.tutor,
        lambda p: "/",
        12 + 4,
    ),  # + reviews overdue (2: those the month-end rule decides counted, the others read with their breaks),
    # awaiting signatures, to sign
    "acceptance queue": (lambda p: p.world.tutor, lambda p: "/reviews/acceptance/", 7),
    "heat map": (lambda p: p.world.tutor, lambda p: "/cohort/heatmap/", 8),
    "start page (employer)": (lambda p: p.world.line_manager, lambda p: "/", 11 + 2),  # + the progress reviews to sign
    "confirmation queue": (lambda p: p.world.line_manager, lambda p: "/reviews/confirmation/", 7),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_reads_the_same_queries_for_a_few_apprentices_and_for_many(page: str) -> None:
    who, where, expected = PAGES[page]
    provider = Provider()
    provider.grow(2)
    client = _as(who(provider))
    few = _queries(client, where(provider))
    provider.grow(8)
    many = _queries(client, where(provider))
    assert len(many) == len(few), "\n\n".join(many)
    assert len(many) == expected, "\n\n".join(many)
