"""The catalogue: standards, options, assessment outcomes (AOs) and knowledge/skill/behaviour statements.

A standard version is imported from its assessment plan (portfolio/standards/plan/) and never edited by hand.
Rows keep their primary keys across a re-import (matched by code), so evidence tags and apprenticeships that
point at them survive a corrected plan.
"""

from __future__ import annotations

import uuid

from django.db import models


class Standard(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=16, help_text="e.g. ST1483")
    version = models.CharField(max_length=16, help_text="e.g. 2.0")
    title = models.CharField(max_length=255)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=64, blank=True)
    source_digest = models.CharField(max_length=64, help_text="sha256 of what the import read; equal means unchanged")
    imported_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["reference", "version"]
        constraints = [models.UniqueConstraint(fields=["reference", "version"], name="standard_reference_version")]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version} {self.title}"

    @property
    def has_options(self) -> bool:
        return self.options.exists()


class Option(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="options")
    title = models.CharField(max_length=255)
    code = models.CharField(max_length=16, blank=True, help_text="short code the plan gives, e.g. LET")
    other_names = models.JSONField(default=list, blank=True, help_text="other names seen in the plan or API")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["standard", "position"]
        constraints = [models.UniqueConstraint(fields=["standard", "title"], name="option_standard_title")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})" if self.code else self.title


class Statement(models.Model):
    class Kind(models.TextChoices):
        KNOWLEDGE = "K", "Knowledge"
        SKILL = "S", "Skill"
        BEHAVIOUR = "B", "Behaviour"

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="statements")
    code = models.CharField(max_length=8)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    text = models.TextField(blank=True)
    mandatory = models.BooleanField(default=False, help_text="bold in the plan")
    functional_skills = models.BooleanField(default=False, help_text="asterisk in the plan")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["standard", "position"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="statement_standard_code")]

    def __str__(self) -> str:
        return self.code


class AssessmentOutcome(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="outcomes")
    option = models.ForeignKey(
        Option,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outcomes",
        help_text="empty: core",
    )
    code = models.CharField(max_length=16, help_text="as the plan writes it, without an option prefix")
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField()
    statements: models.ManyToManyField[Statement, OutcomeStatement] = models.ManyToManyField(
        Statement, through="OutcomeStatement", related_name="outcomes"
    )

    class Meta:
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "option", "code"],
                name="outcome_standard_option_code",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def is_core(self) -> bool:
        return self.option_id is None


class OutcomeStatement(models.Model):
    """The AO <-> statement mapping of the plan, in the plan's order."""

    outcome = models.ForeignKey(AssessmentOutcome, on_delete=models.CASCADE, related_name="mappings")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="mappings")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["outcome", "position"]
        constraints = [models.UniqueConstraint(fields=["outcome", "statement"], name="mapping_outcome_statement")]

    def __str__(self) -> str:
        return f"{self.outcome_id} -> {self.statement_id}"


class AssessmentMethod(models.Model):
    """The plan's assessment-method rules: methods every assessment must include, and the allowed extras."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="assessment_methods")
    name = models.CharField(max_length=255)
    required = models.BooleanField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["standard", "-required", "position"]

    def __str__(self) -> str:
        return f"{self.name} ({'required' if self.required else 'additional'})"


class PerformanceDescriptor(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="performance_descriptors")
    category = models.CharField(max_length=255)
    pass_text = models.TextField(blank=True)
    distinction_text = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["standard", "position"]

    def __str__(self) -> str:
        return self.category
