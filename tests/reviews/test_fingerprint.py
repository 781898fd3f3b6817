from __future__ import annotations

import datetime

import pytest

from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.reviews.fingerprint import evidence_fingerprint, fingerprint_of
from tests.factories import build_world
from tests.factories_evidence import make_evidence, make_file, make_statement, make_tag


def _fingerprint(evidence: Evidence) -> str:
    return evidence_fingerprint(evidence=evidence)[0]


@pytest.mark.django_db
def test_same_content_gives_the_same_fingerprint_whatever_the_order_of_tags_and_files() -> None:
    own, _ = build_world()
    first = make_evidence(apprenticeship=own.apprenticeship, tags=(), files=0, title="Site survey")
    second = make_evidence(apprenticeship=own.apprenticeship, tags=(), files=0, title="Site survey")
    for code in ("K1", "S2", "K3"):
        make_tag(evidence=first, code=code)
    for code in ("K3", "K1", "S2"):
        make_tag(evidence=second, code=code)
    make_file(evidence=first, content=b"a")
    make_file(evidence=first, content=b"b")
    make_file(evidence=second, content=b"b")
    make_file(evidence=second, content=b"a", name="renamed.jpg")  # names are not content

    fingerprint, snapshot = evidence_fingerprint(evidence=first)
    assert fingerprint == _fingerprint(second)
    assert fingerprint == fingerprint_of(snapshot)  # verifiable from the stored snapshot alone
    assert snapshot["tags"] == ["K1", "K3", "S2"]
    assert len(fingerprint) == 64


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda e: Evidence.objects.filter(pk=e.pk).update(title="Another title"),
        lambda e: Evidence.objects.filter(pk=e.pk).update(kind=Evidence.Kind.PHOTO),
        lambda e: Evidence.objects.filter(pk=e.pk).update(occurred_on=datetime.date(2025, 10, 2)),
        lambda e: Evidence.objects.filter(pk=e.pk).update(reflection="Edited."),
        lambda e: e.files.update(sha256="f" * 64),
        lambda e: make_file(evidence=e),
        lambda e: e.files.all().delete(),
        lambda e: make_tag(evidence=e, code="B1"),
        lambda e: e.tags.filter(statement__code="K1").delete(),
        lambda e: e.tags.filter(statement__code="K1").update(
            statement=make_statement(standard=e.apprenticeship.standard, code="K9")
        ),
    ],
    ids=[
        "title",
        "kind",
        "date",
        "reflection",
        "file-hash",
        "file-added",
        "file-removed",
        "tag-added",
        "tag-removed",
        "tag-changed",
    ],
)
def test_any_counted_change_changes_the_fingerprint(change: object) -> None:
    own, _ = build_world()
    evidence = make_evidence(apprenticeship=own.apprenticeship)
    before = _fingerprint(evidence)
    change(evidence)  # type: ignore[operator]
    assert _fingerprint(evidence) != before


@pytest.mark.django_db
def test_what_is_not_counted_leaves_the_fingerprint_alone() -> None:
    own, _ = build_world()
    evidence = make_evidence(apprenticeship=own.apprenticeship)
    before = _fingerprint(evidence)
    Evidence.objects.filter(pk=evidence.pk).update(state=Evidence.State.SUBMITTED, version=7)
    evidence.tags.update(state=EvidenceTag.State.ACCEPTED, comment="ok")
    evidence.files.update(original_name="other.jpg")
    assert _fingerprint(evidence) == before
