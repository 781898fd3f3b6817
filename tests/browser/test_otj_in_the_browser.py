"""Off-the-job hours in a real browser, on a phone (390x844) and at a desk (1280x900).

The apprentice logs an activity from the start page with the quick form: one tap on a duration (the start time
follows it, so the activity ends now), a kind of activity, a line of description, "Log it". A second entry
overlapping the first is refused with the overlap named at the top and next to the field. The assessor opens
the approval queue from the start page, declines one entry with a comment, selects all and approves the rest;
the apprentice's log then shows the approved hours. Every page fits 390 px and passes the shared checks.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from portfolio.otj.models import OtjActivity
from portfolio.otj.services.activities import otj_activity_create
from portfolio.otj.services.minimums import otj_minimums_save
from portfolio.people.models import Apprenticeship
from tests.browser.checks import page_problems
from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, World, make_world


@pytest.fixture
def world(transactional_db: None) -> World:
    world = make_world()
    world.apprentice.first_name, world.apprentice.last_name = "Alex", "Morgan"
    world.apprentice.save()
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(otj_planned_hours=400)
    otj_minimums_save(actor=world.admin, provider=world.provider, minimums={world.standard: 278})
    for day, kind in ((6, "shadowing"), (7, "mentoring")):
        otj_activity_create(
            actor=world.apprentice, apprenticeship=world.apprenticeship, date=datetime.date(2025, 10, day),
            start_time=datetime.time(9, 0), minutes=120, activity_type=kind, description=f"{kind} with the crew",
        )  # fmt: skip
    return world


@pytest.fixture(params=["phone", "desk"])
def size(request: pytest.FixtureRequest, live_server: Any) -> tuple[str, Page]:
    fixture = "phone_page" if request.param == "phone" else "page"
    return request.param, request.getfixturevalue(fixture)


def look(page: Page, size: str, name: str) -> None:
    assert page_problems(page, phone=size == "phone") == []
    screenshot(page, f"otj-{name}-{size}")


def test_log_an_activity_then_the_assessor_approves(world: World, size: tuple[str, Page]) -> None:
    label, page = size
    sign_in(page, world.apprentice.email, PASSWORD)
    page.get_by_role("link", name="Log off-the-job hours").click()
    expect(page.locator("h1")).to_have_text("Your off-the-job hours")
    page.get_by_role("button", name="3 h").click()
    expect(page.locator("input[name=hours]")).to_have_value("3")
    page.get_by_label("Online learning").check()
    page.get_by_label("What did you do and learn?").fill("Module 4: contracts and copyright, with the quiz.")
    look(page, label, "log")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator(".messages")).to_contain_text("It counts once your tutor or assessor approves it.")
    logged = OtjActivity.objects.get(activity_type="online_learning")
    assert (logged.minutes, logged.logged_by) == (180, world.apprentice)
    # The start followed the duration: the activity ended within the last few minutes (dated yesterday if it
    # started before midnight).
    end = datetime.datetime.combine(logged.date, logged.start_time) + datetime.timedelta(minutes=180)
    assert datetime.timedelta(0) <= timezone.localtime().replace(tzinfo=None) - end < datetime.timedelta(minutes=10)

    # The same slot again: refused, the overlap named, nothing saved, what was typed kept.
    page.get_by_role("button", name="1 h", exact=True).click()
    page.get_by_label("What did you do and learn?").fill("The same hour again.")
    page.locator("input[name=date]").fill(logged.date.isoformat())
    page.locator("input[name=start_time]").fill(logged.start_time.strftime("%H:%M"))
    page.get_by_role("button", name="Log it").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("This overlaps the online learning logged for")
    expect(page.get_by_label("What did you do and learn?")).to_have_value("The same hour again.")
    assert OtjActivity.objects.count() == 3
    look(page, label, "log-refused")

    page.context.clear_cookies()
    sign_in(page, world.assessor.email, PASSWORD)
    page.get_by_role("link", name="OTJ entries to approve").click()
    expect(page.locator(".review-item")).to_have_count(3)
    look(page, label, "queue")
    page.get_by_role("link", name="Alex Morgan: mentoring, 2 h").click()
    page.get_by_label("Comment").fill("You were doing your normal job that morning.")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator(".messages")).to_contain_text("Declined.")
    expect(page.locator(".review-item")).to_have_count(2)
    page.get_by_role("link", name="Select all (2)").click()
    page.get_by_role("button", name="Approve the selected entries").click()
    expect(page.locator(".messages")).to_contain_text("Approved 2 of 2.")
    assert sorted(OtjActivity.objects.values_list("state", flat=True)) == ["approved", "approved", "declined"]

    page.goto(f"/otj/apprenticeships/{world.apprenticeship.public_id}/")
    expect(page.locator(".otj-headline")).to_have_text("OTJ 5 of 278 h: 273 h to go")
    look(page, label, "log-staff")
