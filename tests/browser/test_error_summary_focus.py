"""After a server-side error the error summary has the focus (a screen reader reads "There is a problem"),
and each of its links takes the person to the field in error."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.factories import UserFactory

FOCUSED_IS_SUMMARY = "() => document.activeElement && document.activeElement.matches('[data-error-summary]')"


def test_focus_moves_to_the_error_summary_and_its_link_to_the_field(page: Page, transactional_db: Any) -> None:
    user = UserFactory.create()
    page.goto("/accounts/password-reset/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Send the link").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("There is a problem")
    assert page.evaluate(FOCUSED_IS_SUMMARY)
    summary.get_by_role("link", name="Enter a valid email address.").click()
    expect(page.get_by_label("Email")).to_be_focused()

    # The sign-in form puts autofocus on its email field; after a failed sign-in the summary still wins.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert page.evaluate(FOCUSED_IS_SUMMARY)
