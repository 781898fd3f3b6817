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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gt=F("start_date")), name="apprenticeship_end_after_start"
            )
        ]
        indexes = [models.Index(fields=["provider", "status"]), models.Index(fields=["employer", "status"])]

    def __str__(self) -> str:
        return f"{self.apprentice} — {self.standard.reference} v{self.standard.version}"
