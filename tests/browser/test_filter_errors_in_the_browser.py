"""A filter value a list cannot use (a stale or edited link) is named in the error summary, which takes the
focus and links to the control that corrects it; the page passes every page check at phone and desk width."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.checks import page_problems, signed_in_context
from tests.browser.conftest import screenshot
from tests.factories import make_world

FOCUSED_IS_SUMMARY = "() => document.activeElement && document.activeElement.matches('[data-error-summary]')"


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desk"])
def test_a_refused_filter_is_named_and_corrected_from_the_summary(
    browser: Browser, live_server: Any, insecure_cookies: None, transactional_db: Any, phone: bool
) -> None:
    world = make_world()
    cases = [
        ("/cohort/?ready=maybe&q=a", "cohort", "Ready: “maybe” is neither yes nor no", "Ready"),
        ("/evidence/?state=lost", "evidence", "State: “lost” is not one of the choices", "State"),
    ]
    context = signed_in_context(browser, live_server.url, world.tutor, phone=phone)
    page = context.new_page()
    try:
        for url, name, message, label in cases:
            response = page.goto(url)
            assert response is not None
            assert response.status == 400
            summary = page.locator("[data-error-summary]")
            expect(summary).to_contain_text("There is a problem")
            expect(summary).to_contain_text(message)
            assert page.evaluate(FOCUSED_IS_SUMMARY), url
            assert page_problems(page, phone=phone) == []
            screenshot(page, f"filter-error-{name}-{'phone' if phone else 'desk'}")
            summary.get_by_role("link").first.click()
            expect(page.get_by_label(label, exact=True)).to_be_focused()
            # Choosing a value from the form and applying it answers the list again.
            page.get_by_label(label, exact=True).select_option(index=1)
            page.get_by_role("button", name="Apply" if name == "cohort" else "Filter").click()
            expect(page.locator("[data-error-summary]")).to_have_count(0)
            assert "maybe" not in page.url
            assert "lost" not in page.url
    finally:
        context.close()
