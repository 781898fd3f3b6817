"""The apprentice's day in a real browser, at phone size and at a desk: a returned item is fixed from where
they are told about it. They open it (from the start page on the phone, from the notification at the desk),
read the reviewer's comment at the top, remove the rejected file, upload another, and resubmit: no false
"changed while you were looking" conflict, because the submit form is refreshed with the file table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.notify.models import Notification
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from portfolio.standards.services import standard_import
from tests.browser.conftest import screenshot, sign_in
from tests.evidence.samples import pdf
from tests.factories import PASSWORD, EvidenceFactory, EvidenceFileFactory, make_world
from tests.standards.conftest import api_document, plan_text

COMMENT = "The risk assessment is not signed. Upload the signed copy and remove the photo that failed."
WIDER_THAN_THE_PHONE = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - 390"
# Named in the failure message: the outermost elements reaching past the phone's edge.
PAST_THE_EDGE = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > 391 && !el.parentElement.closest('.table-wrap'))
  .slice(0, 6).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))"""


@pytest.fixture
def returned_world(transactional_db: None) -> Any:
    standard = standard_import(plan=plan_text("ST0792"), api_document=api_document("ST0792")).standard
    assert standard is not None
    world = make_world(standard=standard)
    world.apprenticeship.option = standard.options.get(title="Production coordinator")
    world.apprenticeship.assessor = world.assessor
    world.apprenticeship.line_manager = world.line_manager
    world.apprenticeship.save()
    for start, title in ((0, "Call sheet"), (4, "Budget tracker")):
        EvidenceFactory.create(
            apprenticeship=world.apprenticeship,
            state=Evidence.State.ACCEPTED,
            tags=["K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"][start : start + 4],
            title=title,
        )
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=("K9",), title="Site risk assessment")
    evidence_submit(actor=world.apprentice, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    evidence_return(actor=world.assessor, evidence=evidence, expected_version=evidence.version, comment=COMMENT)
    # A file the checks rejected after the return (a photo format that is not allowed).
    EvidenceFileFactory.create(evidence=evidence, state=EvidenceFile.State.REJECTED, original_name="site-photo.heic")
    coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk])
    return world, evidence


def _accessible(page: Page) -> None:
    """axe-core on the page as it is: no serious or critical violation."""
    violations = Axe().run(page).response["violations"]
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    bad = [item for item in bad if item[1] in ("serious", "critical")]
    assert not bad, f"{page.url}: {bad}"


def _fits_the_phone(page: Page, size: str) -> None:
    _accessible(page)
    if size == "phone":
        wider = page.evaluate(WIDER_THAN_THE_PHONE)
        assert wider <= 0, f"{page.url} is {wider} px wider than 390: {page.evaluate(PAST_THE_EDGE)}"


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_the_apprentice_fixes_a_returned_item(
    returned_world: Any,
    size: str,
    request: pytest.FixtureRequest,
    live_server: Any,  # named here, so pytest-django lets its host in before the page fixture is chosen
    celery_worker: Any,
    tmp_path: Path,
) -> None:
    page: Page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    world, evidence = returned_world
    upload = tmp_path / "signed-risk-assessment.pdf"
    upload.write_bytes(pdf())

    # Signed in, the apprentice lands on the start page: the returned item, its comment, the rejected file.
    sign_in(page, world.apprentice.email, PASSWORD)
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    returned_task = page.locator("#task-returned")
    expect(returned_task).to_contain_text("1 returned")
    expect(returned_task).to_contain_text(COMMENT)
    expect(page.locator("#task-rejected")).to_contain_text("site-photo.heic")
    expect(page.locator("#task-waiting")).to_contain_text("Nothing of yours is waiting")
    _fits_the_phone(page, size)
    screenshot(page, f"apprentice-start-{size}")

    if size == "phone":
        returned_task.get_by_role("link", name="Site risk assessment").click()
    else:
        page.get_by_role("link", name=re.compile("^Notifications")).click()
        page.get_by_role("link", name=re.compile("Site risk assessment.*returned")).click()
        notification = Notification.objects.get(recipient=world.apprentice, kind="evidence.returned")
        assert notification.read_at is not None  # opening it marked it read

    # The evidence page: the comment first, with what to do next.
    expect(page).to_have_url(re.compile(f"/evidence/{evidence.public_id}/$"))
    notice = page.locator(".notice-returned")
    expect(notice).to_contain_text("Returned for changes")
    expect(notice).to_contain_text(COMMENT)
    expect(notice).to_contain_text("What to do next")
    _fits_the_phone(page, size)
    screenshot(page, f"apprentice-evidence-returned-{size}")

    # Remove the rejected file, after saying yes.
    page.locator(".notice-error").get_by_role("link", name="Remove site-photo.heic").click()
    expect(page.get_by_role("heading", name="Remove site-photo.heic?")).to_be_visible()
    _fits_the_phone(page, size)
    page.get_by_role("button", name="Remove the file").click()
    expect(page.locator(".messages")).to_contain_text("site-photo.heic was removed")
    expect(page.locator(".notice-error")).to_have_count(0)
    assert not evidence.files.filter(state=EvidenceFile.State.REJECTED).exists()

    # Upload the signed copy through the page, straight to storage, checked by the worker.
    page.set_input_files("#upload-input", str(upload))
    expect(page.locator(".upload-status")).to_have_text(re.compile("checked and added"), timeout=30_000)
    # htmx reloads the file table and the submit form together: the new file is there, and the form
    # carries the version the upload made.
    files = page.locator("#files-and-submit table")
    expect(files).to_contain_text("signed-risk-assessment.pdf")
    evidence.refresh_from_db()
    expect(page.locator("#submit-form input[name=expected_version]")).to_have_value(str(evidence.version))
    expect(page.locator("#evidence-version")).to_have_text(f"(version {evidence.version})")  # out of band
    _fits_the_phone(page, size)
    screenshot(page, f"apprentice-evidence-fixed-{size}")

    # Resubmit: no conflict.
    page.get_by_role("button", name="Submit again for review").click()
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Submitted for review")
    expect(messages).not_to_contain_text("changed")
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.SUBMITTED
    assert sorted(evidence.files.values_list("original_name", flat=True)) == sorted(
        [name for name in evidence.files.values_list("original_name", flat=True) if name != "site-photo.heic"]
    )
    assert evidence.files.filter(original_name="signed-risk-assessment.pdf", state="verified").exists()

    # The start page now says it waits on the employer.
    page.goto("/")
    expect(page.locator("#task-waiting")).to_contain_text("Your employer to confirm (1)")
    expect(page.locator("#task-returned")).to_contain_text("None")


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_the_progress_page_shows_each_ao_first_and_opens_one_at_a_time(
    returned_world: Any, size: str, request: pytest.FixtureRequest, live_server: Any
) -> None:
    page: Page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    world, _ = returned_world
    sign_in(page, world.apprentice.email, PASSWORD)
    page.goto(f"/progress/{world.apprenticeship.public_id}/")
    groups = page.locator("details.ao-group")
    expect(groups.first).to_be_visible()
    assert groups.count() >= 5
    assert page.locator("details.ao-group[open]").count() == 0  # collapsed: the bars come first
    _fits_the_phone(page, size)
    screenshot(page, f"apprentice-progress-{size}")
    collapsed_height = page.evaluate("() => document.documentElement.scrollHeight")

    # A link to one AO (as the start page gives) opens just that one.
    page.goto(f"/progress/{world.apprenticeship.public_id}/#ao-AO2")
    expect(page.locator("details#ao-AO2")).to_have_attribute("open", "")
    expect(page.locator("details#ao-AO2")).to_contain_text("Missing")
    assert page.locator("details.ao-group[open]").count() == 1
    page.locator("details#ao-AO1 > summary").click()
    expect(page.locator("details#ao-AO1")).to_contain_text("Call sheet")
    assert page.evaluate("() => document.documentElement.scrollHeight") > collapsed_height
    _fits_the_phone(page, size)


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_the_tag_pickers_save_button_is_on_screen_without_scrolling_to_the_end(
    returned_world: Any, size: str, request: pytest.FixtureRequest, live_server: Any
) -> None:
    page: Page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    world, evidence = returned_world
    sign_in(page, world.apprentice.email, PASSWORD)
    page.goto(f"/evidence/{evidence.public_id}/tags/")
    save = page.get_by_role("button", name="Save tags")
    expect(save).to_be_in_viewport()
    page.locator("input[name=statements][value=K10]").check()
    expect(page.locator("[data-chosen-count]")).to_have_text("2 chosen")
    expect(save).to_be_in_viewport()
    _fits_the_phone(page, size)
    screenshot(page, f"apprentice-tags-{size}")
    save.click()
    expect(page.locator(".messages")).to_contain_text("Tags saved")
    assert sorted(evidence.tags.values_list("statement__code", flat=True)) == ["K10", "K9"]
