"""The coverage pages show the stored coverage to the people who may see it, and nobody else's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from portfolio.coverage.models import AOCoverage, CoverageSummary
from portfolio.coverage.pages import progress_for
from portfolio.coverage.selectors import coverage_summary_for
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import Evidence
from portfolio.evidence.route import route_filter
from portfolio.standards.models import OutcomeStatement
from portfolio.standards.services import standard_import
from tests.factories import EvidenceFactory, make_world
from tests.standards.conftest import api_document, plan_text


@pytest.fixture
def two_providers(db: None) -> tuple[Any, Any]:
    standard = standard_import(plan=plan_text("ST0792"), api_document=api_document("ST0792")).standard
    assert standard is not None
    own, other = make_world(standard=standard), make_world(standard=standard)
    # The own apprentice has AO1's statements accepted; the other has nothing.
    ao1 = standard.outcomes.get(code="AO1")
    codes = list(OutcomeStatement.objects.filter(outcome=ao1).values_list("statement__code", flat=True))
    EvidenceFactory.create(
        apprenticeship=own.apprenticeship, state=Evidence.State.ACCEPTED, tags=codes, title="Call sheet"
    )
    coverage_recompute(apprenticeship_ids=[own.apprenticeship.pk, other.apprenticeship.pk])
    return own, other


def test_progress_page_shows_bars_missing_statements_and_the_matrix(client: Client, two_providers: Any) -> None:
    own, _ = two_providers
    client.force_login(own.apprentice)
    page = client.get(f"/progress/{own.apprenticeship.public_id}/").content.decode()
    assert "Your progress" in page
    assert "Not ready for gateway yet" in page
    assert 'aria-label="AO1: 10 of 10 statements covered (complete)"' in page
    assert "Core assessment outcomes" in page
    assert "Option: Production coordinator" in page
    k6 = api_document("ST0792")["knowledges"][5]["detail"].strip()
    assert k6 in page  # K6 (AO2) is missing, shown with its text
    assert "Call sheet" in page


def test_an_apprentice_lands_on_their_start_page(client: Client, two_providers: Any) -> None:
    own, _ = two_providers
    client.force_login(own.apprentice)
    response = client.get("/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["core/start.html", "base.html"]
    assert [role for role, _ in response.context["sections"]] == ["apprentice"]


@pytest.mark.parametrize("role", ["tutor", "line_manager"])
def test_the_cohort_shows_only_your_organisations_apprentices(client: Client, two_providers: Any, role: str) -> None:
    own, other = two_providers
    client.force_login(getattr(own, role))
    for url in ("/cohort/", "/cohort/heatmap/", "/cohort/?format=csv", "/readiness/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        text = body.decode()
        assert other.apprentice.email not in text, url
        assert other.apprentice.display_name not in text, url
    cohort = client.get("/cohort/").content.decode()
    assert own.apprentice.display_name in cohort
    assert 'AO1 <span class="chip-figure">complete</span>' in cohort
    csv_text = b"".join(client.get("/cohort/?format=csv").streaming_content).decode()  # type: ignore[attr-defined]
    assert own.apprentice.email in csv_text
    assert "AO1 100%" in csv_text


def test_cohort_filters_and_search(client: Client, two_providers: Any) -> None:
    own, _ = two_providers
    client.force_login(own.tutor)
    assert own.apprentice.display_name in client.get("/cohort/?ready=no").content.decode()
    assert own.apprentice.display_name not in client.get("/cohort/?ready=yes").content.decode()
    assert own.apprentice.display_name not in client.get("/cohort/?q=nobody-called-this").content.decode()
    assert own.apprentice.display_name in client.get(f"/cohort/?q={own.apprentice.email[:6]}").content.decode()


def test_another_providers_apprenticeship_progress_is_404(client: Client, two_providers: Any) -> None:
    own, other = two_providers
    client.force_login(own.tutor)
    assert client.get(f"/progress/{other.apprenticeship.public_id}/").status_code == 404


def test_the_progress_pages_reads_give_the_rows_the_orm_gives(two_providers: Any) -> None:
    """`progress_for` runs its reads compiled once per process (`CompiledQuery`): for an apprenticeship with an
    option and one without (sent NULL), of two providers, the same AO rows, statements and evidence as the ORM reads,
    and nothing of the other apprenticeship."""
    own, other = two_providers
    other.apprenticeship.option = None
    other.apprenticeship.save(update_fields=["option"])
    EvidenceFactory.create(
        apprenticeship=other.apprenticeship, state=Evidence.State.SUBMITTED, tags=("K1",), title="Log"
    )
    coverage_recompute(apprenticeship_ids=[own.apprenticeship.pk, other.apprenticeship.pk])
    for apprenticeship in (own.apprenticeship, other.apprenticeship):
        route = progress_for(apprenticeship=apprenticeship)
        stored = AOCoverage.objects.filter(apprenticeship=apprenticeship).select_related("outcome")
        assert [(row.code, row.title, row.covered, row.mapped, row.percent, row.missing, row.complete)
                for row in route.core + route.option] == [
            (row.outcome.code, row.outcome.title, row.covered, row.mapped, row.percent, row.missing, row.complete)
            for row in sorted(stored, key=lambda row: (row.outcome.option_id is not None, row.outcome.position))
        ]  # fmt: skip
        mappings = OutcomeStatement.objects.filter(
            route_filter(apprenticeship, "outcome__"), outcome__standard_id=apprenticeship.standard_id
        ).order_by("outcome__position", "position")
        assert [(s.code, s.outcome_code) for s in route.statements] == list(
            mappings.values_list("statement__code", "outcome__code")
        )
        titles = {title for s in route.statements for _, title, _, _ in s.evidence}
        assert titles == ({"Call sheet"} if apprenticeship == own.apprenticeship else {"Log"})
    assert progress_for(apprenticeship=own.apprenticeship).option
    assert not progress_for(apprenticeship=other.apprenticeship).option


def test_the_summary_read_compiled_gives_the_orms_model_and_staleness(two_providers: Any) -> None:
    """`coverage_summary_for` reads every column compiled once per process: for two providers' apprenticeships, the
    same values as the ORM's model, each its own, stale only when a change is marked, None before any compute."""
    own, other = two_providers
    for world in (own, other):
        summary, stale = coverage_summary_for(apprenticeship=world.apprenticeship)
        stored = CoverageSummary.objects.get(apprenticeship=world.apprenticeship)
        assert summary is not None
        assert summary.pk == stored.pk
        assert not stale
        assert [getattr(summary, f.attname) for f in CoverageSummary._meta.concrete_fields] == [
            getattr(stored, f.attname) for f in CoverageSummary._meta.concrete_fields
        ]
        assert summary.get_state_display() == stored.get_state_display()
    coverage_mark_dirty(apprenticeship_ids=[own.apprenticeship.pk], reason="test")
    assert coverage_summary_for(apprenticeship=own.apprenticeship)[1] is True
    assert coverage_summary_for(apprenticeship=other.apprenticeship)[1] is False
    CoverageSummary.objects.filter(apprenticeship=other.apprenticeship).delete()
    assert coverage_summary_for(apprenticeship=other.apprenticeship) == (None, False)
