"""The shared form-error pattern (templates/registration/_form_errors.html and _field.html): a form with errors
opens with "There is a problem" and a link to each field in error, and every aria-describedby on the page
points at an element that exists (the hint and the error under the field)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from tests.factories import PASSWORD, make_world


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: list[str] = []
        self.invalid: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for target in (values.get("aria-describedby") or "").split():
            self.described_by.append(target)
        if values.get("aria-invalid") == "true":
            self.invalid.append(values.get("id") or "")


def parsed(html: str) -> _Ids:
    ids = _Ids()
    ids.feed(html)
    return ids


def summary_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the error summary."""
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    assert "There is a problem" in match.group(0)
    return re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', match.group(0))


def assert_described_by_exists(html: str) -> None:
    ids = parsed(html)
    missing = [target for target in ids.described_by if target not in ids.ids]
    assert missing == [], f"aria-describedby points at ids that do not exist: {missing}"


@pytest.mark.django_db
def test_a_field_error_is_summarised_with_a_link_to_the_field_and_described_by_its_error(client: Client) -> None:
    response = client.post("/accounts/password-reset/", {"email": "not-an-email"})
    html = response.content.decode()
    assert response.status_code == 200
    assert summary_links(html) == [("#id_email", "Enter a valid email address.")]
    ids = parsed(html)
    assert ids.invalid == ["id_email"]
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html
    assert_described_by_exists(html)


@pytest.mark.django_db
def test_a_form_wide_error_links_to_the_first_field(client: Client) -> None:
    world = make_world()
    response = client.post("/accounts/login/", {"username": world.apprentice.email, "password": "wrong password"})
    html = response.content.decode()
    links = summary_links(html)
    assert len(links) == 1
    assert links[0][0] == "#id_username"
    assert_described_by_exists(html)


@pytest.mark.django_db
def test_a_form_without_errors_has_no_summary(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "error-summary" not in html
    assert "There is a problem" not in html


@pytest.mark.django_db
def test_the_evidence_form_links_each_error_and_its_hint(client: Client) -> None:
    world = make_world()
    client.login(username=world.apprentice.email, password=PASSWORD)
    url = f"/apprenticeships/{world.apprenticeship.public_id}/evidence/new/"
    html = client.post(url, {"title": "", "kind": "document", "occurred_on": "not a date"}).content.decode()
    hrefs = [href for href, _ in summary_links(html)]
    assert hrefs == ["#id_title", "#id_occurred_on"]
    # The reflection's hint is there and its control is described by it; the title by its error.
    assert 'id="id_reflection_helptext"' in html
    assert 'aria-describedby="id_reflection_helptext"' in html
    assert 'aria-describedby="id_title_error"' in html
    assert_described_by_exists(html)


def test_every_form_page_renders_its_hint_ids(client: Client, db: Any) -> None:
    """A form with a hint but no error: the control is described by the hint, which exists."""
    world = make_world()
    client.login(username=world.apprentice.email, password=PASSWORD)
    html = client.get(f"/apprenticeships/{world.apprenticeship.public_id}/evidence/new/").content.decode()
    assert 'aria-describedby="id_reflection_helptext"' in html
    assert_described_by_exists(html)
