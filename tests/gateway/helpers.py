"""A world for the gateway tests: one apprentice on the small catalogue (make_catalogue, Route A) whose every
gate passes under a new provider's defaults, so each test breaks exactly the gate it is about.

Evidence and behaviour confirmations are made by their services (tests/factories/). OTJ activities, minimums and
breaks are written directly here, with the dirty mark those services write: log_otj writes the minutes a gate
needs in entries of up to 20 hours, without the logging service's checks of dates and overlaps.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from portfolio.coverage.models import CoverageSummary
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.gateway.models import GatewayPolicy
from portfolio.otj.models import OtjActivity, OtjMinimum
from portfolio.people.models import Apprenticeship, BreakInLearning, User
from portfolio.reviews.models import BehaviourConfirmation
from portfolio.reviews.services.behaviours import behaviour_confirmation_withdraw
from portfolio.standards.models import Statement
from tests.factories import BehaviourConfirmationFactory, Catalogue, EvidenceFactory, World, make_catalogue, make_world

TODAY = datetime.date(2026, 7, 2)
_minute = itertools.count()


@dataclass
class GateWorld:
    catalogue: Catalogue
    world: World

    @property
    def a(self) -> Apprenticeship:
        return self.world.apprenticeship


def gate_world(*, minimum_hours: int = 300, approved_minutes: int = 300 * 60) -> GateWorld:
    """Route A fully covered, both behaviours confirmed, `approved_minutes` of approved OTJ against a minimum of
    `minimum_hours`, started on 1 September 2025 (10 months before TODAY), 25 at the start with English and maths
    pending (so the rule does not apply), the provider on the defaults (no policy row), no manual gates."""
    catalogue = make_catalogue()
    world = make_world(standard=catalogue.standard)
    GatewayPolicy.objects.filter(provider=world.provider).delete()  # the defaults: every gate on
    a = world.apprenticeship
    Apprenticeship.objects.filter(pk=a.pk).update(
        option=catalogue.route_a,
        start_date=datetime.date(2025, 9, 1),
        planned_end_date=datetime.date(2027, 8, 31),
        date_of_birth=datetime.date(2000, 5, 1),
        english_maths=Apprenticeship.EnglishMaths.PENDING,
        otj_planned_hours=400,
    )
    a.refresh_from_db()
    s = catalogue.statements
    route_a = ("K1", "K2", "K3", "S1", "S2", "S3")
    EvidenceFactory.create(apprenticeship=a, files=0, tags=route_a, state="accepted")
    for code in ("B1", "B2"):
        BehaviourConfirmationFactory.create(apprenticeship=a, statement=s[code], confirmed_by=world.line_manager)
    if minimum_hours:
        set_minimum(world, minimum_hours)
    if approved_minutes:
        log_otj(a, approved_minutes, state=OtjActivity.State.APPROVED)
    return GateWorld(catalogue, world)


def withdraw_behaviour(*, apprenticeship: Apprenticeship, statement: Statement, by: User) -> None:
    """An employer contact withdraws the live confirmation of this behaviour (behaviour_confirmation_withdraw)."""
    live = BehaviourConfirmation.objects.get(apprenticeship=apprenticeship, statement=statement, withdrawn_at=None)
    behaviour_confirmation_withdraw(actor=by, confirmation=live)


def set_minimum(world: World, hours: int) -> None:
    OtjMinimum.objects.update_or_create(
        provider=world.provider,
        standard_version=world.apprenticeship.standard,
        defaults={"minimum_hours": hours, "updated_by": world.admin},
    )
    coverage_mark_dirty(apprenticeship_ids=[world.apprenticeship.pk], reason="otj minimum")


def log_otj(
    a: Apprenticeship, minutes: int, *, state: str = OtjActivity.State.APPROVED, on: datetime.date | None = None
) -> list[OtjActivity]:
    """`minutes` of OTJ as activities of at most 20 h each (no activity may pass 24 h), each at its own time."""
    made = []
    while minutes > 0:
        chunk = min(minutes, 1200)
        minute = next(_minute)
        made.append(
            OtjActivity.objects.create(
                apprenticeship=a,
                date=on or datetime.date(2025, 10, 1) + datetime.timedelta(days=minute // 24),
                start_time=datetime.time(minute % 24, 0),
                minutes=chunk,
                activity_type=OtjActivity.ActivityType.TAUGHT_SESSION,
                description="Workshop",
                state=state,
                logged_by=a.apprentice,
            )
        )
        minutes -= chunk
    coverage_mark_dirty(apprenticeship_ids=[a.pk], reason="otj logged")
    return made


def add_break(a: Apprenticeship, started_on: datetime.date, ended_on: datetime.date | None) -> BreakInLearning:
    made = BreakInLearning.objects.create(apprenticeship=a, started_on=started_on, ended_on=ended_on,
                                          recorded_by=a.apprentice)  # fmt: skip
    coverage_mark_dirty(apprenticeship_ids=[a.pk], reason="break")
    return made


def set_apprenticeship(a: Apprenticeship, **fields: Any) -> None:
    Apprenticeship.objects.filter(pk=a.pk).update(**fields)
    a.refresh_from_db()
    coverage_mark_dirty(apprenticeship_ids=[a.pk], reason="apprenticeship changed")


def set_gateway_policy(world: World, **fields: Any) -> None:
    from portfolio.gateway.services.policy import gateway_policy_update

    gateway_policy_update(actor=world.admin, provider=world.provider, **fields)


def gates_of(a: Apprenticeship, today: datetime.date = TODAY) -> CoverageSummary:
    coverage_recompute(apprenticeship_ids=[a.pk], today=today)
    return CoverageSummary.objects.get(apprenticeship_id=a.pk)
