from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.coverage.gates_sql import Dates
from portfolio.coverage.models import CoverageSummary
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.otj.models import OtjActivity, OtjMinimum
from portfolio.otj.selectors import otj_figures_for
from portfolio.people.models import Apprenticeship, Membership, Organisation, User
from portfolio.progress.models import ProgressReview
from portfolio.progress.selectors import due_for, live_signatures
from tests.factories import StandardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> None:
    call_command("import_standards", stdout=StringIO())


def _run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_it_refuses_without_debug_unless_forced_then_loads_once_and_prints_a_login_per_role(
    settings: Any, catalogue: None
) -> None:
    # One load of the demo serves both rules (a load takes seconds): forced with DEBUG off, then idempotent.
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        _run()
    assert not User.objects.exists()
    output = _run("--force")
    assert Apprenticeship.objects.count() == 6
    settings.DEBUG = True
    counts = (User.objects.count(), Organisation.objects.count(), Apprenticeship.objects.count())
    entries = AuditEntry.objects.count()
    _run()  # idempotent
    assert (User.objects.count(), Organisation.objects.count(), Apprenticeship.objects.count()) == counts
    assert AuditEntry.objects.count() == entries
    assert Apprenticeship.objects.count() == 6
    assert Organisation.objects.filter(kind="employer").count() == 2
    assert set(Apprenticeship.objects.values_list("standard__reference", flat=True)) == {
        "ST1483",
        "ST0792",
        "ST1297",
    }
    assert Apprenticeship.objects.values("option").distinct().count() >= 4
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    assert "demo-portfolio-2025" in output
    for role in (
        "provider admin",
        "tutor",
        "assessor",
        "internal quality assurer",
        "line manager",
        "apprentice",
    ):
        assert role in output
    apprentice = User.objects.get(email="apprentice1@demo.example.org")
    assert apprentice.check_password("demo-portfolio-2025")
    # Evidence through the real services: one apprentice ready, the others on the way, every queue in use.
    summaries = {
        s.apprenticeship.apprentice.email: s
        for s in CoverageSummary.objects.select_related("apprenticeship__apprentice")
    }
    assert summaries["apprentice1@demo.example.org"].ready is True
    assert summaries["apprentice2@demo.example.org"].mapped - summaries["apprentice2@demo.example.org"].covered == 1
    fully_covered = {email for email, s in summaries.items() if s.mapped and s.covered == s.mapped}
    assert fully_covered == {"apprentice1@demo.example.org", "apprentice5@demo.example.org"}
    states = set(Evidence.objects.values_list("state", flat=True))
    assert {"accepted", "submitted", "confirmed", "returned", "draft"} <= states
    assert not EvidenceFile.objects.exclude(state="verified").exists()
    # Off-the-job hours: apprentice 1 past the minimum less RPL (ready for gateway), apprentice 5 fully covered but
    # short of it (held only by OTJ), apprentice 3 behind; every state in use, each figure through the selector.
    figures = {
        a.apprentice.email.split("@")[0]: otj_figures_for(apprenticeship=a)
        for a in Apprenticeship.objects.select_related("apprentice")
    }
    assert figures["apprentice1"].minimum_met is True
    assert figures["apprentice1"].rpl_hours == 20
    assert figures["apprentice2"].minimum_met is True
    assert (figures["apprentice5"].minimum_met, figures["apprentice5"].behind) == (False, False)
    assert (figures["apprentice3"].minimum_met, figures["apprentice3"].behind) == (False, True)
    assert len(figures["apprentice3"].months_without_activity) == 2
    assert sum(f.behind for f in figures.values()) == 1
    assert set(OtjActivity.objects.values_list("state", flat=True)) == {"pending", "approved", "declined"}
    assert OtjMinimum.objects.count() == 3
    # The gateway as the engine stored it, every gate on (the demo provider's defaults): apprentice 1 ready for
    # gateway, apprentice 5 held back by OTJ alone; and the engine's OTJ figures, worked out in SQL for everyone at
    # once, are the OTJ pages' own (expected to date, behind, last month's activity).
    assert (summaries["apprentice1@demo.example.org"].state, summaries["apprentice1@demo.example.org"].blocking) == (
        "ready", []
    )  # fmt: skip
    assert summaries["apprentice5@demo.example.org"].blocking == ["otj"]
    last_month = Dates.on(timezone.localdate()).last_month_start
    for email, summary in summaries.items():
        otj, mine = summary.gates["otj"], figures[email.split("@")[0]]
        assert (otj["approved_minutes"], otj["required_minutes"]) == (mine.approved_minutes, mine.required_minutes)
        assert (otj["expected_minutes"], otj["behind"]) == (mine.expected_minutes, mine.behind), email
        assert (otj["active_last_month"] is False) == (last_month in mine.months_without_activity), email
    # Progress reviews: every one held was on time; apprentice 3's next is overdue; apprentice 5's latest waits for
    # the employer's signature alone; the others have their next one scheduled.
    today = timezone.localdate()
    held = ProgressReview.objects.filter(held_on__isnull=False)
    assert held.count() >= 6
    assert all(review.on_time for review in held)
    due = {a.apprentice.email.split("@")[0]: due_for(apprenticeship=a) for a in Apprenticeship.objects.all()}
    assert [name for name, d in sorted(due.items()) if d.overdue(today)] == ["apprentice3"]
    waiting = ProgressReview.objects.select_related("apprenticeship__apprentice").get(state="awaiting_signatures")
    assert waiting.apprenticeship.apprentice.email == "apprentice5@demo.example.org"
    assert set(live_signatures(review=waiting)) == {"apprentice", "provider"}
    assert ProgressReview.objects.filter(state="scheduled").count() == 4


def test_it_names_the_missing_standard(settings: Any) -> None:
    settings.DEBUG = True
    StandardFactory.create(reference="ST1483", options=("A",))
    with pytest.raises(CommandError, match=r"ST0792 v2.0 .* run manage.py import_standards first"):
        _run()
    assert not Organisation.objects.exists()
