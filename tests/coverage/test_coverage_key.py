"""Coverage in words as well as colours: a key (0 to 49 %, 50 to 99 %, complete) on the cohort, the heat map and the
progress page, and each bar, chip and cell naming its band's figure; and the standard filter listing each
standard once, however many apprentices follow it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.coverage.templatetags.coverage_tags import band, percent_words
from portfolio.evidence.models import Evidence
from portfolio.people.models import Membership
from portfolio.standards.models import OutcomeStatement
from portfolio.standards.services import standard_import
from tests.factories import ApprenticeshipFactory, EmployerFactory, EvidenceFactory, MembershipFactory, make_world
from tests.standards.conftest import api_document, plan_text

KEY = ["0\u201349 %", "50\u201399 %", "complete"]


@pytest.fixture
def cohort(db: None) -> Any:
    """Three apprentices of one provider on one standard (two employers): AO1 complete for the first, about
    half of AO1 for the second, nothing for the third."""
    standard = standard_import(plan=plan_text("ST0792"), api_document=api_document("ST0792")).standard
    assert standard is not None
    world = make_world(standard=standard)
    second_employer = EmployerFactory.create(provider=world.provider)
    MembershipFactory.create(organisation=second_employer, role=Membership.Role.LINE_MANAGER)
    half = ApprenticeshipFactory.create(provider=world.provider, employer=world.employer, standard=standard)
    none = ApprenticeshipFactory.create(provider=world.provider, employer=second_employer, standard=standard)
    codes = list(
        OutcomeStatement.objects.filter(outcome__standard=standard, outcome__code="AO1")
        .order_by("position")
        .values_list("statement__code", flat=True)
    )
    for apprenticeship, tagged in ((world.apprenticeship, codes), (half, codes[: len(codes) // 2 + 1])):
        EvidenceFactory.create(apprenticeship=apprenticeship, state=Evidence.State.ACCEPTED, tags=tagged)
    coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk, half.pk, none.pk])
    return world


def key_in(page: str) -> list[str]:
    match = re.search(r'<div class="legend">(.*?)</div>', page, re.S)
    assert match, "no coverage key on the page"
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"</span>([^<]+)</li>", match.group(1))]


@pytest.mark.parametrize(
    ("percent", "expected_band", "words"),
    [(0, "low", "0 %"), (49.9, "low", "49 %"), (50, "mid", "50 %"), (99.6, "mid", "99 %"), (100, "full", "complete")],
)
def test_bands_and_their_words(percent: float, expected_band: str, words: str) -> None:
    assert band(percent) == expected_band
    assert percent_words(percent) == words


def test_cohort_shows_the_key_and_each_ao_named_with_its_figure(client: Client, cohort: Any) -> None:
    client.force_login(cohort.tutor)
    page = client.get("/cohort/").content.decode()
    assert key_in(page) == KEY
    # Every AO chip says its code and figure in text, coloured by band: no hover needed.
    assert 'class="chip band-full"' in page
    assert 'class="chip band-mid"' in page
    assert 'class="chip band-low"' in page
    assert re.search(r'<li class="chip band-full"[^>]*>AO1 <span class="chip-figure">complete</span>', page)
    assert re.search(r'<li class="chip band-mid"[^>]*>AO1 <span class="chip-figure">\d\d %</span>', page)


def test_heat_map_shows_the_key_bands_and_the_outcomes_in_words(client: Client, cohort: Any) -> None:
    client.force_login(cohort.tutor)
    page = client.get("/cohort/heatmap/").content.decode()
    assert key_in(page) == KEY
    assert '<td class="cell band-full">complete</td>' in page
    assert re.search(r'<td class="cell band-mid">\d\d %</td>', page)
    assert '<td class="cell band-low">0 %</td>' in page
    # The AO codes of the columns are spelled out on the page, not only in a hover title.
    ao1 = cohort.standard.outcomes.get(code="AO1")
    assert f"<dt>AO1</dt><dd>{ao1.title}</dd>" in page


def test_progress_page_shows_the_key_and_each_bar_names_its_figure(client: Client, cohort: Any) -> None:
    client.force_login(cohort.apprentice)
    page = client.get(f"/progress/{cohort.apprenticeship.public_id}/").content.decode()
    assert key_in(page) == KEY
    assert '<span class="band-tag band-full">complete</span>' in page
    assert '<span class="band-tag band-low">0 %</span>' in page


@pytest.mark.parametrize("url", ["/cohort/", "/cohort/heatmap/"])
def test_the_standard_filter_lists_each_standard_once(client: Client, cohort: Any, url: str) -> None:
    client.force_login(cohort.tutor)
    page = client.get(url).content.decode()
    select = re.search(r'<select id="[fh]-standard" name="standard">(.*?)</select>', page, re.S)
    assert select, url
    labels = re.findall(r"<option[^>]*>([^<]+)</option>", select.group(1))
    standards = [label for label in labels if label != "All"]
    assert standards == [f"{cohort.standard.reference} v{cohort.standard.version}"], url


def test_heat_map_rows_link_each_name_escaped_to_the_progress_page(client: Client, cohort: Any) -> None:
    apprentice = cohort.apprenticeship.apprentice
    apprentice.first_name, apprentice.last_name = "<b>Ann</b>", "O'Neil & Co"
    apprentice.save(update_fields=["first_name", "last_name"])
    client.force_login(cohort.tutor)
    page = client.get("/cohort/heatmap/").content.decode()
    link = f'<a href="/progress/{cohort.apprenticeship.public_id}/">&lt;b&gt;Ann&lt;/b&gt; O&#x27;Neil &amp; Co</a>'
    assert f'<tr><th scope="row">{link}</th>' in page
    assert "<b>Ann</b>" not in page
