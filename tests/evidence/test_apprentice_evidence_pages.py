"""The apprentice's evidence pages: the htmx partial that keeps the submit form's version current, the
confirmation before deleting a draft, returned work that leads to the item and its comment, and wording."""

from __future__ import annotations

import pytest
from django.test import Client

from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.evidence.services.files import evidence_file_slot_open
from portfolio.notify.models import Notification
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from tests.factories import EvidenceFactory, World, build_world

COMMENT = "Say what you did yourself, not what the team did."


def _returned(world: World) -> Evidence:
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, title="Show report")
    evidence_submit(actor=world.apprentice, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    evidence_return(actor=world.assessor, evidence=evidence, expected_version=evidence.version, comment=COMMENT)
    evidence.refresh_from_db()
    return evidence


@pytest.mark.django_db
def test_htmx_gets_the_file_table_and_the_submit_form_together_with_the_current_version(client: Client) -> None:
    own, _ = build_world()
    evidence = _returned(own)
    client.force_login(own.apprentice)
    url = f"/evidence/{evidence.public_id}/"
    shown = evidence.version
    # A file added after the page was shown: a change after submission, so the version grows.
    evidence_file_slot_open(
        actor=own.apprentice, evidence=evidence, file_name="b.pdf", content_type="application/pdf", size=10
    )
    evidence.refresh_from_db()
    assert evidence.version == shown + 1

    partial = client.get(url, headers={"HX-Request": "true"})

    assert partial.status_code == 200
    assert "HX-Request" in partial["Vary"]
    body = partial.content.decode()
    assert "<html" not in body
    assert "Returned for changes" not in body
    assert 'id="files-and-submit"' in body
    assert "b.pdf" in body
    assert f'name="expected_version" value="{evidence.version}"' in body
    assert f'id="evidence-version" class="muted" hx-swap-oob="true">(version {evidence.version})' in body
    # The whole page still comes to everyone else.
    assert "<html" in client.get(url).content.decode()


@pytest.mark.django_db
def test_deleting_a_draft_asks_first(client: Client) -> None:
    own, _ = build_world()
    draft = EvidenceFactory.create(apprenticeship=own.apprenticeship, title="Old notes")
    client.force_login(own.apprentice)
    url = f"/evidence/{draft.public_id}/delete/"
    assert f'href="{url}"' in client.get(f"/evidence/{draft.public_id}/").content.decode()

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete the draft “Old notes”?" in confirm.content.decode()
    assert Evidence.objects.filter(pk=draft.pk).exists()

    response = client.post(url)
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_returned_work_leads_to_the_item_and_its_comment_comes_first(client: Client) -> None:
    own, _ = build_world()
    evidence = _returned(own)
    item_url = f"/evidence/{evidence.public_id}/"
    notification = Notification.objects.get(recipient=own.apprentice, kind="evidence.returned")
    assert notification.link == item_url
    client.force_login(own.apprentice)

    returned = client.get("/reviews/returned/").content.decode()
    assert f'<a href="{item_url}">Show report</a>' in returned
    assert COMMENT in returned

    page = client.get(item_url).content.decode()
    notice = page.index("Returned for changes")
    assert notice < page.index("<h2>Reflection</h2>")  # at the top, not buried in the history
    assert page.index(COMMENT) < page.index("Review history")
    assert "What to do next" in page
    assert "Submit again for review" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("employer_step", "said"),
    [(True, "your employer confirms it next"), (False, "your assessor accepts it next")],
)
def test_submitting_says_what_happens_next(client: Client, employer_step: bool, said: str) -> None:
    own, _ = build_world()
    ReviewPolicy.objects.update_or_create(
        provider=own.provider, defaults={"require_employer_confirmation": employer_step}
    )
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    client.force_login(own.apprentice)
    response = client.post(
        f"/reviews/evidence/{evidence.public_id}/submit/", {"expected_version": evidence.version}, follow=True
    )
    text = response.content.decode()
    assert said in text
    assert "it is now" not in text


@pytest.mark.django_db
def test_a_rejected_file_blocks_submission_with_a_message_saying_how_to_remove_it(client: Client) -> None:
    own, _ = build_world()
    evidence = EvidenceFactory.create(
        apprenticeship=own.apprenticeship,
        files=[{"state": EvidenceFile.State.REJECTED, "rejection_reason": "not an allowed type"}],
    )
    client.force_login(own.apprentice)
    response = client.post(
        f"/reviews/evidence/{evidence.public_id}/submit/", {"expected_version": evidence.version}, follow=True
    )
    text = response.content.decode()
    assert "Remove button beside it" in text
    file = evidence.files.get()
    assert f"/evidence/{evidence.public_id}/files/{file.public_id}/remove/" in text
