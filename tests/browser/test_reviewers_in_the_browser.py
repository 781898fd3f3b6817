"""The reviewers' day in a real browser, on a phone (390x844) and at a desk (1280x900).

The line manager opens an item's file, returns one item with a comment, selects all and confirms the rest,
then confirms behaviours from the apprentice's page. The assessor previews the files and decides each
statement: one accepted, one declined with a comment. Every page they meet fits the phone's 390 px.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from portfolio.coverage.models import ReadinessEvent
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import BehaviourConfirmation, ReviewDecision
from tests.browser.conftest import screenshot, sign_in
from tests.evidence.samples import image, pdf
from tests.factories import (
    PASSWORD,
    ApprenticeshipFactory,
    EmployerFactory,
    EvidenceFactory,
    StatementFactory,
    UserFactory,
    World,
    make_world,
)

PHONE_WIDTH = 390
# Measured against 390 itself: under phone emulation innerWidth stretches to the content.
PAGE_WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
IMAGE_SHOWN = "img => img.complete && img.naturalWidth > 0"


@pytest.fixture
def world(transactional_db: None) -> World:
    world = make_world()
    for code in ("K1", "S1", "B1", "B2"):
        StatementFactory.create(standard=world.standard, code=code)
    world.apprentice.first_name, world.apprentice.last_name = "Alex", "Morgan"
    world.apprentice.save()
    EvidenceFactory.create(
        apprenticeship=world.apprenticeship,
        state="submitted",
        title="Wiring check",
        reflection="I tested every circuit twice before signing it off.",
        files=[{"original_name": "board.png", "content": image("png"), "declared_type": "image/png", "stored": True}],
    )
    EvidenceFactory.create(apprenticeship=world.apprenticeship, state="submitted", title="Stock count")
    EvidenceFactory.create(apprenticeship=world.apprenticeship, state="submitted", title="Tool log")
    EvidenceFactory.create(
        apprenticeship=world.apprenticeship,
        state="confirmed",
        title="Torque report",
        reflection="What I learned about torque settings.",
        files=[
            {"original_name": "torque.png", "content": image("png"), "declared_type": "image/png", "stored": True},
            {"original_name": "torque-sheet.pdf", "content": pdf(), "declared_type": "application/pdf",
             "stored": True},
        ],
    )  # fmt: skip
    # Another apprentice of the provider (at another employer) became ready today: the staff start page says so.
    sam = ApprenticeshipFactory.create(
        provider=world.provider, employer=EmployerFactory.create(provider=world.provider), standard=world.standard,
        apprentice=UserFactory.create(first_name="Sam", last_name="Lee"),
    )  # fmt: skip
    ReadinessEvent.objects.create(
        apprenticeship=sam,
        sequence=1,
        ready=True,
        state="ready",
        previous_state="not_ready",
        coverage={},
        occurred_at=timezone.now(),
    )
    return world


@pytest.fixture(params=["phone", "desk"])
def size(request: pytest.FixtureRequest, live_server: Any) -> tuple[str, Page]:
    # live_server named here, not only fetched below: pytest-django lets its host in only for tests that name it.
    fixture = "phone_page" if request.param == "phone" else "page"
    return request.param, request.getfixturevalue(fixture)


def look(page: Page, size: str, name: str) -> None:
    """Every page of the journey: one h1, no serious or critical axe violation, no sideways scrolling on a
    phone; a screenshot to look at."""
    expect(page.locator("h1")).to_have_count(1)
    found = Axe().run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']}" for v in found if v["impact"] in {"serious", "critical"}]
    assert serious == [], f"{page.url}: {serious}"
    if size == "phone":
        assert page.evaluate(PAGE_WIDTH) <= PHONE_WIDTH, f"{page.url} is wider than a phone"
    screenshot(page, f"{name}-{size}")


def test_the_line_manager_reviews_returns_confirms_all_and_confirms_behaviours(
    world: World, size: tuple[str, Page]
) -> None:
    name, page = size
    sign_in(page, world.line_manager.email, PASSWORD)
    page.goto("/")
    expect(page.locator("#start-employer")).to_be_visible()
    expect(page.locator("main")).to_contain_text("3 waiting")
    expect(page.locator("main")).to_contain_text("2 behaviours to confirm")
    look(page, name, "start-employer")

    page.get_by_role("link", name="Evidence to confirm").click()
    expect(page.locator("h1")).to_have_text("Evidence to confirm")
    expect(page.locator("main")).to_contain_text("K1 Statement K1")
    page.locator("summary", has_text="Reflection").first.click()
    expect(page.get_by_text("I tested every circuit twice")).to_be_visible()
    look(page, name, "confirmation-queue")

    # Open the item, see its file, open the file itself.
    page.get_by_role("link", name="Wiring check").click()
    expect(page.locator("h1")).to_have_text("Wiring check")
    preview = page.get_by_role("img", name="board.png")
    preview.scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({IMAGE_SHOWN})(document.querySelector('.file-preview img'))")
    look(page, name, "review-employer")
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Open board.png").click()
    file_tab = opened.value
    file_tab.wait_for_load_state()
    assert file_tab.evaluate(f"() => ({IMAGE_SHOWN})(document.images[0])")
    file_tab.close()

    # Return it with a comment.
    page.get_by_label("What should the apprentice change?").fill("Add a photo of the finished board.")
    page.get_by_role("button", name="Return with this comment").click()
    expect(page.locator("main")).to_contain_text("Returned “Wiring check” to the apprentice with your comment.")

    # Select all, confirm the rest.
    expect(page.locator("input[name=item]")).to_have_count(2)
    page.get_by_role("link", name="Select all (2)").click()
    for box in page.locator("input[name=item]").all():
        expect(box).to_be_checked()
    page.get_by_role("button", name="Confirm the selected evidence").click()
    expect(page.locator("main")).to_contain_text("Confirmed 2 of 2.")
    expect(page.locator("main")).to_contain_text("Nothing is waiting for your confirmation.")

    # Behaviours, from the apprentice's page.
    page.goto("/")
    page.get_by_role("link", name="Alex Morgan").click()
    expect(page.locator("h1")).to_have_text("Progress of Alex Morgan")
    page.get_by_role("link", name="Confirm behaviours").click()
    page.get_by_label("B1 Statement B1").check()
    page.get_by_label("B2 Statement B2").check()
    page.get_by_label("What you saw").fill("Punctual and careful every week.")
    look(page, name, "behaviours")
    page.get_by_role("button", name="Confirm the selected behaviours").click()
    expect(page.locator("main")).to_contain_text("Behaviours confirmed.")
    expect(page.locator("main")).to_contain_text("Every behaviour is confirmed.")

    # Withdrawing one asks first; "No, keep it" keeps it, "Yes" withdraws it.
    page.get_by_role("link", name="Withdraw the confirmation of B2").click()
    expect(page.locator("h1")).to_have_text("Withdraw the confirmation of B2?")
    look(page, name, "behaviour-withdraw")
    page.get_by_role("link", name="No, keep it").click()
    page.get_by_role("link", name="Withdraw the confirmation of B2").click()
    page.get_by_role("button", name="Yes, withdraw it").click()
    expect(page.locator("main")).to_contain_text("Confirmation of B2 withdrawn.")

    states = dict(Evidence.objects.filter(apprenticeship=world.apprenticeship).values_list("title", "state"))
    assert states == {
        "Wiring check": "returned",
        "Stock count": "confirmed",
        "Tool log": "confirmed",
        "Torque report": "confirmed",
    }
    returned = ReviewDecision.objects.get(action="return")
    assert (returned.actor, returned.comment) == (world.line_manager, "Add a photo of the finished board.")
    confirmed = BehaviourConfirmation.objects.filter(apprenticeship=world.apprenticeship, withdrawn_at=None)
    assert sorted(confirmed.values_list("statement__code", flat=True)) == ["B1"]
    assert BehaviourConfirmation.objects.filter(statement__code="B2", withdrawn_by=world.line_manager).count() == 1


def test_the_assessor_previews_the_files_and_decides_each_statement(world: World, size: tuple[str, Page]) -> None:
    name, page = size
    sign_in(page, world.assessor.email, PASSWORD)
    page.goto("/")
    expect(page.locator("#start-staff")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1 waiting")
    expect(page.locator("main")).to_contain_text("1 ready, 0 no longer ready")
    expect(page.get_by_role("link", name="Sam Lee")).to_be_visible()
    look(page, name, "start-staff")

    page.get_by_role("link", name="Evidence to accept").click()
    look(page, name, "acceptance-queue")
    page.get_by_role("link", name="Torque report").click()
    expect(page.get_by_text("What I learned about torque settings.")).to_be_visible()
    picture = page.get_by_role("img", name="torque.png")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({IMAGE_SHOWN})(document.querySelector('.file-preview img'))")
    frame = page.locator("object[title='torque-sheet.pdf (PDF)']")
    expect(frame).to_have_count(1)
    shown = page.request.get(frame.get_attribute("data") or "")
    assert shown.ok
    assert shown.headers["content-disposition"].startswith("inline;")
    assert shown.headers["content-type"] == "application/pdf"
    for code in ("K1", "S1"):
        expect(page.get_by_label(f"Accept {code}")).not_to_be_checked()
        expect(page.get_by_label(f"Decline {code}")).not_to_be_checked()
    look(page, name, "review-assessor")

    # Nothing chosen: the error summary names each undecided statement and takes the focus.
    page.get_by_role("button", name="Save these decisions").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("K1 is tagged on this evidence but not decided")
    expect(summary).to_contain_text("S1 is tagged on this evidence but not decided")
    look(page, name, "review-assessor-errors")

    page.get_by_label("Accept K1").check()
    page.get_by_label("Decline S1").check()
    page.get_by_label("Comment on S1").fill("The sheet does not show the safety checks.")
    page.get_by_role("button", name="Save these decisions").click()
    expect(page.locator("main")).to_contain_text("Accepted “Torque report”.")

    torque = Evidence.objects.get(title="Torque report")
    assert torque.state == "accepted"
    assert dict(torque.tags.values_list("statement__code", "state")) == {"K1": "accepted", "S1": "declined"}
    assert torque.tags.get(statement__code="S1").comment == "The sheet does not show the safety checks."
