from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from portfolio.people.models.organisations import Organisation
from portfolio.standards.models import Option, Standard


class Apprenticeship(models.Model):
    """One apprentice on one standard version (and option) with one employer and one provider.

    References into the catalogue are PROTECT: a standard re-import must fail loudly rather than drop an
    option (or a standard version) that apprentices follow. People are PROTECT too: accounts are
    deactivated, not deleted, so the record of who was assigned survives.
    The option rules (required when the standard has options, and one of that standard's) span two tables,
    so they live in the apprenticeship services, which are the only writers.
    """

    class Status(models.TextChoices):
        IN_LEARNING = "in_learning", "In learning"
        READY = "ready", "Ready for assessment"
        IN_ASSESSMENT = "in_assessment", "In assessment"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"
        BREAK_IN_LEARNING = "break_in_learning", "Break in learning"

    class EnglishMaths(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        NOT_REQUIRED = "not_required", "Not required"
        PENDING = "pending", "Not yet achieved"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprentice = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="apprenticeships")
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="provider_apprenticeships",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
    )
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="employer_apprenticeships",
        limit_choices_to={"kind": Organisation.Kind.EMPLOYER},
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="apprenticeships")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, null=True, blank=True, related_name="apprenticeships")
    start_date = models.DateField()
    planned_end_date = models.DateField()
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.IN_LEARNING)
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Off-the-job training plan: the planned volume, and recognised prior learning that reduces the minimum.
    otj_planned_hours = models.PositiveIntegerField(
        "planned off-the-job hours", null=True, blank=True, help_text="the OTJ volume in the training plan"
    )
    rpl_hours = models.PositiveIntegerField(
        "RPL hours", default=0, help_text="recognised prior learning: hours taken off the minimum"
    )
    rpl_reason = models.TextField("RPL reason", blank=True)
    # Read by the English and maths gate (16-18 at the start); optional because adults do not need it.
    date_of_birth = models.DateField(null=True, blank=True)
    english_maths = models.CharField(
        "English and maths", max_length=16, choices=EnglishMaths.choices, default=EnglishMaths.PENDING
    )
    english_maths_reason = models.TextField(
        "English and maths reason", blank=True, help_text="why English and maths are not required"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gt=F("start_date")), name="apprenticeship_end_after_start"
            )
        ]
        indexes = [
            # The columns the staff's lists of a provider's apprenticeships filter and join by (their queues,
            # gateways, the progress reviews' due dates, the cohort sorted by its apprentices' names) come from the
            # index alone, not the table's pages.
            models.Index(
                fields=["provider", "status"],
                include=["id", "start_date", "apprentice"],
                name="apprenticeship_provider",
            ),
            models.Index(fields=["employer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.apprentice} — {self.standard.reference} v{self.standard.version}"


class BreakInLearning(models.Model):
    """A break in learning: the apprenticeship is paused from `started_on` to `ended_on`, both days included
    (`ended_on` is the last day of the break, the day before learning resumes; null while the break is open,
    which then runs through today).

    The days of a break count neither as time in learning (expected OTJ to date, minimum duration) nor as
    planned time. Breaks of one apprenticeship never overlap. Only the services in
    portfolio/people/services/breaks.py write these rows (they also move the status).
    """

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.PROTECT, related_name="breaks")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="the last day of the break; empty while open")
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["apprenticeship", "started_on"]
        verbose_name = "break in learning"
        verbose_name_plural = "breaks in learning"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="break_in_learning_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Break from {self.started_on} to {self.ended_on or 'open'}"
