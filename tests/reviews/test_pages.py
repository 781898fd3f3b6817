from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import EvidenceFactory, StatementFactory, World

pytestmark = pytest.mark.django_db


def test_the_employer_confirms_ticked_items_and_is_told_of_conflicts(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    first = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted", title="Wiring check")
    second = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    client.force_login(own.line_manager)
    page = client.get("/reviews/confirmation/")
    assert b"Wiring check" in page.content
    assert f'value="{first.public_id}:{first.version}"'.encode() in page.content
    items = [f"{first.public_id}:{first.version}", f"{second.public_id}:9"]
    response = client.post("/reviews/confirmation/", {"item": items}, follow=True)
    assert b"Confirmed 1 of 2." in response.content
    assert b"while you were looking at it" in response.content
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("confirmed", "submitted")


def test_the_acceptance_page_asks_for_a_comment_on_each_declined_statement(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    client.force_login(own.assessor)
    form = {
        "expected_version": str(evidence.version),
        "action": "accept",
        "verdict-K1": "accept",
        "verdict-S1": "decline",
    }
    response = client.post(f"/reviews/evidence/{evidence.public_id}/", form)
    assert response.status_code == 400
    assert b"Say why S1 is declined" in response.content
    response = client.post(f"/reviews/evidence/{evidence.public_id}/", {**form, "comment-S1": "Not shown."})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.state == "accepted"
    assert dict(evidence.tags.values_list("statement__code", "state")) == {"K1": "accepted", "S1": "declined"}


def test_behaviours_page_confirms_and_withdraws(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    StatementFactory.create(standard=own.standard, code="B1")
    client.force_login(own.mentor)
    url = f"/reviews/apprenticeships/{own.apprenticeship.public_id}/behaviours/"
    response = client.post(
        url, {"statement": ["B1"], "confirmed_on": "2025-10-01", "comment": "Punctual."}, follow=True
    )
    assert b"Behaviours confirmed." in response.content
    assert b"Withdraw the confirmation of B1" in response.content
