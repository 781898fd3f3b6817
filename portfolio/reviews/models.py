"""Decisions on evidence, with a fingerprint of what was decided on, and the rules a provider sets."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, Organisation
from portfolio.standards.models import Statement


class ReviewPolicy(models.Model):
    """Per provider: which sign-off steps apply, and how many accepted items cover a statement."""

    provider = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="review_policy")
    require_employer_confirmation = models.BooleanField(default=True)
    require_provider_acceptance = models.BooleanField(default=True)
    evidence_per_statement = models.PositiveSmallIntegerField(default=1, help_text="N accepted items cover it")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"review policy of {self.provider}"

    # The field that keeps each of the lifecycle's sign-off steps (lifecycle.Steps).
    STEP_FIELDS = {"employer": "require_employer_confirmation", "provider": "require_provider_acceptance"}

    @property
    def steps(self) -> lifecycle.Steps:
        """The sign-off steps this policy keeps, as the lifecycle reads them."""
        return lifecycle.Steps(**{step: getattr(self, field) for step, field in self.STEP_FIELDS.items()})


class ReviewDecision(models.Model):
    """One decision on one version of an evidence item. Never edited; a later change invalidates it.

    The live (not invalidated) decisions of an item are its current review round: a submit, then a
    confirmation and an acceptance, or a return. `fingerprint` is sha256 of `snapshot`'s canonical JSON, so
    anyone can check a sign-off against the evidence as it is now (portfolio/reviews/fingerprint.py).
    """

    # The decisions, and who may take which from which state: portfolio/evidence/lifecycle.py.
    Action = lifecycle.Action

    class Invalidation(models.TextChoices):
        # "changed": the evidence changed after the decision (its fingerprint no longer matches).
        # The others end a review round without any change: the decision was right for its round.
        CHANGED = "changed", "The evidence changed"
        RETURNED = "returned", "Returned for changes"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RESUBMITTED = "resubmitted", "Submitted again"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=32)
    comment = models.TextField(blank=True)
    evidence_version = models.PositiveIntegerField(help_text="the version decided on")
    from_state = models.CharField(max_length=16, choices=Evidence.State.choices)
    to_state = models.CharField(max_length=16, choices=Evidence.State.choices)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the evidence's fields, file hashes and tags")
    snapshot = models.JSONField(help_text="what the fingerprint covers, as it was")
    decided_at = models.DateTimeField()
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidation_reason = models.CharField(max_length=16, choices=Invalidation.choices, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["evidence", "invalidated_at"])]

    def __str__(self) -> str:
        return f"{self.action} v{self.evidence_version} by {self.actor_id}"


class TagDecision(models.Model):
    """Per statement, within an acceptance: accepted, or declined with a comment."""

    decision = models.ForeignKey(ReviewDecision, on_delete=models.CASCADE, related_name="tag_decisions")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+")
    accepted = models.BooleanField()
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.statement_id}: {'accepted' if self.accepted else 'declined'}"


class BehaviourConfirmation(models.Model):
    """An employer contact confirms one behaviour statement once; it can be withdrawn (then kept, marked)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="behaviour_confirmations")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            # One live confirmation per behaviour; withdrawn ones stay as history.
            models.UniqueConstraint(
                fields=["apprenticeship", "statement"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_behaviour_confirmation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} confirmed by {self.confirmed_by_id}"
