"""A progress review in a real browser, on a phone (390x844), every page reached by links from the start pages.

The tutor opens the reviews list from the start page, finds the apprentice overdue, schedules the review and then
records it (what each party said, one action) and signs it. The apprentice and the line manager each open the
notification that asks them to sign, and sign on the page it lands on. The tutor then sees the review complete,
and its signed PDF, made by the worker, linked from it. Each page passes the shared checks; screenshots are kept.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from portfolio.people.models import Apprenticeship
from portfolio.progress.models import ProgressReview
from tests.browser.checks import page_problems, signed_in_context
from tests.browser.conftest import screenshot
from tests.factories import World
from tests.progress.helpers import review_world


@pytest.fixture
def world(transactional_db: None) -> World:
    world = review_world()
    # Started seven months ago and never reviewed: the first review is overdue.
    start = timezone.localdate() - datetime.timedelta(days=210)
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(start_date=start)
    return world


def look(page: Page, name: str) -> None:
    assert page_problems(page, phone=True) == []
    screenshot(page, f"progress-review-{name}-phone")


def phone(browser: Browser, live_server: Any, user: Any) -> Page:
    return signed_in_context(browser, live_server.url, user, phone=True).new_page()


def sign_from_the_notification(page: Page, name: str) -> None:
    page.goto("/")
    look(page, f"start-{name}")  # the start page lists the review to sign, too
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role("link", name="Sign the progress review of Alex Morgan").first.click()
    expect(page.locator("h1")).to_contain_text("Sign the progress review")
    look(page, f"sign-{name}")
    page.get_by_label("I have read this record and sign it").check()
    page.get_by_role("button", name="Sign the review").click()
    expect(page.locator(".messages")).to_contain_text("You signed the progress review")


def test_a_review_scheduled_held_and_signed_by_all_three(
    world: World, browser: Browser, live_server: Any, insecure_cookies: None, celery_worker: Any
) -> None:
    tutor = phone(browser, live_server, world.tutor)
    tutor.goto("/")
    tutor.get_by_role("link", name="Progress reviews overdue and awaiting signatures").click()
    expect(tutor.locator("h1")).to_have_text("Progress reviews")
    look(tutor, "list")
    tutor.locator("#overdue-heading + ul").get_by_role("link", name="Alex Morgan").click()
    expect(tutor.locator("[data-overdue=true]")).to_contain_text("Overdue")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    tutor.get_by_label("Date").fill(tomorrow.isoformat())
    tutor.get_by_label("Time").fill("10:30")
    tutor.get_by_label("Where (optional)").fill("Riverside Studios, meeting room 2")
    look(tutor, "schedule")
    tutor.get_by_role("button", name="Schedule the review").click()
    expect(tutor.locator(".messages")).to_contain_text("Review scheduled")
    look(tutor, "scheduled")

    tutor.get_by_role("link", name="Record the review").click()
    tutor.get_by_label("Held on").fill(timezone.localdate().isoformat())
    tutor.get_by_label("Apprentice: progress").fill("Ran the get-in for the spring show on my own.")
    tutor.get_by_label("Employer: progress").fill("Reliable, and the crew trust her.")
    tutor.get_by_label("Training provider: next steps").fill("Unit 4: lighting design.")
    action = tutor.locator(".action-row").first
    action.get_by_label("Action").fill("Book the lighting course")
    action.get_by_label("Whose").select_option("apprentice")
    action.get_by_label("Due by").fill((timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    look(tutor, "record")
    tutor.get_by_role("button", name="Record the review as held").click()
    expect(tutor.locator("h1")).to_contain_text("Sign the progress review")
    tutor.get_by_label("I have read this record and sign it").check()
    tutor.get_by_role("button", name="Sign the review").click()
    expect(tutor.locator(".readiness")).to_contain_text("Waiting for the apprentice and the employer to sign")

    sign_from_the_notification(phone(browser, live_server, world.apprentice), "apprentice")
    sign_from_the_notification(phone(browser, live_server, world.line_manager), "line-manager")

    tutor.reload()
    expect(tutor.locator("[data-state=complete]")).to_contain_text("Complete: signed by all three")
    # The PDF is made by the worker once the last signature commits; the page links it when it is there.
    review = ProgressReview.objects.get()
    for _ in range(60):
        review.refresh_from_db()
        if review.pdf_current:
            break
        tutor.wait_for_timeout(500)
    tutor.reload()
    expect(tutor.get_by_role("link", name="Download the signed PDF")).to_be_visible()
    look(tutor, "complete")
    # The cohort shows the next review, three months on, and no longer the overdue flag.
    tutor.goto("/cohort/")
    row = tutor.locator(f"[data-apprenticeship='{world.apprenticeship.public_id}']")
    expect(row).not_to_contain_text("Overdue")
    look(tutor, "cohort")
