"""The coverage engine's work queue (CoverageDirty) and its results: summaries, per-AO rows, readiness events."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from portfolio.coverage.gates import PASSED_COLUMNS, blocking_of, summary_gates
from portfolio.coverage.readiness_states import ReadinessState, state_rule
from portfolio.people.models import Apprenticeship
from portfolio.standards.models import AssessmentOutcome


class CoverageDirty(models.Model):
    """An apprenticeship whose coverage inputs changed since it was last computed.

    Written in the same transaction as the change (so the fact that work is owed cannot be lost), removed by
    the recompute that sees it. `generation` grows with each mark, so a recompute that started before a newer
    mark leaves the row for the next pass instead of deleting it.
    """

    apprenticeship = models.OneToOneField(Apprenticeship, on_delete=models.CASCADE, related_name="coverage_dirty")
    generation = models.PositiveBigIntegerField(default=1)
    marked_at = models.DateTimeField()
    reason = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"dirty {self.apprenticeship_id} g{self.generation}"


class CoverageSummary(models.Model):
    """The stored result of the engine for one apprenticeship: what dashboards filter and sort on.

    Written only by portfolio/coverage/services/compute.py, in one SQL pass per batch. The row is also the lock
    that serialises recomputes of one apprenticeship (select_for_update), so a readiness change is recorded once.
    `stale` is not stored: it is "a CoverageDirty row exists", annotated by the selectors.
    """

    apprenticeship = models.OneToOneField(Apprenticeship, on_delete=models.CASCADE, related_name="coverage_summary")
    covered = models.PositiveIntegerField(default=0, help_text="statements of the route covered")
    mapped = models.PositiveIntegerField(default=0, help_text="statements mapped to the route's AOs")
    percent = models.FloatField(default=0.0, help_text="covered / mapped, rounded down to 0.1")
    missing = models.JSONField(default=list, help_text="codes of the route's statements not yet covered")
    mandatory_missing = models.JSONField(default=list, help_text="codes of mandatory statements not yet covered")
    ready = models.BooleanField(default=False, help_text="every gate that is on passes (ready for gateway or beyond)")
    state = models.CharField(max_length=32, choices=ReadinessState.choices, default=ReadinessState.NOT_READY)
    # The gateway gates (portfolio/coverage/gates.py, GATE_COLUMNS): each one's verdict and figures. A gate that is
    # off, or does not apply, is not `_on` and is `_passed`. `gates` and `blocking` read them as one dict and a list.
    coverage_on = models.BooleanField(default=True)
    coverage_passed = models.BooleanField(default=False)
    behaviours_on = models.BooleanField(default=False)
    behaviours_passed = models.BooleanField(default=True)
    behaviours_confirmed = models.IntegerField(default=0)
    behaviours_total = models.IntegerField(default=0)
    behaviours_missing = models.JSONField(default=list)
    otj_on = models.BooleanField(default=True)
    otj_passed = models.BooleanField(default=False)
    otj_approved_minutes = models.BigIntegerField(default=0)
    otj_pending_minutes = models.BigIntegerField(default=0)
    otj_minimum_hours = models.IntegerField(null=True, help_text="the standard version's, at the provider")
    otj_rpl_hours = models.IntegerField(default=0)
    otj_required_minutes = models.BigIntegerField(null=True, help_text="(minimum - RPL) x 60; null: no minimum")
    otj_planned_hours = models.IntegerField(null=True)
    otj_expected_minutes = models.BigIntegerField(null=True, help_text="expected to date; null: no planned volume")
    otj_behind = models.BooleanField(default=False)
    otj_tolerance_percent = models.IntegerField(default=10)
    otj_active_last_month = models.BooleanField(null=True, help_text="null: last month not in the practical period")
    practical_on = models.BooleanField(default=True)
    practical_passed = models.BooleanField(default=False)
    practical_months = models.IntegerField(default=0)
    practical_minimum_months = models.IntegerField(default=8)
    practical_break_days = models.IntegerField(default=0)
    practical_on_break = models.BooleanField(default=False)
    english_maths_on = models.BooleanField(default=True)
    english_maths_passed = models.BooleanField(default=False)
    english_maths_status = models.CharField(max_length=16, default="pending")
    english_maths_age = models.IntegerField(null=True, help_text="age on the start date; null: no date of birth")
    english_maths_applies = models.BooleanField(null=True)
    manual_on = models.BooleanField(default=False)
    manual_passed = models.BooleanField(default=True)
    manual_total = models.IntegerField(default=0)
    manual_ticked = models.IntegerField(default=0)
    manual_missing = models.JSONField(default=list)
    computed_at = models.DateTimeField(null=True, blank=True)
    ready_since = models.DateTimeField(null=True, blank=True)
    event_sequence = models.PositiveIntegerField(default=0, help_text="sequence of the last readiness event")
    recompute_count = models.PositiveBigIntegerField(default=0, help_text="recomputes run, for operations")

    class Meta:
        indexes = [
            models.Index(fields=["ready", "percent"]),
            models.Index(fields=["percent"]),
            # The gateway lists of the start pages (to sign, to refer) and their counts: the few ready or signed
            # apprenticeships, by when they became ready, where a scan reads every summary.
            models.Index(
                fields=["state", "ready_since", "apprenticeship"],
                name="coverage_summary_gateway",
                condition=models.Q(state__in=[ReadinessState.READY, ReadinessState.SIGNED]),
            ),
        ]

    def __str__(self) -> str:
        return f"coverage of {self.apprenticeship_id}: {self.covered}/{self.mapped}"

    @property
    def gates(self) -> dict[str, dict[str, Any]]:
        """Every gate: {"otj": {"enabled": True, "passed": False, "approved_minutes": 12720, ...}, ...}."""
        return summary_gates(self)

    @property
    def blocking(self) -> list[str]:
        """The gates that do not pass, in checklist order."""
        return blocking_of(getattr(self, column) for column in PASSED_COLUMNS)


class AOCoverage(models.Model):
    """Coverage of one AO of one apprenticeship's route (core AOs plus those of their option)."""

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="ao_coverage")
    outcome = models.ForeignKey(AssessmentOutcome, on_delete=models.CASCADE, related_name="+")
    covered = models.PositiveIntegerField(default=0)
    mapped = models.PositiveIntegerField(default=0)
    percent = models.FloatField(default=0.0)
    missing = models.JSONField(default=list)
    mandatory_missing = models.JSONField(default=list)
    complete = models.BooleanField(default=False)
    changed_at = models.DateTimeField(help_text="when these numbers last changed (the summary says when computed)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["apprenticeship", "outcome"], name="ao_coverage_unique")]
        indexes = [models.Index(fields=["outcome", "complete"])]

    def __str__(self) -> str:
        return f"{self.apprenticeship_id}/{self.outcome_id}: {self.covered}/{self.mapped}"


class CoverageExplanation(models.Model):
    """The answer of `GET /api/apprenticeships/{id}/coverage/` for one apprenticeship, kept as the JSON it is sent as:
    the stored summary with its gates, and every statement of the route explained (the evidence that counts).

    Made from the summary as one recompute left it (`recompute_count` and `computed_at` say which), and served
    only while the summary still has them and no change is marked dirty. Every change to an input marks the
    apprenticeship dirty in its own transaction, and only a recompute, which moves both, clears the mark: so a
    kept answer is either current or not served, never stale. See portfolio/coverage/answers.py.
    """

    apprenticeship = models.OneToOneField(
        Apprenticeship, primary_key=True, on_delete=models.CASCADE, related_name="coverage_explanation"
    )
    recompute_count = models.PositiveBigIntegerField(help_text="the summary's, when this was made")
    computed_at = models.DateTimeField(help_text="the summary's, when this was made")
    body = models.TextField(help_text="the API's JSON answer, as sent")

    def __str__(self) -> str:
        return f"coverage explained for {self.apprenticeship_id} at recompute {self.recompute_count}"


class ReadinessEvent(models.Model):
    """One change of readiness state (portfolio/coverage/readiness_states.py), with the coverage and gates that
    caused it.

    Append-only: recorded by the recompute that saw the change, under the summary row's lock; the unique
    (apprenticeship, sequence) makes a second insert of the same transition fail rather than duplicate it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="readiness_events")
    sequence = models.PositiveIntegerField()
    ready = models.BooleanField(help_text="every gate that is on passes in the state entered")
    state = models.CharField(max_length=32, choices=ReadinessState.choices, help_text="the state entered")
    previous_state = models.CharField(max_length=32, choices=ReadinessState.choices)
    causes = models.JSONField(default=list, help_text="the gates (or signatures, referral) whose change caused it")
    coverage = models.JSONField(help_text="the summary, gates and per-AO coverage at the change")
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["apprenticeship", "sequence"], name="readiness_event_sequence")]
        # The feeds, newest first, a page at a time by position (selectors.READINESS_FEED_ORDER): a page reads its
        # rows from here, where sorting every event the reader may see cost a provider's feed more with each one.
        indexes = [models.Index(fields=["-occurred_at", "-id"], name="readiness_event_newest")]

    def __str__(self) -> str:
        return f"{self.apprenticeship_id} #{self.sequence} {self.state}"

    @property
    def kind(self) -> str:
        return state_rule(self.state).kind
