"""The apprenticeship's OTJ plan, RPL, date of birth, English and maths, and breaks in learning: services, and
expected-to-date with a break recorded through them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.otj.selectors import otj_figures_for
from portfolio.otj.services.decisions import otj_activity_approve
from portfolio.otj.services.minimums import otj_minimums_save
from portfolio.people.models import Apprenticeship, BreakInLearning
from portfolio.people.services.apprenticeships import apprenticeship_update
from portfolio.people.services.breaks import break_in_learning_end, break_in_learning_start
from tests.factories import World, build_world
from tests.otj.helpers import D, dirty_generation, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    own, _ = build_world()
    return own


def test_planned_hours_and_rpl_change_the_figures_and_mark_coverage_dirty(world: World) -> None:
    before = dirty_generation(world.apprenticeship)
    apprenticeship_update(
        actor=world.admin, apprenticeship=world.apprenticeship, otj_planned_hours=400, rpl_hours=20,
        rpl_reason="Level 3 certificate in production",
    )  # fmt: skip
    assert dirty_generation(world.apprenticeship) == before + 1
    otj_minimums_save(actor=world.admin, provider=world.provider, minimums={world.standard: 278})
    otj_activity_approve(actor=world.tutor, activity=log(world, minutes=12 * 60))
    world.apprenticeship.refresh_from_db()
    figures = otj_figures_for(apprenticeship=world.apprenticeship, today=D(2026, 3, 1))
    assert (figures.planned_hours, figures.required_minutes, figures.to_go_minutes) == (400, 258 * 60, 246 * 60)
    audit = AuditEntry.objects.filter(action="apprenticeship.update").last()
    assert audit is not None
    assert audit.changes["rpl_hours"] == [0, 20]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rpl_hours": 10}, "rpl_reason", "Say what prior learning was recognised"),
        ({"otj_planned_hours": 0}, "otj_planned_hours", "Give the planned off-the-job hours"),
        ({"english_maths": "not_required"}, "english_maths_reason", "Say why English and maths are not required"),
        ({"date_of_birth": D(2015, 1, 1)}, "date_of_birth", "would be 10 at the start (01 Sep 2025)"),
    ],
)
def test_plan_fields_refuse_with_what_to_do(world: World, changes: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        apprenticeship_update(actor=world.admin, apprenticeship=world.apprenticeship, **changes)  # type: ignore[arg-type]
    assert message in caught.value.message_dict[field][0]
    world.apprenticeship.refresh_from_db()
    assert (world.apprenticeship.rpl_hours, world.apprenticeship.otj_planned_hours) == (0, None)


def test_a_break_pauses_expected_hours_and_the_status_follows(world: World) -> None:
    apprenticeship_update(
        actor=world.admin, apprenticeship=world.apprenticeship, otj_planned_hours=400, planned_end_date=D(2027, 9, 1)
    )
    world.apprenticeship.refresh_from_db()
    before = dirty_generation(world.apprenticeship)
    break_in_learning_start(
        actor=world.admin, apprenticeship=world.apprenticeship, started_on=D(2026, 1, 1), reason="Illness"
    )
    assert Apprenticeship.objects.get(pk=world.apprenticeship.pk).status == "break_in_learning"
    break_in_learning_end(actor=world.admin, apprenticeship=world.apprenticeship, ended_on=D(2026, 1, 31))
    assert Apprenticeship.objects.get(pk=world.apprenticeship.pk).status == "in_learning"
    assert dirty_generation(world.apprenticeship) == before + 2
    # The worked example of tests/otj/test_figures.py, through the database: 150 of 699 days, 5,150 minutes.
    figures = otj_figures_for(apprenticeship=world.apprenticeship, today=D(2026, 3, 1))
    assert (figures.days_in_learning, figures.planned_days, figures.expected_minutes) == (150, 699, 5150)
    breaks = AuditEntry.objects.filter(action__startswith="apprenticeship.break").order_by("pk")
    actions = list(breaks.values_list("action", flat=True))
    assert actions == ["apprenticeship.break_started", "apprenticeship.break_ended"]


def test_break_refusals(world: World) -> None:
    a = world.apprenticeship
    with pytest.raises(PermissionDenied):
        break_in_learning_start(actor=world.tutor, apprenticeship=a, started_on=D(2026, 1, 1))
    with pytest.raises(ValidationError, match="before the apprenticeship did"):
        break_in_learning_start(actor=world.admin, apprenticeship=a, started_on=D(2025, 8, 1))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        break_in_learning_start(actor=world.admin, apprenticeship=a, started_on=tomorrow)
    with pytest.raises(ValidationError, match="There is no open break to end"):
        break_in_learning_end(actor=world.admin, apprenticeship=a, ended_on=D(2026, 1, 1))
    break_in_learning_start(actor=world.admin, apprenticeship=a, started_on=D(2026, 1, 1))
    with pytest.raises(ValidationError, match="A break is already open"):
        break_in_learning_start(actor=world.admin, apprenticeship=a, started_on=D(2026, 2, 1))
    with pytest.raises(ValidationError, match="its last day cannot be before that"):
        break_in_learning_end(actor=world.admin, apprenticeship=a, ended_on=D(2025, 12, 31))
    break_in_learning_end(actor=world.admin, apprenticeship=a, ended_on=D(2026, 1, 31))
    with pytest.raises(ValidationError, match="a new break starts after it ended"):
        break_in_learning_start(actor=world.admin, apprenticeship=a, started_on=D(2026, 1, 31))
    assert BreakInLearning.objects.count() == 1


def test_moving_the_status_in_and_out_of_a_break_records_one(world: World) -> None:
    a = world.apprenticeship
    apprenticeship_update(actor=world.admin, apprenticeship=a, status="break_in_learning")
    record = BreakInLearning.objects.get()
    assert (record.started_on, record.ended_on) == (timezone.localdate(), None)
    apprenticeship_update(actor=world.admin, apprenticeship=a, status="in_learning")
    record.refresh_from_db()
    assert record.ended_on == timezone.localdate()  # started and ended today: a one-day break
    apprenticeship_update(actor=world.admin, apprenticeship=a, status="withdrawn")
    with pytest.raises(ValidationError, match="cannot take a break"):
        apprenticeship_update(actor=world.admin, apprenticeship=a, status="break_in_learning")
