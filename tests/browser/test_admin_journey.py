"""The provider admin's first day in a real browser, at a phone's size and at a desk's: from the start page,
create an apprenticeship (seeing a refusal next to its field first), invite a line manager from the
apprenticeship's page; then the invited apprentice opens the link from their email, sets a password and lands
on their start page. And every destructive action (deactivate, revoke, delete a webhook) asks first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, ViewportSize, expect

from portfolio.people.models import Apprenticeship, Invitation, Membership
from portfolio.people.services.invitations import invitation_create
from portfolio.webhooks.models import WebhookEndpoint
from portfolio.webhooks.services import webhook_endpoint_create
from tests.browser.conftest import screenshot, sign_in
from tests.factories import PASSWORD, make_world

APPRENTICE = "ada.byrne@example.org"
LINE_MANAGER = "lee.manager@example.org"
NEW_PASSWORD = "a-long-new-passphrase-42"
SIZES: dict[str, ViewportSize] = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1280, "height": 900}}
# Measured against 390 itself: under phone emulation Chromium widens innerWidth to the content.
PAGE_WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > 390).map(el => el.outerHTML.slice(0, 80)).slice(0, 5)"""


def invitation_link(email: str) -> str:
    """The link in the last invitation email to `email` (Django's test email backend keeps mail in memory)."""
    [body] = [str(message.body) for message in mail.outbox if message.to == [email]][-1:]
    match = re.search(r"https?://\S+/accounts/invitations/\S+/", body)
    assert match, body
    return match.group(0)


def fits(page: Page, size: str) -> None:
    if size == "phone":
        width = page.evaluate(PAGE_WIDTH)
        assert width <= 390, f"{page.url} is {width}px wide on a 390px phone: {page.evaluate(WIDE_ELEMENTS)}"


@pytest.fixture(params=["phone", "desk"])
def sized_page(
    request: Any, browser: Browser, live_server: Any, insecure_cookies: None, mail_in_process: None, settings: Any
) -> Iterator[Page]:
    settings.SITE_URL = live_server.url  # links in emails start from the site's public address: here, this server
    phone = request.param == "phone"
    context = browser.new_context(
        base_url=live_server.url, viewport=SIZES[request.param], is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_admin_creates_an_apprenticeship_invites_its_people_and_the_apprentice_signs_up(
    transactional_db: None, sized_page: Page, live_server: Any
) -> None:
    page = sized_page
    size = "phone" if page.viewport_size == SIZES["phone"] else "desk"
    world = make_world()
    sign_in(page, world.admin.email, PASSWORD)

    # The start page says what needs doing, with the admin's tasks one tap away.
    expect(page.get_by_role("heading", name=f"Admin: {world.provider.name}")).to_be_visible()
    expect(page.get_by_role("link", name="Apprenticeships without a line manager")).to_be_visible()
    fits(page, size)
    screenshot(page, f"admin-start-{size}")
    page.get_by_role("link", name="Create an apprenticeship").first.click()

    # The form: the option list follows the chosen standard (htmx), a refusal shows next to its field.
    expect(page.get_by_role("heading", name="Create an apprenticeship")).to_be_visible()
    page.get_by_label("Apprentice's email address").fill(APPRENTICE)
    page.get_by_label("Apprentice's first name").fill("Ada")
    page.get_by_label("Apprentice's last name").fill("Byrne")
    page.get_by_label("Employer").select_option(label=world.employer.name)
    page.get_by_label("Standard and version").select_option(
        label=f"{world.standard.reference} v{world.standard.version} {world.standard.title}"
    )
    option = page.get_by_label("Option")
    expect(option.locator("option", has_text="Route B")).to_have_count(1)
    option.select_option(label="Route B")
    page.get_by_label("Start date").fill("2026-09-01")
    page.get_by_label("Planned end date").fill("2025-06-30")
    page.get_by_label("Assessor").select_option(label=world.assessor.email)
    fits(page, size)
    screenshot(page, f"admin-apprenticeship-form-{size}")
    page.get_by_role("button", name="Create apprenticeship").click()

    expect(page.locator("#id_planned_end_date_error")).to_have_text(
        "Error: The planned end date must be after the start date."
    )
    # The error summary at the top takes the focus and links to the field.
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary a[href='#id_planned_end_date']")).to_be_visible()
    expect(page.get_by_label("Apprentice's email address")).to_have_value(APPRENTICE)  # nothing retyped
    fits(page, size)
    screenshot(page, f"admin-apprenticeship-form-error-{size}")
    page.get_by_label("Planned end date").fill("2028-06-30")
    page.get_by_role("button", name="Create apprenticeship").click()

    # The apprenticeship's page: created, the apprentice emailed; invite the line manager from here.
    expect(page.get_by_text(f"We emailed {APPRENTICE} an invitation.")).to_be_visible()
    apprenticeship = Apprenticeship.objects.get(apprentice__email=APPRENTICE)
    assert (apprenticeship.option.title, apprenticeship.assessor) == ("Route B", world.assessor)  # type: ignore[union-attr]
    fits(page, size)
    screenshot(page, f"admin-apprenticeship-created-{size}")
    page.get_by_role("link", name=f"Invite a line manager at {world.employer.name}").click()
    expect(page.get_by_label("Where they work")).to_have_value(str(world.employer.public_id))
    expect(page.get_by_label("Role")).to_have_value("line_manager")
    page.get_by_label("Email address").fill(LINE_MANAGER)
    page.get_by_label("First name").fill("Lee")
    fits(page, size)
    screenshot(page, f"admin-invite-form-{size}")
    page.get_by_role("button", name="Send the invitation").click()

    expect(page.get_by_text(f"Invitation sent to {LINE_MANAGER} as line manager.")).to_be_visible()
    expect(page.get_by_role("cell", name=LINE_MANAGER, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=APPRENTICE, exact=True)).to_be_visible()
    fits(page, size)
    screenshot(page, f"admin-invitations-{size}")
    assert set(Invitation.objects.filter(accepted_at__isnull=True).values_list("email", flat=True)) == {
        APPRENTICE,
        LINE_MANAGER,
    }
    page.get_by_role("button", name="Sign out").click()

    # The apprentice: the link from the email, a password, and their own start page.
    page.goto(invitation_link(APPRENTICE))
    expect(page.get_by_role("heading", name="Accept your invitation")).to_be_visible()
    page.get_by_label("Password").fill(NEW_PASSWORD)
    fits(page, size)
    page.get_by_role("button", name="Accept").click()

    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    assert page.url.rstrip("/") == live_server.url
    expect(page.get_by_role("heading", name="Your evidence", exact=True)).to_be_visible()
    assert Invitation.objects.get(email=APPRENTICE).accepted_at is not None
    fits(page, size)
    screenshot(page, f"admin-invited-apprentice-start-{size}")


def test_the_admin_is_asked_before_revoking_deactivating_or_deleting(
    transactional_db: None, sized_page: Page, live_server: Any
) -> None:
    page = sized_page
    size = "phone" if page.viewport_size == SIZES["phone"] else "desk"
    world = make_world()
    invitation_create(actor=world.admin, email="pending.tutor@example.org", role="tutor", organisation=world.provider)
    webhook_endpoint_create(actor=world.admin, provider=world.provider, url="https://example.org/hooks/portfolio")
    sign_in(page, world.admin.email, PASSWORD)

    # Deactivate the mentor: a page of its own asks first.
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People and their roles")).to_be_visible()
    fits(page, size)
    screenshot(page, f"admin-people-{size}")
    page.get_by_role("link", name=f"Deactivate {world.mentor.email} as workplace mentor").click()
    expect(page.get_by_role("heading", name=re.compile("^Remove .* as workplace mentor"))).to_be_visible()
    fits(page, size)
    screenshot(page, f"admin-deactivate-confirm-{size}")
    page.get_by_role("button", name="Yes, deactivate").click()
    expect(page.get_by_text(f"{world.mentor.email} is no longer workplace mentor")).to_be_visible()
    assert not Membership.objects.get(user=world.mentor).is_active

    # Revoke the pending invitation: "No, keep it" keeps it; "Yes" revokes it.
    page.get_by_role("link", name="Pending invitations").click()
    page.get_by_role("link", name="Revoke the invitation to pending.tutor@example.org").click()
    fits(page, size)
    screenshot(page, f"admin-revoke-confirm-{size}")
    page.get_by_role("link", name="No, keep it").click()
    assert Invitation.objects.get(email="pending.tutor@example.org").revoked_at is None
    page.get_by_role("link", name="Revoke the invitation to pending.tutor@example.org").click()
    page.get_by_role("button", name="Yes, revoke the invitation").click()
    expect(page.get_by_text("No invitations are waiting.")).to_be_visible()
    assert Invitation.objects.get(email="pending.tutor@example.org").revoked_at is not None

    # The edit form of an existing apprenticeship.
    page.goto(f"/apprenticeships/{world.apprenticeship.public_id}/")
    page.get_by_role("link", name="Edit dates, option and people").click()
    page.get_by_label("Line manager").select_option(label=world.line_manager.email)
    fits(page, size)
    screenshot(page, f"admin-apprenticeship-edit-{size}")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Apprenticeship saved.")).to_be_visible()
    world.apprenticeship.refresh_from_db()
    assert world.apprenticeship.line_manager == world.line_manager

    # Delete a webhook: asked first, deleted only on "Yes".
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete the endpoint https://example.org/hooks/portfolio?")).to_be_visible()
    assert WebhookEndpoint.objects.exists()
    fits(page, size)
    screenshot(page, f"admin-webhook-delete-confirm-{size}")
    page.get_by_role("button", name="Yes, delete the endpoint").click()
    expect(page.get_by_text("Endpoint https://example.org/hooks/portfolio deleted.")).to_be_visible()
    assert not WebhookEndpoint.objects.exists()
