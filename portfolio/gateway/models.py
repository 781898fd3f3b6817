"""The gateway to completion: a provider's gate settings, its manual gates and their ticks, the two signatures of
the gateway declaration, and the referral to the assessment organisation.

The coverage engine reads these tables in its one SQL pass (portfolio/coverage/sql.py) and works out each gate
and the readiness state (portfolio/coverage/readiness_states.py); only the services in
portfolio/gateway/services/ write them, each marking coverage dirty in its transaction.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from portfolio.coverage import gates
from portfolio.people.models import Apprenticeship, Organisation


class GatewayPolicy(models.Model):
    """Per provider: which gates are on, and their figures. A provider without a row has the defaults."""

    provider = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="gateway_policy")
    coverage_gate = models.BooleanField("coverage complete", default=True)
    behaviours_gate = models.BooleanField("behaviours confirmed by the employer", default=True)
    otj_gate = models.BooleanField("off-the-job hours at least the minimum less RPL", default=True)
    practical_period_gate = models.BooleanField("minimum practical period", default=True)
    minimum_practical_months = models.PositiveSmallIntegerField(
        "minimum practical period (months)", default=gates.DEFAULT_MINIMUM_PRACTICAL_MONTHS
    )
    english_maths_gate = models.BooleanField("English and maths where 16-18 at the start", default=True)
    otj_tolerance_percent = models.PositiveSmallIntegerField(
        "OTJ behind tolerance (%)",
        default=gates.DEFAULT_OTJ_TOLERANCE_PERCENT,
        help_text="an apprenticeship is behind on OTJ when its approved hours are more than this below expected",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "gateway policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_practical_months__gte=1, minimum_practical_months__lte=60),
                name="gateway_policy_months_in_range",
            ),
            models.CheckConstraint(condition=Q(otj_tolerance_percent__lte=100), name="gateway_policy_tolerance_pct"),
        ]

    def __str__(self) -> str:
        return f"gateway policy of {self.provider}"


class ManualGate(models.Model):
    """A requirement the provider checks by hand ("mandatory qualification achieved"): ticked per apprenticeship.

    Retired rather than deleted, so the ticks given under it stay on record.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="manual_gates")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, help_text="what the staff member checks before ticking it")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["provider", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "name"], condition=Q(is_active=True), name="manual_gate_active_name"
            )
        ]
        indexes = [models.Index(fields=["provider", "is_active"])]

    def __str__(self) -> str:
        return self.name


class ManualGateTick(models.Model):
    """A staff member ticks one manual gate for one apprenticeship, with a note. Withdrawn, never deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gate = models.ForeignKey(ManualGate, on_delete=models.PROTECT, related_name="ticks")
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="manual_gate_ticks")
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ticked_at = models.DateTimeField()
    note = models.TextField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["ticked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gate", "apprenticeship"], condition=Q(withdrawn_at__isnull=True), name="one_live_manual_tick"
            )
        ]
        indexes = [models.Index(fields=["apprenticeship", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.gate_id} ticked for {self.apprenticeship_id}"


class Invalidation(models.TextChoices):
    GATE_FAILED = "gate_failed", "A gate no longer passed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class GatewaySignature(models.Model):
    """One side's signature of the gateway declaration: who, when, and what the gates stood at.

    `fingerprint` is sha256 of `snapshot`'s canonical JSON (portfolio/reviews/fingerprint.py: the same digest as
    review decisions), the snapshot holding the coverage, the approved OTJ total and every gate at that moment.
    The engine invalidates the live signatures when a later change makes a gate fail.
    """

    class Side(models.TextChoices):
        EMPLOYER = "employer", "Employer contact"
        PROVIDER = "provider", "Provider assessor or tutor"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="gateway_signatures")
    side = models.CharField(max_length=16, choices=Side.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_role = models.CharField(max_length=32)
    signed_at = models.DateTimeField()
    declaration = models.TextField(help_text="the words signed")
    fingerprint = models.CharField(max_length=64)
    snapshot = models.JSONField()
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidation_reason = models.CharField(max_length=16, choices=Invalidation.choices, blank=True)
    invalidated_gates = models.JSONField(default=list, blank=True, help_text="the gates that failed")

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "side"], condition=Q(invalidated_at__isnull=True), name="one_live_signature"
            )
        ]
        indexes = [models.Index(fields=["apprenticeship", "invalidated_at"])]

    def __str__(self) -> str:
        return f"{self.side} signature of {self.apprenticeship_id}"


class AssessmentReferral(models.Model):
    """Provider staff record that a signed gateway went to the assessment organisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="assessment_referrals")
    assessment_organisation = models.CharField(max_length=200, help_text="the assessment organisation's name")
    note = models.TextField(blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField()
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidation_reason = models.CharField(max_length=16, choices=Invalidation.choices, blank=True)
    invalidated_gates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["referred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship"], condition=Q(invalidated_at__isnull=True), name="one_live_referral"
            )
        ]

    def __str__(self) -> str:
        return f"{self.apprenticeship_id} referred to {self.assessment_organisation}"
