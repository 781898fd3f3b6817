"""Who hears about what: the queue's owners when evidence lands in it, the apprentice on a return or an
acceptance, and nobody else (not the person who acted, not the other world)."""

from __future__ import annotations

from typing import Any

import pytest

from portfolio.notify.models import Notification
from portfolio.people.models import Apprenticeship
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from portfolio.reviews.services.withdraw import evidence_withdraw
from tests.factories import EvidenceFactory, World

pytestmark = pytest.mark.django_db


def _told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def _assign(world: World, **people: Any) -> None:
    Apprenticeship.objects.filter(pk=world.apprenticeship.pk).update(**{k: v.pk for k, v in people.items()})
    world.apprenticeship.refresh_from_db()


def test_unassigned_apprenticeships_notify_every_contact_and_reviewer(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    assert _told("evidence.awaiting_confirmation") == {own.line_manager.pk, own.mentor.pk}

    evidence_confirm(actor=own.mentor, evidence=evidence, expected_version=2)
    # Assessors and tutors; not the admin nor the IQA, who do not accept.
    assert _told("evidence.awaiting_acceptance") == {own.tutor.pk, own.assessor.pk}

    evidence_accept(actor=own.tutor, evidence=evidence, expected_version=3, tags=[TagVerdict("K1", True),
                    TagVerdict("S1", True)])  # fmt: skip
    assert _told("evidence.accepted") == {own.apprentice.pk}
    assert Notification.objects.count() == 5


def test_assigned_people_are_the_only_ones_told(worlds: tuple[World, World], settings: Any) -> None:
    own, _ = worlds
    _assign(own, mentor=own.mentor, assessor=own.assessor)
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    assert _told("evidence.awaiting_confirmation") == {own.mentor.pk}
    evidence_confirm(actor=own.line_manager, evidence=evidence, expected_version=2)
    assert _told("evidence.awaiting_acceptance") == {own.assessor.pk}


def test_both_assigned_reviewers_are_told_in_order_and_someone_in_both_parts_once(worlds: tuple[World, World]) -> None:
    own, other = worlds
    _assign(own, tutor=own.tutor, assessor=own.assessor)
    _assign(other, tutor=other.tutor, assessor=other.assessor)
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    evidence_confirm(actor=own.line_manager, evidence=evidence, expected_version=evidence.version)
    told = Notification.objects.filter(kind="evidence.awaiting_acceptance").order_by("pk")
    assert list(told.values_list("recipient_id", flat=True)) == [own.tutor.pk, own.assessor.pk]
    told.delete()
    _assign(own, assessor=own.tutor)
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")
    evidence_confirm(actor=own.line_manager, evidence=evidence, expected_version=evidence.version)
    assert list(told.values_list("recipient_id", flat=True)) == [own.tutor.pk]


def test_a_return_tells_the_apprentice_with_the_comment_and_a_withdrawal_tells_nobody(
    worlds: tuple[World, World],
) -> None:
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    evidence_return(actor=own.line_manager, evidence=evidence, expected_version=2, comment="Add the date.")
    [returned] = Notification.objects.filter(kind="evidence.returned")
    assert returned.recipient == own.apprentice
    assert returned.body == "Add the date."

    evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=3)
    before = Notification.objects.count()
    evidence_withdraw(actor=own.apprentice, evidence=evidence, expected_version=4)
    assert Notification.objects.count() == before


def test_the_person_who_acts_is_not_told_of_their_own_act(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    _assign(own, mentor=own.mentor)
    witness = EvidenceFactory.create(apprenticeship=own.apprenticeship, kind="witness_testimony", author=own.mentor)
    evidence_submit(actor=own.mentor, evidence=witness, expected_version=1)
    assert not Notification.objects.exists()  # the only assigned contact submitted it


def test_other_worlds_hear_nothing_and_emails_go_out_after_commit(
    worlds: tuple[World, World], django_capture_on_commit_callbacks: Any, settings: Any, monkeypatch: Any
) -> None:
    from django.core import mail

    from workers.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # On the Celery app itself: a value once set on app.conf (another test's monkeypatch, undone by setting it
    # back) hides the Django setting from then on.
    monkeypatch.setattr(app.conf, "task_always_eager", True)
    own, other = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_submit(actor=own.apprentice, evidence=evidence, expected_version=1)
    everyone_else = {getattr(other, r).pk for r in ("admin", "tutor", "assessor", "iqa", "line_manager", "mentor")}
    assert not _told("evidence.awaiting_confirmation") & everyone_else
    assert sorted(m.to[0] for m in mail.outbox) == sorted([own.line_manager.email, own.mentor.email])
