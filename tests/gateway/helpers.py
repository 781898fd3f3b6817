"""A world for the gateway tests: one apprentice on the small catalogue (make_catalogue, Route A) whose every
gate passes under a new provider's defaults, so each test breaks exactly the gate it is about.

Every row is written by the service that writes it in use, so a test holds only states the application can
reach: evidence and behaviour confirmations through tests/factories/; OTJ entries logged by the apprentice and
decided by the provider's assessor (OtjActivityFactory); the minimum hours by otj_minimums_save; breaks by
break_in_learning_start and break_in_learning_end; the apprenticeship's fields by apprenticeship_update, as the
provider's admin. Those services check dates against the clock: each date here is before TODAY, which is in the
past.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from portfolio.coverage.models import CoverageSummary
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.gateway.models import GatewayPolicy
from portfolio.otj.models import MINUTES_PER_DAY, OtjActivity
from portfolio.otj.services.minimums import otj_minimums_save
from portfolio.people.models import Apprenticeship, BreakInLearning, User
from portfolio.people.services.apprenticeships import apprenticeship_update
from portfolio.people.services.breaks import break_in_learning_end, break_in_learning_start
from portfolio.reviews.models import BehaviourConfirmation
from portfolio.reviews.services.behaviours import behaviour_confirmation_withdraw
from portfolio.standards.models import Statement
from tests.factories import (
    BehaviourConfirmationFactory,
    Catalogue,
    EvidenceFactory,
    OtjActivityFactory,
    World,
    make_catalogue,
    make_world,
)
from tests.factories.reviews import provider_admin

TODAY = datetime.date(2026, 7, 2)
MIDNIGHT = datetime.time(0, 0)
MORNING = datetime.time(9, 0)


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
    set_apprenticeship(
        a,
        option=catalogue.route_a,
        start_date=datetime.date(2025, 9, 1),
        planned_end_date=datetime.date(2027, 8, 31),
        date_of_birth=datetime.date(2000, 5, 1),
        english_maths=Apprenticeship.EnglishMaths.PENDING,
        otj_planned_hours=400,
    )
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
    """The provider's admin sets the minimum OTJ hours of the apprenticeship's standard version."""
    otj_minimums_save(actor=world.admin, provider=world.provider, minimums={world.apprenticeship.standard: hours})


def log_otj(
    a: Apprenticeship, minutes: int, *, state: str = OtjActivity.State.APPROVED, on: datetime.date | None = None
) -> list[OtjActivity]:
    """`minutes` of OTJ logged by the apprentice and left pending, approved or declined by the assessor.

    Without `on`, as whole days (00:00 to midnight, the most one entry and one day may hold) on the first days
    from the start date that have no entry, the last day holding the rest. With `on`, one entry that day, after
    the day's other entries (from 09:00 on an empty day)."""
    if on is not None:
        start = _free_time(a, on, minutes)
        return [OtjActivityFactory.create(apprenticeship=a, date=on, start_time=start, minutes=minutes, state=state)]
    taken = set(a.otj_activities.values_list("date", flat=True))
    day = a.start_date
    made = []
    while minutes > 0:
        while day in taken:
            day += datetime.timedelta(days=1)
        if day >= TODAY:
            raise ValueError(f"{a} has no free day before {TODAY} left for {minutes} more minutes of OTJ")
        chunk = min(minutes, MINUTES_PER_DAY)
        made.append(OtjActivityFactory.create(apprenticeship=a, date=day, start_time=MIDNIGHT, minutes=chunk,
                                              state=state))  # fmt: skip
        taken.add(day)
        minutes -= chunk
    return made


def _free_time(a: Apprenticeship, on: datetime.date, minutes: int) -> datetime.time:
    ends = [
        datetime.datetime.combine(on, e.start_time) + datetime.timedelta(minutes=e.minutes)
        for e in a.otj_activities.filter(date=on)
    ]
    start = max([datetime.datetime.combine(on, MORNING), *ends])
    midnight = datetime.datetime.combine(on + datetime.timedelta(days=1), MIDNIGHT)
    if start + datetime.timedelta(minutes=minutes) > midnight:
        raise ValueError(f"{minutes} minutes of OTJ no longer fit on {on} after its other entries")
    return start.time()


def add_break(a: Apprenticeship, started_on: datetime.date, ended_on: datetime.date | None) -> BreakInLearning:
    """The provider's admin records a break from `started_on`, and its last day `ended_on` unless it is open."""
    admin = provider_admin(a.provider)
    made = break_in_learning_start(actor=admin, apprenticeship=a, started_on=started_on)
    if ended_on is not None:
        made = break_in_learning_end(actor=admin, apprenticeship=a, ended_on=ended_on)
    a.refresh_from_db()
    return made


def set_apprenticeship(a: Apprenticeship, **fields: Any) -> None:
    """The provider's admin changes these fields (apprenticeship_update, with its checks)."""
    apprenticeship_update(actor=provider_admin(a.provider), apprenticeship=a, **fields)
    a.refresh_from_db()


def set_gateway_policy(world: World, **fields: Any) -> None:
    from portfolio.gateway.services.policy import gateway_policy_update

    gateway_policy_update(actor=world.admin, provider=world.provider, **fields)


def gates_of(a: Apprenticeship, today: datetime.date = TODAY) -> CoverageSummary:
    coverage_recompute(apprenticeship_ids=[a.pk], today=today)
    return CoverageSummary.objects.get(apprenticeship_id=a.pk)
