import pytest

from portfolio.coverage.models import CoverageDirty
from portfolio.coverage.services.dirty import coverage_mark_dirty
from tests.factories import build_world


@pytest.mark.django_db
def test_marking_inserts_once_then_bumps_the_generation() -> None:
    own, other = build_world()
    ids = [own.apprenticeship.pk, other.apprenticeship.pk]

    coverage_mark_dirty(apprenticeship_ids=ids, reason="tag")
    coverage_mark_dirty(apprenticeship_ids=[own.apprenticeship.pk, own.apprenticeship.pk], reason="review")

    rows = {row.apprenticeship_id: row for row in CoverageDirty.objects.all()}
    assert set(rows) == set(ids)
    assert rows[own.apprenticeship.pk].generation == 2
    assert rows[own.apprenticeship.pk].reason == "review"
    assert rows[other.apprenticeship.pk].generation == 1


@pytest.mark.django_db
def test_marking_nothing_writes_nothing() -> None:
    coverage_mark_dirty(apprenticeship_ids=[], reason="tag")
    assert not CoverageDirty.objects.exists()
