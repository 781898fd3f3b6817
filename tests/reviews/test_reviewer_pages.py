"""The review pages as employer contacts and provider staff use them: the line manager returns an item with a
comment, the assessor decides each statement with nothing pre-selected (or accepts all), files open inline
when the browser can show them safely, and nobody from another organisation learns anything (404)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import requests
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.coverage.models import ReadinessEvent
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.notify.models import Notification
from portfolio.reviews.models import BehaviourConfirmation, ReviewDecision
from portfolio.reviews.services.behaviours import behaviour_confirm
from portfolio.reviews.services.submit import evidence_submit
from tests.evidence.samples import image, pdf
from tests.factories import (
    ApprenticeshipFactory,
    EvidenceFactory,
    EvidenceFileFactory,
    StatementFactory,
    UserFactory,
    World,
)

pytestmark = pytest.mark.django_db


def review_url(evidence: Evidence) -> str:
    return f"/reviews/evidence/{evidence.public_id}/"


def radios_checked(html: str) -> list[str]:
    return [tag for tag in re.findall(r"<input[^>]*type=\"radio\"[^>]*>", html) if " checked" in tag]


# The line manager


def test_the_line_manager_returns_an_item_with_a_comment(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted", title="Wiring check")
    client.force_login(own.line_manager)

    page = client.get(review_url(evidence))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirm this evidence" in html
    assert "Return with this comment" in html
    assert "Statement K1" in html  # the statement texts, not codes alone

    response = client.post(
        review_url(evidence),
        {
            "action": "return",
            "expected_version": str(evidence.version),
            "return_comment": "Add the photo of the finished board.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/reviews/confirmation/"
    evidence.refresh_from_db()
    assert evidence.state == "returned"
    decision = ReviewDecision.objects.get(evidence=evidence, action="return")
    assert (decision.actor, decision.comment) == (own.line_manager, "Add the photo of the finished board.")


def test_a_return_without_a_comment_says_so_at_the_top_and_by_the_field(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    client.force_login(own.line_manager)
    response = client.post(
        review_url(evidence), {"action": "return", "expected_version": str(evidence.version), "return_comment": " "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert '<a href="#return_comment">Say what the apprentice should change' in html
    assert 'aria-describedby="error-return_comment"' in html
    assert 'id="error-return_comment"' in html
    evidence.refresh_from_db()
    assert evidence.state == "submitted"


def test_the_line_manager_confirms_from_the_review_page_but_cannot_accept(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    client.force_login(own.mentor)
    refused = client.post(review_url(evidence), {"action": "accept_all", "expected_version": str(evidence.version)})
    assert refused.status_code == 403
    response = client.post(review_url(evidence), {"action": "confirm", "expected_version": str(evidence.version)})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.state == "confirmed"
    # Once confirmed, nothing is left for the employer: the page says so instead of offering buttons.
    html = client.get(review_url(evidence)).content.decode()
    assert "Nothing for you to decide" in html
    assert "Return with this comment" not in html


def test_the_queue_links_each_item_shows_its_statements_and_reflection_and_selects_all(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    first = EvidenceFactory.create(
        apprenticeship=own.apprenticeship,
        state="submitted",
        title="Wiring check",
        reflection="I tested every circuit twice.",
    )
    second = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted", title="Stock count")
    client.force_login(own.line_manager)

    html = client.get("/reviews/confirmation/").content.decode()
    assert f'<a href="/reviews/evidence/{first.public_id}/">Wiring check</a>' in html
    assert "<strong>K1</strong> Statement K1" in html
    assert "I tested every circuit twice." in html
    assert html.count(" checked") == 0
    assert 'href="?select=all"' in html

    selected = client.get("/reviews/confirmation/?select=all").content.decode()
    assert selected.count(" checked") == 2
    items = [f"{first.public_id}:{first.version}", f"{second.public_id}:{second.version}"]
    response = client.post("/reviews/confirmation/", {"item": items}, follow=True)
    assert b"Confirmed 2 of 2." in response.content


def test_the_line_manager_is_sent_to_the_item_itself(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, title="Wiring check")
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=evidence.version)
    note = Notification.objects.get(recipient=own.line_manager, kind="evidence.awaiting_confirmation")
    assert note.link == review_url(evidence)


# The assessor


def test_no_statement_starts_decided_and_an_undecided_one_is_named(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    client.force_login(own.assessor)

    html = client.get(review_url(evidence)).content.decode()
    assert len(re.findall(r'type="radio"', html)) == 4  # accept and decline for K1 and S1
    assert radios_checked(html) == []

    form = {
        "action": "accept",
        "expected_version": str(evidence.version),
        "verdict-S1": "decline",
        "comment-S1": "Not shown.",
    }
    response = client.post(review_url(evidence), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#accept-K1">K1 is tagged on this evidence but not decided: accept or decline it.</a>' in html
    # What the assessor chose is kept, so they only add the missing decision.
    assert [tag for tag in radios_checked(html) if 'id="decline-S1"' in tag]
    assert 'value="Not shown."' in html
    evidence.refresh_from_db()
    assert evidence.state == "confirmed"

    response = client.post(review_url(evidence), {**form, "verdict-K1": "accept"})
    assert response.status_code == 302
    assert response["Location"] == "/reviews/acceptance/"
    assert dict(evidence.tags.values_list("statement__code", "state")) == {"K1": "accepted", "S1": "declined"}


def test_accept_all_is_an_explicit_button(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed", tags=("K1", "S1", "S2"))
    client.force_login(own.tutor)
    html = client.get(review_url(evidence)).content.decode()
    assert '<button type="submit" name="action" value="accept_all" class="secondary">Accept all 3 statements' in html

    response = client.post(review_url(evidence), {"action": "accept_all", "expected_version": str(evidence.version)})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.state == "accepted"
    assert set(evidence.tags.values_list("state", flat=True)) == {"accepted"}


def test_the_review_page_previews_images_and_pdfs_and_shows_the_reflection(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(
        apprenticeship=own.apprenticeship,
        state="confirmed",
        reflection="What I learned about torque settings.",
        files=[
            {"original_name": "board.png", "content": image("png"), "declared_type": "image/png", "stored": True},
            {"original_name": "report.pdf", "content": pdf(), "declared_type": "application/pdf", "stored": True},
            {"original_name": "hours.zip", "content": b"PK\x03\x04 not really", "declared_type": "application/zip",
             "stored": True},
        ],
    )  # fmt: skip
    photo, report, sheet = evidence.files.order_by("id")
    client.force_login(own.assessor)

    html = client.get(review_url(evidence)).content.decode()
    assert "What I learned about torque settings." in html
    base = f"/reviews/evidence/{evidence.public_id}/files"
    assert f'<img src="{base}/{photo.public_id}/preview/" alt="board.png"' in html
    assert f'<object data="{base}/{report.public_id}/preview/" type="application/pdf" title="report.pdf (PDF)"' in html
    assert f"{base}/{sheet.public_id}/preview/" not in html  # no preview: a download link only
    assert f"/evidence/{evidence.public_id}/files/{sheet.public_id}/download/" in html


@pytest.mark.parametrize(
    ("name", "detected", "content", "disposition"),
    [
        ("board.png", "image/png", image("png"), "inline"),
        ("report.pdf", "application/pdf", pdf(), "inline"),
        ("hours.zip", "application/zip", b"PK\x03\x04 zip", "attachment"),
        ("drawing.svg", "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "attachment"),
    ],
    ids=["png", "pdf", "zip", "svg"],
)
def test_a_preview_is_inline_only_for_types_a_browser_shows_safely(
    client: Client, worlds: tuple[World, World], name: str, detected: str, content: bytes, disposition: str
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(
        apprenticeship=own.apprenticeship,
        state="submitted",
        files=[{"original_name": name, "content": content, "declared_type": detected, "stored": True}],
    )
    file = evidence.files.get()
    client.force_login(own.line_manager)

    response = client.get(f"/reviews/evidence/{evidence.public_id}/files/{file.public_id}/preview/")
    assert response.status_code == 302
    stored = requests.get(response["Location"], timeout=30)
    assert stored.status_code == 200
    assert stored.content == content
    assert stored.headers["Content-Disposition"] == f'{disposition}; filename="{name}"'


def test_a_file_not_yet_verified_has_no_preview(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted", files=0)
    file = EvidenceFileFactory.create(evidence=evidence, state=EvidenceFile.State.UPLOADED)
    client.force_login(own.line_manager)
    response = client.get(f"/reviews/evidence/{evidence.public_id}/files/{file.public_id}/preview/")
    assert response.status_code == 409
    assert "cannot be downloaded" in response.content.decode()


# Behaviours


def test_behaviours_are_linked_from_the_apprentices_pages_for_employer_contacts_only(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    link = f'href="/reviews/apprenticeships/{own.apprenticeship.public_id}/behaviours/"'
    for page in (f"/progress/{own.apprenticeship.public_id}/", f"/apprenticeships/{own.apprenticeship.public_id}/"):
        client.force_login(own.line_manager)
        assert link in client.get(page).content.decode(), page
        client.force_login(own.assessor)
        assert link not in client.get(page).content.decode(), page


def test_withdrawing_a_behaviour_confirmation_asks_first(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    StatementFactory.create(standard=own.standard, code="B1")
    [confirmation] = behaviour_confirm(
        actor=own.mentor, apprenticeship=own.apprenticeship, statement_codes=["B1"],
        confirmed_on=datetime.date(2025, 10, 1), comment="Punctual.",
    )  # fmt: skip
    client.force_login(own.line_manager)
    url = f"/reviews/apprenticeships/{own.apprenticeship.public_id}/behaviours/{confirmation.public_id}/withdraw/"
    page = client.get(f"/reviews/apprenticeships/{own.apprenticeship.public_id}/behaviours/").content.decode()
    assert f'<a href="{url}">Withdraw the confirmation of B1</a>' in page

    question = client.get(url)
    assert question.status_code == 200
    assert "Withdraw the confirmation of B1?" in question.content.decode()
    assert "Yes, withdraw it" in question.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.withdrawn_at is None

    client.post(url)
    confirmation.refresh_from_db()
    assert confirmation.withdrawn_at is not None


# Start pages


def test_the_employer_start_page_says_what_waits(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    for code in ("B1", "B2", "B3"):
        StatementFactory.create(standard=own.standard, code=code)
    behaviour_confirm(
        actor=own.mentor, apprenticeship=own.apprenticeship, statement_codes=["B1"],
        confirmed_on=datetime.date(2025, 10, 1), comment="Punctual.",
    )  # fmt: skip
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted", title="Wiring check")
    Evidence.objects.filter(pk=evidence.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(own.line_manager)

    html = client.get("/").content.decode()
    assert "1 waiting" in html
    assert f'<a href="/reviews/evidence/{evidence.public_id}/">Wiring check</a>' in html
    assert "waiting 3 days" in html
    assert "2 behaviours to confirm" in html
    assert f'href="/progress/{own.apprenticeship.public_id}/"' in html
    assert "Not ready yet" in html


def test_the_staff_start_page_shows_the_queue_and_readiness_changes(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed", title="Torque report")
    Evidence.objects.filter(pk=evidence.pk).update(submitted_at=timezone.now() - datetime.timedelta(hours=5))
    other_apprenticeship = ApprenticeshipFactory.create(
        provider=own.provider, employer=own.employer, apprentice=UserFactory.create(first_name="Sam", last_name="Lee")
    )
    now = timezone.now()
    ReadinessEvent.objects.create(
        apprenticeship=own.apprenticeship,
        sequence=1,
        ready=True,
        state="ready",
        previous_state="not_ready",
        coverage={},
        occurred_at=now,
    )
    ReadinessEvent.objects.create(
        apprenticeship=other_apprenticeship,
        sequence=1,
        ready=True,
        state="ready",
        previous_state="not_ready",
        coverage={},
        occurred_at=now - datetime.timedelta(days=2),
    )
    ReadinessEvent.objects.create(
        apprenticeship=other_apprenticeship,
        sequence=2,
        ready=False,
        state="not_ready",
        previous_state="ready",
        coverage={},
        occurred_at=now - datetime.timedelta(days=1),
    )
    client.force_login(own.assessor)

    html = client.get("/").content.decode()
    assert "Torque report" in html
    assert "waiting 5 hours" in html
    assert "1 ready, 1 no longer ready" in html
    newly = html.split("Newly ready for gateway")[1].split("No longer ready")[0]
    assert own.apprentice.display_name in newly
    no_longer = html.split("<h3>No longer ready</h3>")[1]
    assert "Sam Lee" in no_longer


def _queries_for_start_page(client: Client, user: Any) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_the_start_pages_ask_a_bounded_number_of_queries(client: Client, worlds: tuple[World, World]) -> None:
    own, _ = worlds
    StatementFactory.create(standard=own.standard, code="B1")
    EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    before = (_queries_for_start_page(client, own.line_manager), _queries_for_start_page(client, own.assessor))
    for _ in range(4):
        more = ApprenticeshipFactory.create(provider=own.provider, employer=own.employer, standard=own.standard)
        EvidenceFactory.create(apprenticeship=more, state="submitted")
        EvidenceFactory.create(apprenticeship=more, state="confirmed")
        ReadinessEvent.objects.create(
            apprenticeship=more,
            sequence=1,
            ready=True,
            state="ready",
            previous_state="not_ready",
            coverage={},
            occurred_at=timezone.now(),
        )
    after = (_queries_for_start_page(client, own.line_manager), _queries_for_start_page(client, own.assessor))
    assert after == before


# Another organisation


def test_another_organisations_reviewers_get_404_on_every_page_of_the_item(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, other = worlds
    evidence = EvidenceFactory.create(
        apprenticeship=own.apprenticeship,
        state="submitted",
        title="Secret board",
        files=[{"original_name": "board.png", "content": image("png"), "declared_type": "image/png", "stored": True}],
    )
    file = evidence.files.get()
    StatementFactory.create(standard=own.standard, code="B1")
    [confirmation] = behaviour_confirm(
        actor=own.mentor, apprenticeship=own.apprenticeship, statement_codes=["B1"],
        confirmed_on=datetime.date(2025, 10, 1), comment="Punctual.",
    )  # fmt: skip
    behaviours = f"/reviews/apprenticeships/{own.apprenticeship.public_id}/behaviours/"
    withdraw = f"{behaviours}{confirmation.public_id}/withdraw/"
    pages: list[tuple[str, str, dict[str, str]]] = [
        ("get", review_url(evidence), {}),
        (
            "post",
            review_url(evidence),
            {"action": "return", "expected_version": str(evidence.version), "return_comment": "x"},
        ),
        ("post", review_url(evidence), {"action": "confirm", "expected_version": str(evidence.version)}),
        ("get", f"/reviews/evidence/{evidence.public_id}/files/{file.public_id}/preview/", {}),
        ("get", behaviours, {}),
        ("post", behaviours, {"statement": "B1", "confirmed_on": "2025-10-01", "comment": "x"}),
        ("get", withdraw, {}),
        ("post", withdraw, {}),
        ("get", f"/progress/{own.apprenticeship.public_id}/", {}),
        ("get", f"/apprenticeships/{own.apprenticeship.public_id}/", {}),
    ]
    for user in (other.line_manager, other.mentor, other.assessor, other.tutor):
        client.force_login(user)
        for method, url, data in pages:
            assert getattr(client, method)(url, data).status_code == 404, (user, method, url)
        # Their own start page and queues say nothing of the other organisation's work.
        for url in ("/", "/reviews/confirmation/", "/reviews/acceptance/"):
            response = client.get(url)
            assert "Secret board" not in response.content.decode(), (user, url)
    evidence.refresh_from_db()
    assert evidence.state == "submitted"
    assert BehaviourConfirmation.objects.get(pk=confirmation.pk).withdrawn_at is None


def test_a_behaviour_confirmation_with_mistakes_is_shown_again_with_an_error_summary(
    client: Client, worlds: tuple[World, World]
) -> None:
    own, _ = worlds
    StatementFactory.create(standard=own.standard, code="B1")
    client.force_login(own.line_manager)
    url = f"/reviews/apprenticeships/{own.apprenticeship.public_id}/behaviours/"
    response = client.post(url, {"statement": ["B1"], "confirmed_on": "2025-10-01", "comment": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#comment">Say what you saw: a confirmation needs a comment.</a>' in html
    assert 'id="error-comment"' in html
    assert 'value="B1" id="b-B1" checked' in html  # what was ticked stays ticked
    response = client.post(url, {"confirmed_on": "yesterday", "comment": "Seen."})
    assert '<a href="#confirmed_on">Enter the date you saw them' in response.content.decode()
    response = client.post(url, {"confirmed_on": "2025-10-01", "comment": "Seen."})
    assert '<a href="#statements">Choose at least one behaviour to confirm.</a>' in response.content.decode()
    assert not BehaviourConfirmation.objects.exists()
