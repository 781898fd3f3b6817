"""An item's suggestions: only from the apprentice's route, refreshed when its text or files change, never from
the text of a file that is not verified, stored with the model that made them, and served by the API.

The route (tests/evidence/helpers.make_route_standard): core AO1 (K1 health and safety, S1 schedule), AO6 of
the apprentice's option (K2 rigging, K3 stage lighting), AO5 of the other option (K27 touring) and a behaviour
B1 in no AO.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from portfolio.evidence.models import EvidenceFile, EvidenceFileText
from portfolio.evidence.services.evidence import evidence_create, evidence_update
from portfolio.evidence.services.text import evidence_file_text_extract
from portfolio.evidence.text_extraction import PDF
from portfolio.standards.models import AssessmentOutcome, Statement
from portfolio.suggestions.encoder import model_info
from portfolio.suggestions.models import Suggestion, SuggestionRun
from portfolio.suggestions.services.suggestions import evidence_suggestions_current
from tests.factories import LPM, EvidenceFactory, EvidenceFileFactory, OutcomeStatementFactory, make_route_world
from tests.suggestions import documents

TOURING = (
    "I planned the touring logistics for the spring tour: booking the trucks and the ferry, the hotels and the "
    "carnet for the kit. I also worked safely all week."
)


def _codes(evidence: Any) -> list[str]:
    return [s.statement.code for s in evidence_suggestions_current(evidence=evidence).suggestions]


@pytest.mark.django_db
def test_suggestions_come_from_the_route_only_each_with_its_ao_and_model() -> None:
    world = make_route_world()
    standard = world.standard
    # K2 also sits in the other option's AO5: within this apprentice's route it belongs to AO6.
    OutcomeStatementFactory.create(
        outcome=AssessmentOutcome.objects.get(standard=standard, code="AO5"),
        statement=Statement.objects.get(standard=standard, code="K2"),
    )
    # A plan that maps a behaviour into a core AO: behaviours are still never suggested (the employer confirms them).
    OutcomeStatementFactory.create(
        outcome=AssessmentOutcome.objects.get(standard=standard, code="AO1"),
        statement=Statement.objects.get(standard=standard, code="B1"),
    )
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, title="Spring tour planning", reflection=TOURING, tags=(), files=0
    )

    result = evidence_suggestions_current(evidence=evidence)

    info = model_info()
    assert result.enabled
    assert result.model == info
    shown = {(s.statement.code, s.outcome.code) for s in result.suggestions}
    # Touring (K27, the other option's) and the behaviour B1 fit this text best, and are never suggested.
    assert shown == {("K1", "AO1"), ("S1", "AO1"), ("K2", "AO6"), ("K3", "AO6")}
    assert [s.rank for s in result.suggestions] == [1, 2, 3, 4]
    scores = [s.score for s in result.suggestions]
    assert scores == sorted(scores, reverse=True)
    assert {(s.model_name, s.model_version) for s in result.suggestions} == {(info.name, info.version)}


@pytest.mark.django_db
def test_the_api_answers_the_suggestions_with_their_ao_score_and_marks(client: Client) -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship,
        title="Rigging the truss",
        reflection="I rigged the truss and the chain hoists.",
        tags=(),
        files=0,
    )
    client.force_login(world.apprentice)

    body = client.get(f"/api/evidence/{evidence.public_id}/suggestions/").json()

    assert body["enabled"] is True
    assert body["model"] == {"name": model_info().name, "version": model_info().version}
    first = body["suggestions"][0]
    assert first["statement"] == "K2"
    assert first["outcome"] == {"code": "AO6", "title": "Rigs and lights", "option": "Technical production"}
    assert (first["rank"], first["kind"], first["covered"], first["tagged"]) == (1, "K", False, False)
    assert -1 <= first["score"] <= 1
    assert {s["statement"] for s in body["suggestions"]} <= {"K1", "S1", "K2", "K3"}


@pytest.mark.django_db
def test_the_tag_picker_shows_the_suggestions_first_and_marks_covered_statements(client: Client) -> None:
    from portfolio.coverage.models import CoverageSummary

    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship,
        title="Rigging the truss",
        reflection="I rigged the truss and the chain hoists.",
        tags=(),
        files=0,
    )
    CoverageSummary.objects.create(
        apprenticeship=world.apprenticeship,
        covered=1,
        mapped=4,
        missing=["K1", "S1", "K3"],
        computed_at=timezone.now(),
    )
    client.force_login(world.apprentice)

    page = client.get(f"/evidence/{evidence.public_id}/tags/").content.decode()

    suggested = page.split('id="suggested-heading"')[1].split("<h2>Core</h2>")[0]
    assert 'id="st-suggested-K2"' in suggested
    assert "Already covered" in suggested  # K2 is covered
    assert "K27" not in page
    assert "B1" not in page
    # Each statement has one checkbox: a suggested one is chosen at the top, and its AO points there.
    assert page.count('value="K2"') == 1
    assert 'href="#st-suggested-K2"' in page


@pytest.mark.django_db
def test_suggestions_are_refreshed_when_the_text_changes(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from workers.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)  # the refresh task runs here, at commit
    world = make_route_world()
    with django_capture_on_commit_callbacks(execute=True):
        evidence = evidence_create(
            actor=world.apprentice,
            apprenticeship=world.apprenticeship,
            kind="document",
            title="Monday",
            occurred_on=world.apprenticeship.start_date,
            reflection="I rigged the truss, hung the chain hoists and checked the rigging points.",
        )
    # Made by the task the change sent, before anyone read them.
    first = SuggestionRun.objects.get(evidence=evidence)
    assert Suggestion.objects.get(evidence=evidence, rank=1).statement.code == "K2"

    with django_capture_on_commit_callbacks(execute=True):
        evidence_update(
            actor=world.apprentice,
            evidence=evidence,
            reflection="I focused the stage lighting, patched the lighting desk and plotted the lighting cues.",
        )

    second = SuggestionRun.objects.get(evidence=evidence)
    assert second.input_sha256 != first.input_sha256
    assert Suggestion.objects.get(evidence=evidence, rank=1).statement.code == "K3"


@pytest.mark.django_db
def test_a_read_never_shows_suggestions_for_text_the_item_no_longer_has() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship,
        title="Monday",
        reflection="I rigged the truss and the chain hoists.",
        tags=(),
        files=0,
    )
    assert _codes(evidence)[0] == "K2"
    # Changed without the refresh task (it was lost, or has not run yet): the read makes them again.
    type(evidence).objects.filter(pk=evidence.pk).update(reflection="I focused the stage lighting and the lamps.")
    evidence.refresh_from_db()
    assert _codes(evidence)[0] == "K3"


@pytest.mark.django_db
def test_the_text_of_a_verified_file_counts_and_stops_counting_once_the_file_is_rejected() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, title="Monday", tags=(), files=0, reflection=""
    )
    data = documents.pdf("Stage lighting systems: I focused the lamps, patched the lighting desk and plotted cues.")
    file = EvidenceFileFactory.create(
        evidence=evidence, original_name="lx-log.pdf", content=data, declared_type=PDF, stored=True
    )
    evidence_file_text_extract(file_id=file.pk)

    def k3_score() -> float:
        result = evidence_suggestions_current(evidence=evidence)
        return next(s.score for s in result.suggestions if s.statement.code == "K3")

    with_text = k3_score()
    assert _codes(evidence)[0] == "K3"
    # evidence_secure_verified rejects a verified file whose bytes changed: its text counts no more at once.
    EvidenceFile.objects.filter(pk=file.pk).update(state=EvidenceFile.State.REJECTED)
    assert EvidenceFileText.objects.filter(file=file).exists()
    assert k3_score() < with_text - 0.2


@pytest.mark.django_db
def test_on_the_other_option_its_statements_are_suggested_and_this_one_s_are_not() -> None:
    world = make_route_world()
    type(world.apprenticeship).objects.filter(pk=world.apprenticeship.pk).update(
        option=world.standard.options.get(title=LPM)
    )
    world.apprenticeship.refresh_from_db()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, title="Spring tour planning", reflection=TOURING, tags=(), files=0
    )
    # On the LPM option the touring statement is in the route, and near the top for this text.
    assert "K27" in _codes(evidence)[:2]
    assert set(_codes(evidence)) == {"K1", "S1", "K27"}
