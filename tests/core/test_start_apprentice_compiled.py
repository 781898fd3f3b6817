"""The apprentice's start section read by the queries compiled once per process (portfolio/core/compiled.py)
answers exactly what the same queries answer through the ORM: for apprentices of two providers, one with two
apprenticeships under different sign-off steps, one who is also an employer contact, one a superuser, with lists
that fit on the page and one that does not, rejected files, OTJ entries and reviews to sign."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from portfolio.core.compiled import CompiledIdsQuery
from portfolio.core.start import apprentice
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.otj import selectors as otj_selectors
from portfolio.people.models import Apprenticeship, User
from portfolio.people.selectors import user_roles
from portfolio.progress.models import ProgressReview, ReviewSignature
from portfolio.reviews.models import ReviewPolicy
from tests.factories import (
    ApprenticeshipFactory,
    EvidenceFactory,
    EvidenceFileFactory,
    MembershipFactory,
    OtjActivityFactory,
    build_world,
)

pytestmark = pytest.mark.django_db


class _ThroughOrm:
    """A compiled query's stand-in that builds and runs its queryset through the ORM every time."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._build(**values)]


def _through_orm(monkeypatch: pytest.MonkeyPatch) -> None:
    # A query by ids compiled for no ids reads every list through the ORM.
    monkeypatch.setattr(apprentice, "_OWN", _ThroughOrm(apprentice._own_rows))
    monkeypatch.setattr(apprentice, "_INCOMPLETE", CompiledIdsQuery(apprentice._incomplete_rows, size=0))
    monkeypatch.setattr(apprentice, "_COUNTS", CompiledIdsQuery(apprentice._count_rows, size=0, user_id=-1))
    monkeypatch.setattr(apprentice, "_REJECTED", CompiledIdsQuery(apprentice._rejected_rows, size=0, author_id=-1))
    monkeypatch.setattr(apprentice, "_TO_SIGN", CompiledIdsQuery(apprentice._to_sign_rows, size=0, user_id=-1))
    monkeypatch.setattr(apprentice, "COMPILED_UP_TO", 0)
    monkeypatch.setattr(otj_selectors, "_TOTALS", CompiledIdsQuery(otj_selectors._totals, size=0))


def _review(apprenticeship: Apprenticeship, by: User, state: str, **fields: Any) -> ProgressReview:
    return ProgressReview.objects.create(
        apprenticeship=apprenticeship, state=state, reviewer=by, scheduled_by=by, scheduled_for=timezone.now(), **fields
    )


def _items(apprenticeship: Apprenticeship, state: str, count: int, author: User | None = None) -> None:
    # Someone else than the apprentice writes a witness testimony.
    kind = Evidence.Kind.DOCUMENT if author is None else Evidence.Kind.WITNESS_TESTIMONY
    for _ in range(count):
        EvidenceFactory.create(
            apprenticeship=apprenticeship, author=author or apprenticeship.apprentice, state=state, files=0,
            tags=() if state == "draft" else ("K1",), kind=kind,
        )  # fmt: skip


def test_the_compiled_reads_answer_as_the_orm(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = build_world()
    # Two apprentices whose only list is the same (items waiting on the provider) under different steps: one
    # submitted while their provider kept an employer step, which it then dropped (so it waits on the provider).
    confirmed = ApprenticeshipFactory.create(provider=first.provider, employer=first.employer)
    _items(confirmed, "confirmed", 1)
    submitted = ApprenticeshipFactory.create(provider=second.provider, employer=second.employer)
    _items(submitted, "submitted", 1)
    # The first apprentice's second apprenticeship is at the second provider, which has no employer step.
    ReviewPolicy.objects.update_or_create(provider=second.provider, defaults={"require_employer_confirmation": False})
    other = ApprenticeshipFactory.create(
        apprentice=first.apprentice, provider=second.provider, employer=second.employer, standard=second.standard
    )
    _items(first.apprenticeship, "draft", apprentice.SHOWN + 2)  # more than fit: read alone
    _items(first.apprenticeship, "submitted", 2)
    _items(first.apprenticeship, "confirmed", 1)
    _items(first.apprenticeship, "returned", 2)
    _items(other, "confirmed", 3)  # submitted, it waits on the provider at once
    _items(other, "draft", 1)
    _items(second.apprenticeship, "returned", 1)
    _items(second.apprenticeship, "confirmed", 1)
    for apprenticeship in (first.apprenticeship, other, second.apprenticeship):
        rejected = EvidenceFactory.create(apprenticeship=apprenticeship, tags=(), files=0)
        EvidenceFileFactory.create(evidence=rejected, state=EvidenceFile.State.REJECTED)
    OtjActivityFactory.create(apprenticeship=first.apprenticeship, minutes=90, state="approved")
    OtjActivityFactory.create(apprenticeship=first.apprenticeship, minutes=30)
    OtjActivityFactory.create(apprenticeship=other, minutes=45, state="declined")
    signed = _review(first.apprenticeship, first.tutor, "awaiting_signatures", held_on=timezone.localdate())
    _review(other, second.tutor, "awaiting_signatures", held_on=timezone.localdate())
    ReviewSignature.objects.create(
        review=signed, party="apprentice", signed_by=first.apprentice, signer_role="apprentice",
        signed_at=timezone.now(), review_version=1, fingerprint="x", snapshot={},
    )  # fmt: skip
    _review(second.apprenticeship, second.tutor, "scheduled")
    # The second apprentice is also a line manager at the first employer, and wrote a draft there.
    MembershipFactory.create(user=second.apprentice, organisation=first.employer, role="line_manager")
    _items(first.apprenticeship, "draft", 1, author=second.apprentice)
    superuser = ApprenticeshipFactory.create(provider=first.provider, employer=first.employer)
    User.objects.filter(pk=superuser.apprentice_id).update(is_superuser=True)
    _review(superuser, first.tutor, "awaiting_signatures", held_on=timezone.localdate())
    people = [first.apprentice, second.apprentice, User.objects.get(pk=superuser.apprentice_id), first.tutor]
    people += [confirmed.apprentice, submitted.apprentice]

    def sections() -> list[dict[str, Any]]:
        return [apprentice.tasks(user=person, roles=frozenset(user_roles(user=person))) for person in people]

    compiled = sections()
    with monkeypatch.context() as patched:
        _through_orm(patched)
        orm = sections()
    assert compiled == orm
    mine, theirs, superuser_own, staff, *waiting = compiled
    assert [[item["pk"] for item in section["waiting_provider"].items] for section in waiting] == [
        list(Evidence.objects.filter(apprenticeship=apprenticeship).values_list("pk", flat=True))
        for apprenticeship in (confirmed, submitted)
    ]
    assert [route.apprenticeship.pk for route in mine["routes"]] == [first.apprenticeship.pk, other.pk]
    # Their drafts: those listed, the one on the other apprenticeship, the two holding a rejected file.
    assert (mine["drafts"].count, len(mine["drafts"].items)) == (apprentice.SHOWN + 5, apprentice.SHOWN)
    assert (mine["returned"].count, mine["waiting_employer"].count, mine["waiting_provider"].count) == (2, 2, 4)
    assert mine["rejected_files"].count == 2
    assert [r.public_id for r in mine["reviews_to_sign"].items] == [
        ProgressReview.objects.get(apprenticeship=other).public_id
    ]
    assert [(a.pk, totals.approved_minutes) for a, totals in mine["otj"][:1]] == [(first.apprenticeship.pk, 90)]
    # Theirs on their own apprenticeship (holding a rejected file) and the testimony they wrote as a line manager.
    assert theirs["drafts"].count == 2
    assert {item.apprenticeship_id for item in theirs["drafts"].items} == {
        second.apprenticeship.pk,
        first.apprenticeship.pk,
    }
    assert theirs["next_reviews"][0][2] is not None  # the review scheduled
    assert superuser_own["reviews_to_sign"].count == 1
    assert staff["routes"] == []
