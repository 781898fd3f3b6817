"""Evidence items, their files and their tags, each made the way the app makes it.

- EvidenceFactory: a draft written by evidence_create, tagged by evidence_tags_set (K1 and S1 unless `tags` says
  otherwise), with `files` verified files (one unless told), then taken to `state` by the review services
  (tests/factories/reviews.py: evidence_bring_to). So an accepted item was submitted, confirmed and accepted,
  its tags were decided by the acceptance, and every file was verified before it was submitted. What no service
  can produce (an accepted tag on an item that is not accepted, an accepted item with an unverified file) cannot
  be made with it.
- EvidenceFileFactory: the upload slot opened by evidence_file_slot_open, then the rows the rest of the upload
  writes: "complete" (uploaded), and the verdict of verification (verified, or rejected).
- EvidenceTagFactory: one more tag, through evidence_tags_set.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import factory
from django.db import transaction
from django.utils import timezone
from factory.django import DjangoModelFactory

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.evidence.services.deletions import object_deletion_owe
from portfolio.evidence.services.evidence import evidence_create
from portfolio.evidence.services.files import evidence_file_reject, evidence_file_slot_open
from portfolio.evidence.services.tags import evidence_tags_set
from portfolio.evidence.signals import evidence_change_announce
from portfolio.storage import get_store, verified_key_for
from tests.factories.people import ApprenticeshipFactory
from tests.factories.reviews import evidence_bring_to
from tests.factories.standards import taggable_statement

REJECTION_REASON = "the file is not an allowed type"


def tags_set(*, evidence: Evidence, codes: Iterable[str]) -> None:
    """Tag the item to `codes` through evidence_tags_set, as its apprentice does (a code the catalogue lacks is
    added to it first: tests.factories.standards.taggable_statement)."""
    codes = list(codes)
    standard = evidence.apprenticeship.standard
    for code in codes:
        taggable_statement(standard=standard, code=code)
    evidence_tags_set(actor=evidence.apprenticeship.apprentice, evidence=evidence, codes=codes)


class EvidenceFactory(DjangoModelFactory[Evidence]):
    """An evidence item. `tags`: statement codes (("K1", "S1") by default); `files`: how many verified files (1 by
    default), or a list of EvidenceFileFactory arguments, one per file; `state`: where the review services take it
    (a draft by default); `state__declined`, `state__by`, `state__comment`: see evidence_bring_to."""

    class Meta:
        model = Evidence
        skip_postgeneration_save = True

    apprenticeship = factory.SubFactory(ApprenticeshipFactory)
    author = factory.LazyAttribute(lambda o: o.apprenticeship.apprentice)
    kind = Evidence.Kind.DOCUMENT
    title = factory.Sequence(lambda n: f"Evidence {n + 1}")
    occurred_on = datetime.date(2025, 10, 1)
    reflection = "What I did and what I learnt."

    @classmethod
    def _create(cls, model_class: type[Evidence], *args: Any, **kwargs: Any) -> Evidence:
        return evidence_create(actor=kwargs.pop("author"), **kwargs)

    # Post-generation steps run in this order: tags and files while it is a draft, then the decisions.
    @factory.post_generation
    def tags(obj: Evidence, create: bool, extracted: Iterable[str] | None, **kwargs: Any) -> None:
        codes = ("K1", "S1") if extracted is None else tuple(extracted)
        if create and codes:
            tags_set(evidence=obj, codes=codes)

    @factory.post_generation
    def files(obj: Evidence, create: bool, extracted: int | Iterable[Mapping[str, Any]] | None, **kwargs: Any) -> None:
        specs = [{}] * (1 if extracted is None else extracted) if not isinstance(extracted, Iterable) else extracted
        for spec in specs if create else ():
            EvidenceFileFactory.create(evidence=obj, **spec)

    @factory.post_generation
    def state(obj: Evidence, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if create and extracted:
            evidence_bring_to(obj, extracted, **kwargs)
        if create:
            obj.refresh_from_db()


def _verdict_record(file: EvidenceFile, state: str, content: bytes, detected_type: str, reason: str) -> None:
    """What verification records (portfolio/evidence/services/verification.py, `_record`), without reading the
    bytes: verified, with the size, sha256, type and verified copy's key; or rejected, with the reason."""
    with transaction.atomic():
        evidence = file.evidence
        file.detected_type = detected_type
        if state == EvidenceFile.State.VERIFIED:
            file.verified_key = verified_key_for(file.object_key)
            file.state = EvidenceFile.State.VERIFIED
            file.size = len(content)
            file.sha256 = hashlib.sha256(content).hexdigest()
            file.verified_at = timezone.now()
            file.save(update_fields=["state", "size", "sha256", "detected_type", "verified_at", "verified_key"])
            object_deletion_owe(key=file.object_key, slot_expires_at=file.slot_expires_at, reason="verified")
            audit_record(
                actor=None,
                action="evidence.file_verified",
                target=evidence,
                changes={"file": str(file.public_id), "sha256": file.sha256, "size": file.size},
            )
        else:
            file.save(update_fields=["detected_type"])
            evidence_file_reject(file=file, reason=reason, actor=None)
            object_deletion_owe(key=file.object_key, slot_expires_at=file.slot_expires_at, reason="rejected")
        if evidence.tags.filter(state=EvidenceTag.State.ACCEPTED).exists():
            coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence file verified")
        evidence_change_announce(
            evidence=evidence, actor=file.uploaded_by, change=f"file {file.get_state_display().lower()}"
        )


class EvidenceFileFactory(DjangoModelFactory[EvidenceFile]):
    """A file of an item, uploaded by the item's author, in `state` (verified by default):

    - awaiting_upload: its slot opened (evidence_file_slot_open: on an item already submitted, that reopens it);
    - uploaded: then completed, as evidence_file_complete records it (the verification task it sends is left out,
      so the file stays being checked);
    - verified or rejected: then the verdict, as verification records it (_verdict_record). `stored=True` also
      puts `content` at the verified key, as verification's copy leaves it, for tests that read the bytes.
    """

    class Meta:
        model = EvidenceFile

    evidence = factory.SubFactory(EvidenceFactory, files=0)
    original_name = factory.Sequence(lambda n: f"photo-{n + 1}.jpg")
    declared_type = "image/jpeg"
    content = factory.Sequence(lambda n: f"file content {n + 1}".encode())
    declared_size = factory.LazyAttribute(lambda o: len(o.content))
    state = EvidenceFile.State.VERIFIED
    detected_type = factory.LazyAttribute(lambda o: o.declared_type if o.state != EvidenceFile.State.REJECTED else "")
    rejection_reason = REJECTION_REASON
    stored = False

    @classmethod
    def _create(cls, model_class: type[EvidenceFile], *args: Any, **kwargs: Any) -> EvidenceFile:
        evidence, content, state = kwargs["evidence"], kwargs["content"], kwargs["state"]
        opened = evidence_file_slot_open(
            actor=evidence.author,
            evidence=evidence,
            file_name=kwargs["original_name"],
            content_type=kwargs["declared_type"],
            size=kwargs["declared_size"],
        )
        file = opened.file
        if state != EvidenceFile.State.AWAITING_UPLOAD:
            file.state = EvidenceFile.State.UPLOADED
            file.uploaded_at = timezone.now()
            file.save(update_fields=["state", "uploaded_at"])
            audit_record(actor=evidence.author, action="evidence.file_uploaded", target=evidence,
                         changes={"file": str(file.public_id)})  # fmt: skip
        if state in (EvidenceFile.State.VERIFIED, EvidenceFile.State.REJECTED):
            _verdict_record(file, state, content, kwargs["detected_type"], kwargs["rejection_reason"])
        if kwargs["stored"] and state == EvidenceFile.State.VERIFIED:
            get_store().put(file.verified_key, content, content_type=file.detected_type)
        file.refresh_from_db()
        evidence.refresh_from_db()
        return file


class EvidenceTagFactory(DjangoModelFactory[EvidenceTag]):
    """One more tag on an item, to the statement `code` (K1 unless told), added by evidence_tags_set: pending
    until a provider's acceptance decides it (EvidenceFactory.create(state="accepted"))."""

    class Meta:
        model = EvidenceTag

    class Params:
        code = "K1"

    evidence = factory.SubFactory(EvidenceFactory, tags=())
    statement = factory.LazyAttribute(
        lambda o: taggable_statement(standard=o.evidence.apprenticeship.standard, code=o.code)
    )

    @classmethod
    def _create(cls, model_class: type[EvidenceTag], *args: Any, **kwargs: Any) -> EvidenceTag:
        evidence, statement = kwargs["evidence"], kwargs["statement"]
        codes = [*evidence.tags.values_list("statement__code", flat=True), statement.code]
        tags_set(evidence=evidence, codes=codes)
        evidence.refresh_from_db()
        return EvidenceTag.objects.get(evidence=evidence, statement=statement)
