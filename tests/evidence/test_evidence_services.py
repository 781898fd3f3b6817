"""The evidence services' rules: who writes what, the reopen rule after submission, tags, deletion."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.coverage.models import CoverageDirty
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import Evidence, EvidenceTag, PendingObjectDeletion
from portfolio.evidence.services.evidence import evidence_create, evidence_delete_draft, evidence_update
from portfolio.evidence.services.files import evidence_file_slot_open
from portfolio.evidence.services.tags import evidence_tags_set
from tests.factories import EvidenceFactory, make_route_world

pytestmark = pytest.mark.django_db


def test_employer_contacts_add_witness_testimony_marked_as_theirs() -> None:
    world = make_route_world()

    evidence = evidence_create(
        actor=world.line_manager,
        apprenticeship=world.apprenticeship,
        kind=Evidence.Kind.WITNESS_TESTIMONY,
        title="Led the get-out",
        occurred_on=datetime.date(2025, 10, 2),
    )

    assert (evidence.author, evidence.author_role) == (world.line_manager, Evidence.AuthorRole.EMPLOYER_CONTACT)
    assert AuditEntry.objects.filter(action="evidence.created", target_public_id=evidence.public_id).exists()
    with pytest.raises(ValidationError) as refused:
        evidence_create(
            actor=world.tutor,
            apprenticeship=world.apprenticeship,
            kind=Evidence.Kind.DOCUMENT,
            title="Not theirs to write",
            occurred_on=datetime.date(2025, 10, 2),
        )
    assert "witness testimony, observation record" in refused.value.message_dict["kind"][0]


def test_an_apprentice_cannot_write_into_another_apprenticeship() -> None:
    world, other = make_route_world(), make_route_world()
    with pytest.raises(PermissionDenied):
        evidence_create(
            actor=other.apprentice,
            apprenticeship=world.apprenticeship,
            kind=Evidence.Kind.DOCUMENT,
            title="x",
            occurred_on=datetime.date(2025, 10, 2),
        )


def test_a_future_date_is_refused() -> None:
    world = make_route_world()
    with pytest.raises(ValidationError) as refused:
        EvidenceFactory.create(
            apprenticeship=world.apprenticeship,
            occurred_on=timezone.localdate() + datetime.timedelta(days=2),
            tags=(),
            files=0,
            reflection="",
        )
    assert refused.value.message_dict["occurred_on"] == ["The date it happened cannot be in the future."]


def test_changing_a_draft_keeps_its_version_and_only_the_author_may() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")

    changed = evidence_update(actor=world.apprentice, evidence=evidence, title="Better title")

    assert (changed.title, changed.version) == ("Better title", 1)
    with pytest.raises(PermissionDenied):
        evidence_update(actor=world.tutor, evidence=evidence, title="Tutor's title")


def test_changing_accepted_evidence_reopens_it_and_marks_coverage_dirty() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, state=Evidence.State.ACCEPTED, tags=("K1",), files=0, reflection=""
    )
    CoverageDirty.objects.all().delete()  # the acceptance's own mark: the change must make another

    changed = evidence_update(actor=world.apprentice, evidence=evidence, reflection="More detail")

    assert changed.state == Evidence.State.SUBMITTED
    assert changed.version == evidence.version + 1
    assert list(changed.tags.values_list("state", flat=True)) == [EvidenceTag.State.PENDING]
    assert CoverageDirty.objects.filter(apprenticeship=world.apprenticeship).exists()


def test_withdrawn_evidence_changes_no_more() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, state=Evidence.State.WITHDRAWN, files=0, reflection=""
    )

    with pytest.raises(EvidenceRefused) as refused:
        evidence_update(actor=world.apprentice, evidence=evidence, title="Again")
    assert refused.value.code == "evidence_withdrawn"
    with pytest.raises(EvidenceRefused):
        evidence_tags_set(actor=world.apprentice, evidence=evidence, codes=["K1"])


def test_setting_tags_replaces_the_set_and_keeps_unchanged_tags_state() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    evidence_tags_set(actor=world.apprentice, evidence=evidence, codes=["K1", "S1"])
    # No service decides a draft's tag (only an acceptance does, and retagging an accepted item reopens it and sets
    # its tags pending again): the decision is written directly, on purpose, to check that evidence_tags_set itself
    # leaves an unchanged tag as it was.
    evidence.tags.filter(statement__code="K1").update(state=EvidenceTag.State.DECLINED, comment="too thin")

    tags = evidence_tags_set(actor=world.apprentice, evidence=evidence, codes=["k1", "K2"])

    assert {(tag.statement.code, tag.state, tag.comment) for tag in tags} == {
        ("K1", EvidenceTag.State.DECLINED, "too thin"),
        ("K2", EvidenceTag.State.PENDING, ""),
    }
    evidence.refresh_from_db()
    assert evidence.version == 1  # a draft has no sign-off to invalidate


def test_retagging_submitted_evidence_reopens_it_and_removing_an_accepted_tag_marks_coverage() -> None:
    world = make_route_world()
    # Submitted, then accepted for K1: only an accepted item has an accepted tag.
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, state=Evidence.State.ACCEPTED, tags=("K1",), files=0, reflection=""
    )
    CoverageDirty.objects.all().delete()  # the acceptance's own mark: the retag must make another
    before = Evidence.objects.get(pk=evidence.pk).version

    evidence_tags_set(actor=world.apprentice, evidence=evidence, codes=["S1"])

    assert Evidence.objects.get(pk=evidence.pk).version == before + 1
    assert CoverageDirty.objects.filter(apprenticeship=world.apprenticeship).exists()


def test_the_apprentice_may_tag_a_witness_testimony_but_not_change_it() -> None:
    world = make_route_world()
    testimony = EvidenceFactory.create(
        apprenticeship=world.apprenticeship,
        author=world.mentor,
        kind=Evidence.Kind.WITNESS_TESTIMONY,
        tags=(),
        files=0,
        reflection="",
    )

    evidence_tags_set(actor=world.apprentice, evidence=testimony, codes=["S1"])

    with pytest.raises(PermissionDenied):
        evidence_update(actor=world.apprentice, evidence=testimony, title="My words now")


def test_submitted_evidence_is_withdrawn_not_deleted() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, state=Evidence.State.RETURNED, files=0, reflection=""
    )

    with pytest.raises(EvidenceRefused) as refused:
        evidence_delete_draft(actor=world.apprentice, evidence=evidence)

    assert refused.value.code == "evidence_was_submitted"
    assert refused.value.message.endswith("cannot be deleted: withdraw it instead.")
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_deleting_a_draft_owes_the_deletion_of_its_objects() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, tags=(), files=0, reflection="")
    opened = evidence_file_slot_open(
        actor=world.apprentice, evidence=evidence, file_name="a.pdf", content_type="application/pdf", size=10
    )

    evidence_delete_draft(actor=world.apprentice, evidence=evidence)

    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert list(PendingObjectDeletion.objects.values_list("object_key", flat=True)) == [opened.file.object_key]
    assert AuditEntry.objects.filter(action="evidence.deleted", target_public_id=evidence.public_id).exists()


def test_a_file_added_after_submission_reopens_the_item() -> None:
    world = make_route_world()
    evidence = EvidenceFactory.create(
        apprenticeship=world.apprenticeship, state=Evidence.State.CONFIRMED, files=0, reflection=""
    )

    evidence_file_slot_open(
        actor=world.apprentice, evidence=evidence, file_name="b.pdf", content_type="application/pdf", size=10
    )

    before = evidence.version
    evidence.refresh_from_db()
    assert (evidence.state, evidence.version) == (Evidence.State.SUBMITTED, before + 1)
