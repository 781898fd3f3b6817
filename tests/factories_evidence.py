"""Evidence rows for the review tests, made directly (evidence capture has its own services elsewhere).

`make_evidence` gives a draft by default, tagged to K1 and S1 with one verified file; pass `state` to start
further along (the row is written as such, with `ever_submitted` set, as the review services would leave it).
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Iterable

from django.utils import timezone

from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.people.models import Apprenticeship, User
from portfolio.standards.models import Standard, Statement

_seq = itertools.count(1)


def make_statement(*, standard: Standard, code: str) -> Statement:
    statement = Statement.objects.filter(standard=standard, code=code).first()
    if statement is None:
        position = Statement.objects.filter(standard=standard).count() + 1
        statement = Statement.objects.create(
            standard=standard, code=code, kind=code[0], text=f"Statement {code}", position=position
        )
    return statement


def make_tag(*, evidence: Evidence, code: str) -> EvidenceTag:
    statement = make_statement(standard=evidence.apprenticeship.standard, code=code)
    return EvidenceTag.objects.create(evidence=evidence, statement=statement)


def make_file(
    *, evidence: Evidence, state: str = EvidenceFile.State.VERIFIED, content: bytes | None = None, name: str = ""
) -> EvidenceFile:
    n = next(_seq)
    content = content if content is not None else f"file content {n}".encode()
    verified = state == EvidenceFile.State.VERIFIED
    return EvidenceFile.objects.create(
        evidence=evidence,
        object_key=f"evidence/test-{n}",
        verified_key=f"verified/evidence/test-{n}" if verified else "",
        original_name=name or f"photo-{n}.jpg",
        declared_type="image/jpeg",
        declared_size=len(content),
        size=len(content) if verified else None,
        sha256=hashlib.sha256(content).hexdigest() if verified else "",
        detected_type="image/jpeg" if verified else "",
        state=state,
        rejection_reason="the file is not an allowed type" if state == EvidenceFile.State.REJECTED else "",
        slot_expires_at=timezone.now() + datetime.timedelta(minutes=15),
        uploaded_by=evidence.author,
        verified_at=timezone.now() if verified else None,
    )


def make_stored_file(*, evidence: Evidence, name: str, content: bytes, detected: str) -> EvidenceFile:
    """A verified file whose bytes really are in the bucket at its verified key, as the verifier leaves it."""
    from portfolio.storage import get_store

    file = make_file(evidence=evidence, content=content, name=name)
    file.declared_type = file.detected_type = detected
    file.save(update_fields=["declared_type", "detected_type"])
    get_store().put(file.verified_key, content, content_type=detected)
    return file


def make_evidence(
    *,
    apprenticeship: Apprenticeship,
    state: str = Evidence.State.DRAFT,
    tags: Iterable[str] = ("K1", "S1"),
    files: int = 1,
    kind: str = Evidence.Kind.DOCUMENT,
    author: User | None = None,
    title: str = "",
) -> Evidence:
    author = author or apprenticeship.apprentice
    evidence = Evidence.objects.create(
        apprenticeship=apprenticeship,
        author=author,
        author_role=Evidence.AuthorRole.APPRENTICE
        if author.pk == apprenticeship.apprentice_id
        else Evidence.AuthorRole.EMPLOYER_CONTACT,
        kind=kind,
        title=title or f"Evidence {next(_seq)}",
        occurred_on=datetime.date(2025, 10, 1),
        reflection="What I did and what I learnt.",
        state=state,
        ever_submitted=state != Evidence.State.DRAFT,
        submitted_at=timezone.now() if state != Evidence.State.DRAFT else None,
    )
    for code in tags:
        make_tag(evidence=evidence, code=code)
    for _ in range(files):
        make_file(evidence=evidence)
    return evidence
