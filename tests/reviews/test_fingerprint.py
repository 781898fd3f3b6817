from __future__ import annotations

import datetime

import pytest

from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.reviews.fingerprint import evidence_fingerprint, fingerprint_of
from tests.factories import EvidenceFactory, EvidenceFileFactory, EvidenceTagFactory, StatementFactory, build_world


def _fingerprint(evidence: Evidence) -> str:
    return evidence_fingerprint(evidence=evidence)[0]


@pytest.mark.django_db
def test_same_content_gives_the_same_fingerprint_whatever_the_order_of_tags_and_files() -> None:
    own, _ = build_world()
    first = EvidenceFactory.create(apprenticeship=own.apprenticeship, tags=(), files=0, title="Site survey")
    second = EvidenceFactory.create(apprenticeship=own.apprenticeship, tags=(), files=0, title="Site survey")
    for code in ("K1", "S2", "K3"):
        EvidenceTagFactory.create(evidence=first, code=code)
    for code in ("K3", "K1", "S2"):
        EvidenceTagFactory.create(evidence=second, code=code)
    EvidenceFileFactory.create(evidence=first, content=b"a")
    EvidenceFileFactory.create(evidence=first, content=b"b")
    EvidenceFileFactory.create(evidence=second, content=b"b")
    EvidenceFileFactory.create(evidence=second, content=b"a", original_name="renamed.jpg")  # names are not content

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
        lambda e: EvidenceFileFactory.create(evidence=e),
        lambda e: e.files.all().delete(),
        lambda e: EvidenceTagFactory.create(evidence=e, code="S2"),
        lambda e: e.tags.filter(statement__code="K1").delete(),
        lambda e: e.tags.filter(statement__code="K1").update(
            statement=StatementFactory.create(standard=e.apprenticeship.standard, code="K9")
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
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    before = _fingerprint(evidence)
    change(evidence)  # type: ignore[operator]
    assert _fingerprint(evidence) != before


@pytest.mark.django_db
def test_what_is_not_counted_leaves_the_fingerprint_alone() -> None:
    own, _ = build_world()
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship)
    before = _fingerprint(evidence)
    # Written directly, in a combination no service makes (a draft's tags accepted): whatever the state, version
    # and decisions, the fingerprint reads only the counted parts.
    Evidence.objects.filter(pk=evidence.pk).update(state=Evidence.State.SUBMITTED, version=7)
    evidence.tags.update(state=EvidenceTag.State.ACCEPTED, comment="ok")
    evidence.files.update(original_name="other.jpg")
    assert _fingerprint(evidence) == before


def _orm_snapshot(evidence: Evidence) -> dict[str, object]:
    """The counted parts read through the ORM, one query each: what the compiled reads must answer."""
    fields = Evidence.objects.values("title", "kind", "occurred_on", "reflection").get(pk=evidence.pk)
    return {
        "fingerprint_version": 1,
        **fields,
        "occurred_on": fields["occurred_on"].isoformat(),
        "files": sorted(sha or "" for sha in evidence.files.values_list("sha256", flat=True)),
        "tags": sorted(evidence.tags.values_list("statement__code", flat=True)),
    }


@pytest.mark.django_db
def test_the_compiled_reads_give_the_orms_snapshot_for_each_item() -> None:
    """The counted parts are read by queries compiled once per process: for items of two providers, with and
    without files (one not hashed yet) and tags, each item's own parts, as the ORM reads them."""
    own, other = build_world()
    items = [
        EvidenceFactory.create(apprenticeship=own.apprenticeship, title="Own", reflection="Went well."),
        EvidenceFactory.create(apprenticeship=own.apprenticeship, tags=(), files=0, title="Bare"),
        EvidenceFactory.create(apprenticeship=other.apprenticeship, tags=("S1",), files=2, title="Other"),
    ]
    unhashed = EvidenceFileFactory.create(evidence=items[0])
    unhashed.__class__.objects.filter(pk=unhashed.pk).update(sha256="")  # not hashed yet
    for evidence in items:
        snapshot = evidence_fingerprint(evidence=evidence)[1]
        assert snapshot == _orm_snapshot(evidence), evidence.title
    assert [len(evidence_fingerprint(evidence=e)[1]["files"]) for e in items] == [2, 0, 2]
    assert evidence_fingerprint(evidence=items[0])[1]["files"].count("") == 1
    assert evidence_fingerprint(evidence=items[1])[1]["tags"] == []
    with pytest.raises(Evidence.DoesNotExist):
        evidence_fingerprint(evidence=Evidence(pk=-1))
