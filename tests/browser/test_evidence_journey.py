"""The whole journey in a real browser: evidence uploaded through the page straight to S3, verified by a
real worker, tagged, submitted, confirmed by the employer, accepted by the assessor; then the coverage every
role sees, and the ready state on the last missing statement."""

from __future__ import annotations

import datetime
import hashlib
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Q
from playwright.sync_api import Browser, Page, expect

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.people.models import Apprenticeship
from portfolio.reviews.services.behaviours import behaviour_confirm
from portfolio.standards.models import OutcomeStatement
from portfolio.standards.services import standard_import
from tests.browser.conftest import screenshot, sign_in
from tests.evidence.samples import pdf
from tests.factories import PASSWORD, EvidenceFactory, make_world
from tests.standards.conftest import api_document, plan_text

LAST_MISSING = "K17"  # option AO6A of ST0792 (Production coordinator): the statement the journey covers


def route_codes(apprenticeship: Apprenticeship) -> list[str]:
    route = Q(outcome__option__isnull=True) | Q(outcome__option=apprenticeship.option)
    mappings = OutcomeStatement.objects.filter(route, outcome__standard=apprenticeship.standard)
    return sorted(set(mappings.values_list("statement__code", flat=True)))


def cover_all_but(apprenticeship: Apprenticeship, missing: str) -> None:
    """Accepted evidence for every statement of the route except one, made by the services."""
    codes = [code for code in route_codes(apprenticeship) if code != missing]
    for start in range(0, len(codes), 4):
        EvidenceFactory.create(
            apprenticeship=apprenticeship, state=Evidence.State.ACCEPTED, tags=codes[start : start + 4]
        )


def new_page(browser: Browser, live_server: Any) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    return context.new_page()


@pytest.fixture
def journey_world(transactional_db: None) -> Any:
    standard = standard_import(plan=plan_text("ST0792"), api_document=api_document("ST0792")).standard
    assert standard is not None
    world = make_world(standard=standard)
    world.apprenticeship.option = standard.options.get(title="Production coordinator")
    world.apprenticeship.tutor = world.tutor
    world.apprenticeship.assessor = world.assessor
    world.apprenticeship.line_manager = world.line_manager
    world.apprenticeship.save()
    assert LAST_MISSING in route_codes(world.apprenticeship)
    cover_all_but(world.apprenticeship, LAST_MISSING)
    behaviours = list(standard.statements.filter(kind="B").values_list("code", flat=True))
    behaviour_confirm(
        actor=world.line_manager, apprenticeship=world.apprenticeship, statement_codes=behaviours,
        confirmed_on=datetime.date(2025, 10, 1), comment="Seen throughout the placement.",
    )  # fmt: skip
    coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk])
    return world


def reload_until(page: Page, text: str, timeout: float = 30.0) -> None:
    """Coverage is recomputed by the worker after the commit: reload until the page shows it."""
    deadline = time.monotonic() + timeout
    while text not in page.inner_text("main"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} did not appear on {page.url} within {timeout}s")
        time.sleep(0.25)
        page.reload()


def test_evidence_from_upload_to_acceptance(
    journey_world: Any,
    page: Page,
    browser: Browser,
    live_server: Any,
    celery_worker: Any,
    tmp_path: Path,
    insecure_cookies: None,
) -> None:
    world = journey_world
    apprenticeship = world.apprenticeship
    upload = tmp_path / "stage-plan.pdf"
    upload.write_bytes(pdf())

    # Before: one statement short of ready, as the dashboard says.
    sign_in(page, world.apprentice.email, PASSWORD)
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    # The start page says what is missing per AO and links to the progress page.
    expect(page.locator("#task-missing-1")).to_contain_text(f"Missing: {LAST_MISSING}")
    page.locator("#task-missing-1").get_by_role("link", name=re.compile("^Evidence what is still missing")).click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(page.locator(".readiness")).to_contain_text("Not ready for gateway yet")
    expect(page.locator("ul.missing")).to_contain_text(LAST_MISSING)

    # The apprentice records the evidence and uploads a real file through the page, straight to S3.
    page.goto(f"/apprenticeships/{apprenticeship.public_id}/evidence/new/")
    page.get_by_label("Title").fill("Stage plan for the spring tour")
    page.get_by_label("Kind").select_option("project_work")
    page.get_by_label("Date it happened").fill("2025-10-01")
    page.get_by_label("Reflection").fill("I drew up the stage plan and agreed it with the venue.")
    page.get_by_role("button", name="Create and add files").click()
    expect(page.get_by_role("heading", name="Stage plan for the spring tour")).to_be_visible()
    page.set_input_files("#upload-input", str(upload))
    expect(page.locator(".upload-status")).to_have_text(re.compile("checked and added"), timeout=30_000)
    evidence = Evidence.objects.get(title="Stage plan for the spring tour")
    stored = evidence.files.get()
    assert stored.state == EvidenceFile.State.VERIFIED
    assert stored.sha256 == hashlib.sha256(pdf()).hexdigest()

    # Tags the one statement still missing, then submits.
    page.goto(f"/evidence/{evidence.public_id}/tags/")
    page.get_by_label("Search statements").fill(LAST_MISSING)
    page.locator(f"input[name=statements][value={LAST_MISSING}]").check()
    page.get_by_role("button", name=re.compile("Save")).click()
    page.goto(f"/evidence/{evidence.public_id}/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_contain_text("Submitted")

    # The line manager confirms it from the queue.
    employer = new_page(browser, live_server)
    sign_in(employer, world.line_manager.email, PASSWORD)
    employer.goto("/reviews/confirmation/")
    employer.get_by_label(re.compile("Select “Stage plan")).check()
    screenshot(employer, "employer-confirmation-queue")
    employer.get_by_role("button", name="Confirm the selected evidence").click()
    expect(employer.locator(".messages")).to_contain_text("Confirmed 1 of 1.")
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.CONFIRMED

    # The assessor accepts it against the statement.
    assessor = new_page(browser, live_server)
    sign_in(assessor, world.assessor.email, PASSWORD)
    assessor.goto("/reviews/acceptance/")
    screenshot(assessor, "assessor-acceptance-queue")
    assessor.get_by_role("link", name="Stage plan for the spring tour").click()
    assessor.get_by_label(f"Accept {LAST_MISSING}").check()
    assessor.get_by_role("button", name="Save these decisions").click()
    expect(assessor.locator(".messages")).to_contain_text("Accepted")
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.ACCEPTED
    assert evidence.tags.get().state == EvidenceTag.State.ACCEPTED

    # The worker recomputes: the apprentice's dashboard and the provider's cohort show the ready state.
    page.goto(f"/progress/{apprenticeship.public_id}/")
    reload_until(page, "Ready for gateway")
    expect(page.locator("ul.missing")).to_have_count(0)
    screenshot(page, "apprentice-progress")
    assessor.goto("/cohort/")
    row = assessor.locator(f"tr[data-apprenticeship='{apprenticeship.public_id}']")
    expect(row).to_contain_text("Ready")
    expect(row).to_contain_text("complete")
    screenshot(assessor, "provider-cohort")
    assessor.goto("/readiness/")
    expect(assessor.locator(".feed")).to_contain_text("became ready for gateway")
    screenshot(assessor, "provider-readiness-feed")
    employer.goto("/cohort/")
    expect(employer.locator(f"tr[data-apprenticeship='{apprenticeship.public_id}']")).to_contain_text("Ready")
    screenshot(employer, "employer-apprentices")
