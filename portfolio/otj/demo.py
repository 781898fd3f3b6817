"""Demo OTJ data for `make run`: minimum hours for the three demo standards, each apprenticeship's plan, and a
log of weekly activities up to yesterday, approved by the assessor, so each apprentice stands somewhere else:

1. ahead of the minimum less RPL, with every other gate met: ready for gateway;
2. past the minimum (one statement short of full coverage until the assessor accepts it);
3. behind the expected hours (more than 10 % short), with two summer months without activity, one entry declined;
4. on track, with entries waiting for approval;
5. fully covered, behaviours confirmed, on track, but short of the minimum: held only by OTJ;
6. on track, entries waiting, nothing logged last month, and English and maths still to achieve at 17.

The logs are worked out from today (expected hours grow with time), so the outcomes hold whenever the demo is
loaded during the demo apprenticeships' planned dates. Everything goes through the services (audit entries,
dirty marks). Idempotent: an apprenticeship that already has OTJ entries is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portfolio.otj.figures import DEFAULT_TOLERANCE, Break, days_in_learning, planned_days
from portfolio.otj.models import OtjActivity
from portfolio.otj.services.activities import otj_activity_create
from portfolio.otj.services.decisions import otj_activity_approve, otj_activity_decline
from portfolio.otj.services.minimums import otj_minimums_save
from portfolio.people.models import Apprenticeship, Membership
from portfolio.people.services.apprenticeships import apprenticeship_update
from portfolio.standards.models import Standard

# Demo figures for the three bundled standards, not the published ones: a provider sets its own from the
# published minimum of each standard version.
DEMO_MINIMUMS = {("ST1483", "2.0"): 278, ("ST0792", "2.0"): 372, ("ST1297", "2.0"): 499}
Type = OtjActivity.ActivityType
WEEKLY = (
    (Type.TAUGHT_SESSION, "Budgeting and cost reports: taught session with the cohort."),
    (Type.ONLINE_LEARNING, "Online module on health and safety law for productions, with the quiz."),
    (Type.SHADOWING, "Shadowed the line producer through a scheduling meeting and the call sheet."),
    (Type.MENTORING, "Mentoring session with my workplace mentor on planning a shoot."),
    (Type.PRACTICAL_TRAINING, "Practical training on the production management software."),
    (Type.ASSIGNMENT_WRITING, "Wrote up my risk assessment assignment."),
    (Type.VISITS, "Visited the post-production house to learn the delivery process."),
)


@dataclass(frozen=True)
class Plan:
    planned_hours: int
    date_of_birth: datetime.date
    english_maths: str
    target: str  # how approved hours compare: "ahead" (minimum + margin), "on_track", "behind", "short"
    rpl_hours: int = 0
    pending_entries: int = 0
    declined_entries: int = 0
    quiet_months: tuple[int, ...] = ()  # months back from this one with nothing logged (1 = last month)
    logged_by_tutor: int = 0


PLANS = (
    Plan(450, datetime.date(1999, 4, 12), "achieved", "ahead", rpl_hours=20, logged_by_tutor=1),
    Plan(480, datetime.date(2007, 11, 20), "achieved", "ahead"),
    Plan(600, datetime.date(2001, 6, 3), "pending", "behind", declined_entries=1, quiet_months=(4, 5)),
    Plan(450, datetime.date(1996, 1, 30), "achieved", "on_track", pending_entries=3),
    Plan(480, datetime.date(1994, 9, 9), "pending", "short", pending_entries=2),
    Plan(600, datetime.date(2008, 3, 2), "pending", "on_track", pending_entries=2, quiet_months=(1,)),
)
RPL_REASON = "Level 3 Diploma in Creative Media Production (2021): knowledge of budgets and schedules."


def _month_back(today: datetime.date, months: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - months
    return index // 12, index % 12 + 1


def _target_minutes(plan: Plan, apprenticeship: Apprenticeship, minimum: int, today: datetime.date) -> int:
    breaks: list[Break] = []
    so_far = days_in_learning(
        start_date=apprenticeship.start_date, planned_end_date=apprenticeship.planned_end_date, breaks=breaks,
        today=today,
    )  # fmt: skip
    planned = planned_days(
        start_date=apprenticeship.start_date, planned_end_date=apprenticeship.planned_end_date, breaks=breaks,
        today=today,
    )  # fmt: skip
    expected = plan.planned_hours * 60 * so_far // max(planned, 1)
    required = max(minimum - plan.rpl_hours, 0) * 60
    if plan.target == "ahead":
        return max(required + 12 * 60, expected)
    if plan.target == "behind":
        return int(expected * (1 - DEFAULT_TOLERANCE - Decimal("0.35")))
    if plan.target == "short":
        return min(expected, required - 60 * 60)
    return expected


def _weeks(apprenticeship: Apprenticeship, today: datetime.date, quiet: set[tuple[int, int]]) -> list[datetime.date]:
    """Every Wednesday from the start to yesterday, except in the quiet months."""
    day = apprenticeship.start_date + datetime.timedelta(days=(2 - apprenticeship.start_date.weekday()) % 7)
    weeks = []
    while day < today:
        if (day.year, day.month) not in quiet:
            weeks.append(day)
        day += datetime.timedelta(days=7)
    return weeks


def _log(
    apprenticeship: Apprenticeship, day: datetime.date, at: datetime.time, minutes: int, n: int, actor: object
) -> OtjActivity:
    kind, text = WEEKLY[n % len(WEEKLY)]
    return otj_activity_create(
        actor=actor, apprenticeship=apprenticeship, date=day, start_time=at, minutes=minutes, activity_type=kind,
        description=text,
    )  # fmt: skip


@transaction.atomic
def _load_one(apprenticeship: Apprenticeship, plan: Plan, admin: object, minimum: int, today: datetime.date) -> int:
    apprenticeship_update(
        actor=admin, apprenticeship=apprenticeship, otj_planned_hours=plan.planned_hours, rpl_hours=plan.rpl_hours,
        rpl_reason=RPL_REASON if plan.rpl_hours else "", date_of_birth=plan.date_of_birth,
        english_maths=plan.english_maths,
    )  # fmt: skip
    assessor, tutor = apprenticeship.assessor, apprenticeship.tutor
    quiet = {_month_back(today, months) for months in plan.quiet_months}
    weeks = _weeks(apprenticeship, today, quiet)
    # The approved minutes, spread over the weeks in quarter hours; the cumulative rounding makes them add up.
    target, made = _target_minutes(plan, apprenticeship, minimum, today), 0
    marks = [round(target * n / len(weeks) / 15) * 15 for n in range(len(weeks) + 1)] if weeks else [0]
    for n, day in enumerate(weeks):
        minutes = min(marks[n + 1] - marks[n], 15 * 60)  # from 09:00, at most until midnight
        if minutes <= 0:
            continue
        logger = tutor if n < plan.logged_by_tutor else apprenticeship.apprentice
        entry = _log(apprenticeship, day, datetime.time(9, 0), minutes, n, logger)
        otj_activity_approve(actor=assessor, activity=entry, comment="Agreed: off-the-job, in paid hours.")
        made += 1
    # On top of those: the latest Fridays' sessions wait for approval; the first Friday's was declined.
    fridays = [week + datetime.timedelta(days=2) for week in weeks if week + datetime.timedelta(days=2) < today]
    for n, day in enumerate(reversed(fridays[-plan.pending_entries :] if plan.pending_entries else [])):
        _log(apprenticeship, day, datetime.time(14, 0), 90, n + 3, apprenticeship.apprentice)
        made += 1
    for day in fridays[: plan.declined_entries]:
        entry = _log(apprenticeship, day, datetime.time(14, 0), 120, 2, apprenticeship.apprentice)
        otj_activity_decline(
            actor=assessor, activity=entry,
            comment="This was your normal work on the production schedule, not training away from it.",
        )  # fmt: skip
        made += 1
    return made


def demo_otj_load(*, apprenticeships: list[Apprenticeship], today: datetime.date | None = None) -> int:
    """Minimums, plans and logs for the demo apprenticeships (in apprentice order); answers the entries made."""
    today = today or timezone.localdate()
    made = 0
    for index, apprenticeship in enumerate(apprenticeships):
        admin = (
            Membership.objects.filter(
                organisation=apprenticeship.provider, role=Membership.Role.PROVIDER_ADMIN, is_active=True
            )
            .select_related("user")
            .first()
        )
        if admin is None or apprenticeship.assessor is None:
            continue
        standards = Standard.objects.filter(
            reference__in=[r for r, _ in DEMO_MINIMUMS], version__in=[v for _, v in DEMO_MINIMUMS]
        )
        minimums = {
            s: DEMO_MINIMUMS[(s.reference, s.version)] for s in standards if (s.reference, s.version) in DEMO_MINIMUMS
        }
        otj_minimums_save(actor=admin.user, provider=apprenticeship.provider, minimums=minimums)
        if OtjActivity.objects.filter(apprenticeship=apprenticeship).exists():
            continue
        minimum = DEMO_MINIMUMS.get((apprenticeship.standard.reference, apprenticeship.standard.version))
        if minimum is None:
            continue
        made += _load_one(apprenticeship, PLANS[index % len(PLANS)], admin.user, minimum, today)
    return made
