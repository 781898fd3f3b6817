"""Off-the-job (OTJ) training: the activities an apprentice logs and the minimum hours a provider sets.

Only the services in portfolio/otj/services write these rows. Every write there marks coverage dirty in the
same transaction, because the gateway gates read the approved total.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from portfolio.people.models import Apprenticeship, Organisation
from portfolio.standards.models import Standard

MINUTES_PER_DAY = 24 * 60


class OtjActivity(models.Model):
    """One logged OTJ activity. Only approved activities count towards the hours.

    `date` and `start_time` are wall-clock time in the site's time zone; the activity runs for `minutes` from
    there, possibly past midnight (its minutes still count on `date`). The rules (no overlap, nothing in the
    future, at most 24 hours a day) are in portfolio/otj/services/checks.py; the lifecycle in
    portfolio/otj/lifecycle.py.
    """

    class ActivityType(models.TextChoices):
        TAUGHT_SESSION = "taught_session", "Taught session"
        ONLINE_LEARNING = "online_learning", "Online learning"
        SHADOWING = "shadowing", "Shadowing"
        MENTORING = "mentoring", "Mentoring"
        PRACTICAL_TRAINING = "practical_training", "Practical training"
        ASSIGNMENT_WRITING = "assignment_writing", "Assignment writing"
        VISITS = "visits", "Visits"
        OTHER = "other", "Other"

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.PROTECT, related_name="otj_activities")
    date = models.DateField()
    start_time = models.TimeField()
    minutes = models.PositiveIntegerField()
    activity_type = models.CharField(max_length=32, choices=ActivityType.choices)
    description = models.TextField()
    evidence = models.ManyToManyField("evidence.Evidence", blank=True, related_name="otj_activities")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    # Grows with every edit and decision, so a decision names the version the decider saw (as evidence does).
    version = models.PositiveIntegerField(default=1)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        verbose_name = "OTJ activity"
        verbose_name_plural = "OTJ activities"
        # Covering: an apprenticeship's month totals (services/totals.py) and the OTJ pages' sums by state are read
        # from the index alone (an index-only scan), without the activities' rows (about 100 per apprenticeship).
        indexes = [
            models.Index(fields=["apprenticeship", "state", "date"], include=["minutes"], name="otj_activity_totals"),
            # The approval queue and its count on the start page: each apprenticeship's pending entries in the
            # queue's order, with who logged them (their own entries are not a person's to approve), read from the
            # index alone rather than from about ten rows per apprenticeship.
            models.Index(
                fields=["apprenticeship", "date", "start_time", "id"],
                include=["logged_by"],
                condition=Q(state="pending"),
                name="otj_activity_pending",
            ),
            # The start page's count of that queue: the same entries with only who logged them, a smaller index
            # (equal keys stored once) whose probe per apprenticeship reads about a third fewer pages.
            models.Index(
                fields=["apprenticeship", "logged_by"], condition=Q(state="pending"), name="otj_activity_pending_count"
            ),
            # The approval queue's page (the page and the API), oldest first across a provider: read in order from
            # here, where sorting every waiting entry (25,000 at the benchmark's provider) cost most of each page.
            models.Index(
                fields=["date", "start_time", "id"], condition=Q(state="pending"), name="otj_activity_pending_oldest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MINUTES_PER_DAY), name="otj_activity_minutes_in_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_type_display()} on {self.date} ({self.minutes} min)"


class OtjMonthTotal(models.Model):
    """One apprenticeship's approved and pending OTJ minutes dated in one calendar month, as its activities say.

    What the coverage engine reads for the OTJ gate and last month's activity (portfolio/coverage/gates_sql.py):
    about 24 rows per apprenticeship rather than every activity (100 or more). Derived, never edited: every OTJ
    service refreshes its apprenticeship's rows from the activities in the transaction of the change, under the
    apprenticeship's lock (portfolio/otj/services/totals.py)."""

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    approved_minutes = models.PositiveIntegerField(default=0)
    pending_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["apprenticeship", "month"], name="otj_month_total_unique")]
        # Covering: the engine sums a batch's rows from the index alone (PostgreSQL; elsewhere a plain lookup).
        indexes = [
            models.Index(
                fields=["apprenticeship", "month"],
                include=["approved_minutes", "pending_minutes"],
                name="otj_month_total_sums",
            )
        ]

    def __str__(self) -> str:
        return f"OTJ of {self.month:%B %Y}: {self.approved_minutes} min approved, {self.pending_minutes} pending"


class OtjMinimum(models.Model):
    """The published minimum OTJ hours of one standard version, as one provider has set (or imported) it."""

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="otj_minimums",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
    )
    standard_version = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="otj_minimums")
    minimum_hours = models.PositiveIntegerField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider", "standard_version"]
        verbose_name = "OTJ minimum"
        constraints = [
            models.UniqueConstraint(fields=["provider", "standard_version"], name="otj_minimum_provider_standard")
        ]

    def __str__(self) -> str:
        return f"{self.standard_version.reference} v{self.standard_version.version}: {self.minimum_hours} h"
