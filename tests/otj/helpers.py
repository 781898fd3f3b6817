"""Shared set-up for the OTJ tests: a world, and entries logged through the real service (OtjActivityFactory)."""

from __future__ import annotations

import datetime
from typing import Any

from portfolio.coverage.models import CoverageDirty
from portfolio.otj.models import OtjActivity
from portfolio.people.models import Apprenticeship
from tests.factories import OtjActivityFactory

D = datetime.date
T = datetime.time


MONDAY = D(2025, 10, 6)


def log(world: Any, *, on: datetime.date = MONDAY, at: str = "09:00", minutes: int = 60,
        actor: Any = None, kind: str = "taught_session", description: str = "Budgeting workshop",
        evidence: list[Any] | None = None) -> OtjActivity:  # fmt: skip
    hour, minute = (int(part) for part in at.split(":"))
    return OtjActivityFactory.create(
        logged_by=actor or world.apprentice,
        apprenticeship=world.apprenticeship,
        date=on,
        start_time=T(hour, minute),
        minutes=minutes,
        activity_type=kind,
        description=description,
        evidence=evidence or [],
    )


def dirty_generation(apprenticeship: Apprenticeship) -> int:
    row = CoverageDirty.objects.filter(apprenticeship=apprenticeship).first()
    return row.generation if row else 0
