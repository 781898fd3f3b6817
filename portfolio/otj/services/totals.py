"""The OTJ month totals (OtjMonthTotal): each apprenticeship's approved and pending minutes per calendar month.

Refreshed from the activities themselves, never adjusted by differences, so a refresh is right whatever it
follows. Every OTJ service calls it in the transaction of its change, after taking the apprenticeship's lock
(checks.apprenticeship_lock): two changes of one apprenticeship then refresh one after the other, the second
seeing the first's committed rows. `otj_month_totals_rebuild` makes every row again (after a bulk load, or as a
repair).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from portfolio.otj.models import OtjActivity, OtjMonthTotal

COUNTED = (OtjActivity.State.APPROVED, OtjActivity.State.PENDING)
CHUNK = 1000


def _totals(apprenticeship_ids: Sequence[int]) -> list[OtjMonthTotal]:
    rows = (
        OtjActivity.objects.filter(apprenticeship_id__in=apprenticeship_ids, state__in=COUNTED)
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("apprenticeship_id", "month")
        .annotate(
            approved=Sum("minutes", filter=Q(state=OtjActivity.State.APPROVED), default=0),
            pending=Sum("minutes", filter=Q(state=OtjActivity.State.PENDING), default=0),
        )
    )
    return [
        OtjMonthTotal(
            apprenticeship_id=row["apprenticeship_id"],
            month=row["month"],
            approved_minutes=row["approved"],
            pending_minutes=row["pending"],
        )
        for row in rows
    ]


def otj_month_totals_refresh(*, apprenticeship_ids: Iterable[int]) -> None:
    """Make these apprenticeships' month totals again from their activities. In the caller's transaction, under
    the apprenticeships' locks (see the module's docstring)."""
    ids = sorted(set(apprenticeship_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        OtjMonthTotal.objects.filter(apprenticeship_id__in=chunk).delete()
        OtjMonthTotal.objects.bulk_create(_totals(chunk), batch_size=5000)


def otj_month_totals_rebuild() -> int:
    """Every apprenticeship's month totals made again (after a bulk load, or as a repair); returns the rows."""
    from portfolio.people.models import Apprenticeship

    ids = list(Apprenticeship.objects.order_by("pk").values_list("pk", flat=True))
    otj_month_totals_refresh(apprenticeship_ids=ids)
    return OtjMonthTotal.objects.count()
