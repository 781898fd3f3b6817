"""The record a progress review is held on, pre-filled from what the portfolio knows at the moment it is opened,
and frozen into the review (`ProgressReview.record`) when it is held.

- coverage per AO now (the stored coverage, portfolio/coverage/) and at the previous review (its frozen record);
- the evidence accepted since the previous review (or the start), with the day of its live acceptance;
- OTJ: hours approved for activities since then, and to date against the hours expected and required
  (portfolio/otj/figures.py through `otj_figures_for`);
- the gateway gates still standing, each explained (portfolio/coverage/gates.py);
- the readiness state.
The actions of the previous review, with the outcomes this review records, are rows (`ReviewAction`), not here.
Plain JSON values only: the record is part of what every signature's fingerprint covers.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, Q, Sum
from django.utils import timezone

from portfolio.coverage.gates import gates_checklist
from portfolio.coverage.models import AOCoverage, CoverageSummary
from portfolio.evidence.models import Evidence
from portfolio.otj.models import OtjActivity
from portfolio.otj.selectors import otj_figures_for
from portfolio.people.models import Apprenticeship
from portfolio.progress.models import ProgressReview
from portfolio.reviews.models import ReviewDecision

RECORD_VERSION = 1  # what a record holds; a later change of its shape reads older ones by this


def previous_held_review(
    *, apprenticeship: Apprenticeship, before: ProgressReview | None = None
) -> ProgressReview | None:
    """The latest review held before `before` (or the latest of all): where this one's "since" starts."""
    held = ProgressReview.objects.filter(apprenticeship=apprenticeship, held_on__isnull=False)
    if before is not None and before.pk is not None:
        held = held.exclude(pk=before.pk)
        if before.held_on is not None:
            held = held.filter(Q(held_on__lt=before.held_on) | Q(held_on=before.held_on, pk__lt=before.pk))
    return held.order_by("-held_on", "-pk").first()


def _coverage(apprenticeship: Apprenticeship, previous: dict[str, float]) -> list[dict[str, Any]]:
    rows = AOCoverage.objects.filter(apprenticeship=apprenticeship).select_related("outcome__option")
    return [
        {
            "code": row.outcome.code,
            "title": row.outcome.title,
            "option": row.outcome.option.title if row.outcome.option else None,
            "covered": row.covered,
            "mapped": row.mapped,
            "percent": row.percent,
            "previous_percent": previous.get(row.outcome.code),
        }
        for row in rows.order_by("outcome__position")
    ]


def _accepted_since(apprenticeship: Apprenticeship, since: datetime.date) -> list[dict[str, Any]]:
    """Evidence accepted now whose live acceptance was decided on or after `since` (site time)."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    rows = (
        Evidence.objects.filter(apprenticeship=apprenticeship, state=Evidence.State.ACCEPTED)
        .filter(
            decisions__action=ReviewDecision.Action.ACCEPT,
            decisions__invalidated_at__isnull=True,
            decisions__decided_at__gte=start,
        )
        .annotate(accepted_at=Max("decisions__decided_at"))
        .order_by("accepted_at", "pk")
    )
    return [
        {"id": str(e.public_id), "title": e.title, "accepted_on": timezone.localdate(e.accepted_at).isoformat()}
        for e in rows
    ]


def record_build(
    *, apprenticeship: Apprenticeship, previous: ProgressReview | None, today: datetime.date | None = None
) -> dict[str, Any]:
    """The record as it stands now, for a review whose previous one is `previous` (None: the first)."""
    today = today or timezone.localdate()
    since = previous.held_on if previous is not None and previous.held_on else apprenticeship.start_date
    earlier = (previous.record or {}) if previous is not None else {}
    previous_percent = {row["code"]: row["percent"] for row in earlier.get("coverage", [])}
    summary = CoverageSummary.objects.filter(apprenticeship=apprenticeship).first()
    figures = otj_figures_for(apprenticeship=apprenticeship, today=today)
    approved_since = OtjActivity.objects.filter(
        apprenticeship=apprenticeship, state=OtjActivity.State.APPROVED, date__gte=since
    ).aggregate(total=Sum("minutes"))["total"]
    # None while coverage was never worked out: no gate is known to stand or to pass.
    standing = [gate for gate in gates_checklist(summary.gates) if not gate["passed"]] if summary else None
    return {
        "record_version": RECORD_VERSION,
        "as_of": today.isoformat(),
        "since": since.isoformat(),
        "previous_review": (
            {"id": str(previous.public_id), "held_on": previous.held_on.isoformat()}
            if previous is not None and previous.held_on
            else None
        ),
        "coverage": _coverage(apprenticeship, previous_percent),
        "coverage_total": {
            "covered": summary.covered if summary else 0,
            "mapped": summary.mapped if summary else 0,
            "percent": summary.percent if summary else 0.0,
            "previous_percent": (earlier.get("coverage_total") or {}).get("percent"),
        },
        "readiness": summary.get_state_display() if summary else "Not worked out yet",
        "evidence_accepted": _accepted_since(apprenticeship, since),
        "otj": {
            "approved_since_minutes": approved_since or 0,
            "approved_minutes": figures.approved_minutes,
            "expected_minutes": figures.expected_minutes,
            "required_minutes": figures.required_minutes,
            "behind": figures.behind,
        },
        "gates_standing": (
            [{"key": g["key"], "name": g["name"], "explanation": g["explanation"]} for g in standing]
            if standing is not None
            else None
        ),
    }
