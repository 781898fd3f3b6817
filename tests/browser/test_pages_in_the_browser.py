"""Several files dropped at once, each with its own progress and result. (Every page of every role, at phone
size and against axe-core, is checked by test_every_page_reached.py.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.standards.services import standard_import
from tests.browser.conftest import screenshot, sign_in
from tests.evidence.samples import elf, image
from tests.factories import PASSWORD, EvidenceFactory, make_world
from tests.standards.conftest import api_document, plan_text


@pytest.fixture
def world(transactional_db: None) -> Any:
    standard = standard_import(plan=plan_text("ST1297"), api_document=api_document("ST1297")).standard
    assert standard is not None
    world = make_world(standard=standard)
    EvidenceFactory.create(
        apprenticeship=world.apprenticeship, state="submitted", tags=("K1", "S2"), title="Rigging check"
    )
    coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk])
    return world


def test_several_files_at_once_each_with_its_own_result(
    world: Any, page: Page, celery_worker: Any, tmp_path: Path
) -> None:
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, tags=("K1",), files=0, title="Photos of the rig"
    )
    photo = tmp_path / "rig.jpg"
    photo.write_bytes(image("jpeg"))
    disguised = tmp_path / "rig-notes.pdf"
    disguised.write_bytes(elf())
    sign_in(page, world.apprentice.email, PASSWORD)
    page.goto(f"/evidence/{evidence.public_id}/")
    page.set_input_files("#upload-input", [str(photo), str(disguised)])
    rows = page.locator(".upload-list li")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="rig.jpg").locator(".upload-status")).to_have_text(
        re.compile("checked and added"), timeout=30_000
    )
    expect(rows.filter(has_text="rig-notes.pdf").locator(".upload-status")).to_have_text(
        re.compile("rig-notes.pdf is not a PDF"), timeout=30_000
    )
    files = page.locator('table[aria-labelledby="files-heading"]')
    expect(files.locator("tr", has_text="rig.jpg")).to_contain_text("Verified")
    expect(files.locator("tr", has_text="rig-notes.pdf")).to_contain_text("Rejected")
    expect(files.get_by_role("link", name=re.compile("Download rig.jpg"))).to_be_visible()
    screenshot(page, "apprentice-upload-results")


def test_a_file_chosen_before_the_upload_script_ran_is_still_sent(
    world: Any, page: Page, celery_worker: Any, tmp_path: Path
) -> None:
    """On a slow connection the page shows before its deferred scripts run: a file chosen in that moment is sent
    when the script arrives, not dropped (its change event fired before anyone listened)."""
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=("K1",), files=0, title="Rig plan")
    photo = tmp_path / "rig-plan.jpg"
    photo.write_bytes(image("jpeg"))
    sign_in(page, world.apprentice.email, PASSWORD)
    held: list[Any] = []
    page.route(re.compile(r".*/js/evidence-upload[^/]*\.js$"), lambda route: held.append(route))
    page.goto(f"/evidence/{evidence.public_id}/", wait_until="commit")  # deferred scripts hold DOMContentLoaded
    page.set_input_files("#upload-input", str(photo))  # waits for the input, shown before the script runs
    expect(page.locator(".upload-list li")).to_have_count(0)  # nothing listened yet
    assert len(held) == 1
    held[0].continue_()  # the script arrives
    expect(page.locator(".upload-list li .upload-status")).to_have_text(re.compile("checked and added"), timeout=30_000)
