"""The gates that turn with the date alone: the daily pass marks everyone in learning and recomputes them, so an
apprentice whose practical period reaches the minimum overnight becomes ready for gateway that morning, once."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from portfolio.coverage.models import CoverageDirty, ReadinessEvent
from portfolio.coverage.services.compute import coverage_recompute_dirty
from portfolio.coverage.services.dirty import coverage_mark_time_dependent_dirty
from portfolio.people.models import Apprenticeship
from tests.factories import ApprenticeshipFactory
from tests.gateway.helpers import gate_world, gates_of, log_otj, set_apprenticeship

pytestmark = pytest.mark.django_db


def test_the_practical_period_is_reached_overnight_and_the_daily_pass_sees_it() -> None:
    g = gate_world(approved_minutes=0)
    set_apprenticeship(g.a, start_date=datetime.date(2025, 11, 3), planned_end_date=datetime.date(2027, 11, 3))
    log_otj(g.a, 300 * 60)  # approved, from the new start
    done = ApprenticeshipFactory.create(
        provider=g.world.provider,
        employer=g.world.employer,
        standard=g.catalogue.standard,
        status=Apprenticeship.Status.COMPLETED,
    )
    assert gates_of(g.a, today=datetime.date(2026, 7, 2)).gates["practical_period"]["months"] == 7
    coverage_recompute_dirty(today=datetime.date(2026, 7, 2))
    assert not CoverageDirty.objects.exists()

    assert coverage_mark_time_dependent_dirty() == 1  # the completed apprenticeship is left alone
    assert not CoverageDirty.objects.filter(apprenticeship=done).exists()
    coverage_recompute_dirty(today=datetime.date(2026, 7, 3))
    assert list(ReadinessEvent.objects.filter(apprenticeship=g.a).values_list("state", "causes")) == [
        ("ready", ["practical_period"])
    ]
    assert "coverage.refresh_daily" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
