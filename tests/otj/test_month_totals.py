"""The OTJ month totals the coverage engine reads: every service leaves them as the activities say, worked by hand."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from portfolio.coverage.models import CoverageDirty
from portfolio.otj.models import OtjActivity, OtjMonthTotal
from portfolio.otj.services.activities import otj_activity_delete, otj_activity_update
from portfolio.otj.services.decisions import otj_activity_approve, otj_activity_decline, otj_activity_reverse
from portfolio.otj.services.totals import otj_month_totals_rebuild
from tests.factories import World, build_world
from tests.otj.helpers import D, log

pytestmark = pytest.mark.django_db


def _totals(world: World) -> dict[str, tuple[int, int]]:
    rows = OtjMonthTotal.objects.filter(apprenticeship=world.apprenticeship).order_by("month")
    return {f"{row.month:%Y-%m}": (row.approved_minutes, row.pending_minutes) for row in rows}


def test_each_change_leaves_the_month_totals_as_the_activities_say() -> None:
    own, other = build_world()
    september = log(own, on=D(2025, 9, 30), minutes=90)
    october = log(own, on=D(2025, 10, 1), minutes=60)
    october_late = log(own, on=D(2025, 10, 31), at="14:00", minutes=45)
    log(other, on=D(2025, 10, 1), minutes=600)  # another provider's apprentice: never in these rows
    assert _totals(own) == {"2025-09": (0, 90), "2025-10": (0, 105)}

    otj_activity_approve(actor=own.assessor, activity=october)
    otj_activity_decline(actor=own.assessor, activity=october_late, comment="Not off the job.")
    assert _totals(own) == {"2025-09": (0, 90), "2025-10": (60, 0)}

    # Moved into another month by the person who logged it: both months change.
    otj_activity_update(actor=own.apprentice, activity=september, date=D(2025, 11, 3), minutes=120)
    assert _totals(own) == {"2025-10": (60, 0), "2025-11": (0, 120)}

    otj_activity_reverse(actor=own.tutor, activity=october_late, comment="It was training after all.")
    otj_activity_approve(actor=own.tutor, activity=september)
    assert _totals(own) == {"2025-10": (105, 0), "2025-11": (120, 0)}

    otj_activity_reverse(actor=own.assessor, activity=october, comment="Counted twice.")
    assert _totals(own) == {"2025-10": (45, 0), "2025-11": (120, 0)}

    pending = log(own, on=D(2025, 12, 2), minutes=30)
    otj_activity_delete(actor=own.apprentice, activity=pending)
    assert _totals(own) == {"2025-10": (45, 0), "2025-11": (120, 0)}
    assert _totals(other) == {"2025-10": (0, 600)}

    # Made again from nothing (the repair after a bulk load), the rows are the same.
    kept = {**_totals(own)}
    OtjMonthTotal.objects.all().delete()
    assert otj_month_totals_rebuild() == 3
    assert _totals(own) == kept
    assert _totals(other) == {"2025-10": (0, 600)}


def test_the_rebuild_command_repairs_entries_written_past_the_services() -> None:
    own, _ = build_world()
    entry = log(own, on=D(2025, 10, 1), minutes=60)
    OtjActivity.objects.filter(pk=entry.pk).update(minutes=75, state="approved")  # past the services
    assert _totals(own) == {"2025-10": (0, 60)}
    CoverageDirty.objects.all().delete()
    out = io.StringIO()
    call_command("otj_month_totals_rebuild", stdout=out)
    assert _totals(own) == {"2025-10": (75, 0)}
    assert CoverageDirty.objects.filter(apprenticeship=own.apprenticeship).exists()
    assert "month totals of 2 apprenticeships made again" in out.getvalue()
