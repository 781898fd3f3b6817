"""Gateway scenarios built by the same code on PostgreSQL and on SQLite (the embedded default), whose stored gates,
failing gates and states must agree: the two dialects' date arithmetic (months, ages, breaks, last month's bounds
in local time) is where they could part."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from portfolio.coverage.models import CoverageSummary
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence
from portfolio.gateway.services.policy import manual_gate_create
from portfolio.gateway.services.signatures import gateway_sign
from portfolio.otj.models import OtjActivity
from tests.factories import EvidenceFactory
from tests.gateway.helpers import TODAY, add_break, gate_world, log_otj, set_apprenticeship

D = datetime.date
LONDON = zoneinfo.ZoneInfo("Europe/London")


def build() -> dict[str, int]:
    """Each scenario's apprenticeship id, by name."""
    made: dict[str, Any] = {}
    signed = gate_world()
    coverage_recompute(apprenticeship_ids=[signed.a.pk])
    gateway_sign(actor=signed.world.line_manager, apprenticeship=signed.a, side="employer")
    gateway_sign(actor=signed.world.assessor, apprenticeship=signed.a, side="provider")
    made["signed"] = signed.a

    otj = gate_world(minimum_hours=300, approved_minutes=212 * 60)
    set_apprenticeship(otj.a, rpl_hours=22, rpl_reason="Level 2 certificate in the same field")
    log_otj(otj.a, 120, state=OtjActivity.State.PENDING)
    log_otj(otj.a, 600, state=OtjActivity.State.DECLINED)
    made["otj"] = otj.a

    breaks = gate_world(approved_minutes=0)
    set_apprenticeship(breaks.a, start_date=D(2025, 10, 31), planned_end_date=D(2027, 2, 28))
    log_otj(breaks.a, 300 * 60)  # approved, from the new start
    add_break(breaks.a, D(2026, 1, 1), D(2026, 1, 31))
    add_break(breaks.a, D(2026, 6, 20), None)
    made["breaks"] = breaks.a

    # Starting after TODAY: no OTJ yet.
    leap = gate_world(approved_minutes=0)
    set_apprenticeship(leap.a, date_of_birth=D(2008, 2, 29), start_date=D(2027, 2, 28), planned_end_date=D(2028, 2, 29))
    made["born on 29 February"] = leap.a
    leap_day = gate_world(approved_minutes=0)
    set_apprenticeship(
        leap_day.a, date_of_birth=D(2008, 2, 29), start_date=D(2027, 3, 1), planned_end_date=D(2029, 1, 1)
    )
    made["19 on 1 March"] = leap_day.a

    june = gate_world()
    # Submitted (its date moved back to when the scenario says it was).
    item = EvidenceFactory.create(apprenticeship=june.a, state="submitted")
    Evidence.objects.filter(pk=item.pk).update(submitted_at=datetime.datetime(2026, 6, 30, 23, 30, tzinfo=LONDON))
    made["submitted on 30 June 23:30"] = june.a
    july = gate_world()
    item = EvidenceFactory.create(apprenticeship=july.a, state="submitted")
    Evidence.objects.filter(pk=item.pk).update(submitted_at=datetime.datetime(2026, 7, 1, 0, 30, tzinfo=LONDON))
    made["submitted on 1 July 00:30"] = july.a

    manual = gate_world()
    manual_gate_create(actor=manual.world.admin, provider=manual.world.provider, name="Qualification achieved")
    manual_gate_create(actor=manual.world.admin, provider=manual.world.provider, name="Safeguarding module")
    made["manual"] = manual.a

    month_ends = gate_world(approved_minutes=0)
    set_apprenticeship(month_ends.a, start_date=D(2025, 10, 31), planned_end_date=D(2026, 5, 31))
    log_otj(month_ends.a, 300 * 60)  # approved, from the new start
    made["31 October start"] = month_ends.a
    return {name: a.pk for name, a in made.items()}


def stored(ids: dict[str, int]) -> dict[str, Any]:
    """The gates, failing gates and state of each scenario, worked out for TODAY (2 July 2026)."""
    coverage_recompute(apprenticeship_ids=list(ids.values()), today=TODAY)
    summaries = CoverageSummary.objects.in_bulk(list(ids.values()), field_name="apprenticeship_id")
    return {
        name: {"gates": summaries[pk].gates, "blocking": summaries[pk].blocking, "state": summaries[pk].state}
        for name, pk in ids.items()
    }
