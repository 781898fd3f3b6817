"""evidence_reopen_after_change: the invalidation rule other code calls after every change."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.core.errors import Conflict
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.notify.models import Notification
from portfolio.reviews.fingerprint import evidence_fingerprint
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.reopen import evidence_reopen_after_change
from portfolio.reviews.services.submit import evidence_submit
from tests.factories import EvidenceFactory, World, taggable_statement
from tests.reviews.conftest import dirty_generation

pytestmark = pytest.mark.django_db


def _file_added(evidence: Evidence) -> None:
    # The row evidence_file_slot_open writes, without the announcement it then makes: the test runs the rule.
    EvidenceFile.objects.create(
        evidence=evidence,
        object_key=f"evidence/added-{evidence.pk}",
        original_name="added.jpg",
        declared_type="image/jpeg",
        declared_size=10,
        slot_expires_at=timezone.now(),
        uploaded_by=evidence.author,
    )


# Each change is written as the service that makes it writes it, but not announced (portfolio/evidence/signals.py):
# each test runs the rule the announcement would run, evidence_reopen_after_change, itself.
CHANGES: dict[str, Callable[[Evidence], object]] = {
    "title": lambda e: Evidence.objects.filter(pk=e.pk).update(title="New title"),
    "reflection": lambda e: Evidence.objects.filter(pk=e.pk).update(reflection="Rewritten."),
    "occurred_on": lambda e: Evidence.objects.filter(pk=e.pk).update(occurred_on=datetime.date(2025, 1, 2)),
    "file sha256": lambda e: e.files.update(sha256="0" * 64),
    "file added": _file_added,
    "tag added": lambda e: EvidenceTag.objects.create(
        evidence=e, statement=taggable_statement(standard=e.apprenticeship.standard, code="S7")
    ),
    "tag removed": lambda e: e.tags.filter(statement__code="S1").delete(),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_after_acceptance_invalidates_every_decision_and_reopens(
    worlds: tuple[World, World], change: str
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="accepted")
    signed = evidence.decisions.get(action="accept")
    generation = dirty_generation(own.apprenticeship)

    CHANGES[change](evidence)
    evidence_reopen_after_change(evidence=evidence, actor=own.apprentice, change=change)

    evidence.refresh_from_db()
    assert (evidence.state, evidence.version) == ("submitted", 5)
    assert set(evidence.tags.values_list("state", flat=True)) == {"pending"}
    decisions = ReviewDecision.objects.filter(evidence=evidence)
    assert decisions.count() == 3  # kept, as history
    assert set(decisions.values_list("invalidation_reason", flat=True)) == {"changed"}
    assert signed.fingerprint != evidence_fingerprint(evidence=evidence)[0]
    assert dirty_generation(own.apprenticeship) == generation + 1  # accepted tags stopped counting
    entry = AuditEntry.objects.get(target_public_id=evidence.public_id, action="evidence.reopened")
    assert entry.changes["change"] == change
    assert entry.changes["version"] == 5
    assert entry.changes["fingerprint"] == evidence_fingerprint(evidence=evidence)[0]  # the new version, kept


def test_a_change_after_confirmation_needs_a_fresh_confirmation(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="confirmed")
    generation = dirty_generation(own.apprenticeship)
    CHANGES["file sha256"](evidence)
    evidence_reopen_after_change(evidence=evidence, actor=own.apprentice, change="file replaced")
    evidence.refresh_from_db()
    assert evidence.state == "submitted"
    assert dirty_generation(own.apprenticeship) == generation  # nothing had counted yet
    # The assessor, who saw version 3, cannot accept what changed under them.
    with pytest.raises(Conflict):
        evidence_accept(actor=own.assessor, evidence=evidence, expected_version=3, tags=[TagVerdict("K1", True)])
    evidence_confirm(actor=own.line_manager, evidence=evidence, expected_version=evidence.version)
    assert evidence.decisions.filter(invalidated_at__isnull=True).values_list("action", flat=True).get() == "confirm"


def test_a_change_while_submitted_keeps_it_submitted_and_stales_the_reviewer(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    CHANGES["tag added"](evidence)
    evidence_reopen_after_change(evidence=evidence, actor=own.apprentice, change="tag added")
    evidence.refresh_from_db()
    assert (evidence.state, evidence.version) == ("submitted", 3)
    assert evidence.decisions.get().invalidation_reason == "changed"
    with pytest.raises(Conflict) as error:
        evidence_confirm(actor=own.line_manager, evidence=evidence, expected_version=2)
    assert "was changed while you were looking" in error.value.message


def test_a_draft_change_only_bumps_the_version(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    evidence_reopen_after_change(evidence=evidence, actor=own.apprentice, change="title")
    assert (evidence.state, evidence.version) == ("draft", 2)  # the caller's instance is refreshed too
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=2)


def test_reopening_tells_the_reviewers_it_is_back_in_their_queue(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="accepted")
    Notification.objects.all().delete()
    evidence_reopen_after_change(evidence=evidence, actor=own.apprentice, change="title")
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {own.line_manager.pk, own.mentor.pk}
