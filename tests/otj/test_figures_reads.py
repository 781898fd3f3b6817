"""`otj_figures_for` reads its inputs by queries compiled once per process (`CompiledQuery`): for two providers'
apprenticeships, each reads its own month totals, evidence months, minimum, breaks and tolerance, the same values as
the ORM's queries, and nothing of the other's."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from portfolio.otj.figures import DEFAULT_TOLERANCE, Break
from portfolio.otj.models import OtjActivity
from portfolio.otj.selectors import otj_breaks_for, otj_figures_for, otj_tolerance_for
from portfolio.otj.services.minimums import otj_minimums_save
from portfolio.people.models import BreakInLearning
from tests.factories import EvidenceFactory, OtjActivityFactory, build_world
from tests.gateway.helpers import set_gateway_policy

pytestmark = pytest.mark.django_db


def test_each_apprenticeship_reads_its_own_figures_inputs() -> None:
    own, other = build_world()
    otj_minimums_save(actor=own.admin, provider=own.provider, minimums={own.standard: 278})
    set_gateway_policy(own, otj_tolerance_percent=5)
    start = own.apprenticeship.start_date
    BreakInLearning.objects.create(
        apprenticeship=own.apprenticeship, started_on=start + datetime.timedelta(days=40),
        ended_on=start + datetime.timedelta(days=60), reason="Illness", recorded_by=own.admin,
    )  # fmt: skip
    OtjActivityFactory.create(apprenticeship=own.apprenticeship, minutes=90, state=OtjActivity.State.APPROVED)
    OtjActivityFactory.create(apprenticeship=own.apprenticeship, minutes=30)
    OtjActivityFactory.create(apprenticeship=other.apprenticeship, minutes=45, state=OtjActivity.State.APPROVED)
    EvidenceFactory.create(apprenticeship=other.apprenticeship, tags=())

    assert otj_tolerance_for(provider_id=own.provider.pk) == Decimal(5) / 100
    assert otj_tolerance_for(provider_id=other.provider.pk) == DEFAULT_TOLERANCE
    assert otj_breaks_for(apprenticeship=own.apprenticeship) == [
        Break(started_on=b.started_on, ended_on=b.ended_on) for b in BreakInLearning.objects.all()
    ]
    assert otj_breaks_for(apprenticeship=other.apprenticeship) == []
    for world in (own, other):
        figures = otj_figures_for(apprenticeship=world.apprenticeship)
        activities = OtjActivity.objects.filter(apprenticeship=world.apprenticeship)
        for state, minutes in ((OtjActivity.State.APPROVED, figures.approved_minutes),
                               (OtjActivity.State.PENDING, figures.pending_minutes)):  # fmt: skip
            assert minutes == (activities.filter(state=state).aggregate(total=Sum("minutes"))["total"] or 0)
    assert otj_figures_for(apprenticeship=own.apprenticeship).minimum_hours == 278
    assert otj_figures_for(apprenticeship=other.apprenticeship).minimum_hours is None
