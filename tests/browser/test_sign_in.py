from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, build_world


@pytest.mark.django_db(transaction=True)
def test_an_apprentice_signs_in_and_sees_only_their_apprenticeship(page: Page) -> None:
    own, other = build_world()
    sign_in(page, own.apprentice.email, PASSWORD)
    page.goto("/apprenticeships/")
    body = page.inner_text("main")
    assert own.apprenticeship.standard.title in body or own.apprenticeship.standard.reference in body
    assert other.apprentice.email not in body
    screenshot(page, "apprentice-apprenticeships")


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_refused_with_a_message(page: Page) -> None:
    own, _ = build_world()
    sign_in(page, own.apprentice.email, "not-the-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").count() >= 1 or "correct" in page.inner_text("main").lower()
