"""Statement suggestions: statement embeddings, each provider's choice, and each item's ranked suggestions.

Everything here is derived and can be recomputed: embeddings from the catalogue (per standard version, at
import), suggestions from an item's text. The catalogue rows are reached through hidden relations
(related_name="+"), so a re-import that removes a statement is never refused because of them: they go with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from portfolio.evidence.models import Evidence
from portfolio.people.models import Organisation
from portfolio.standards.models import AssessmentOutcome, Statement


class StatementEmbedding(models.Model):
    """One statement's vector under one model: float32, L2-normalised, little-endian bytes."""

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="+")
    model_name = models.CharField(max_length=64)
    model_version = models.CharField(max_length=64)
    text_sha256 = models.CharField(max_length=64, help_text="of the text embedded: a changed text is embedded again")
    vector = models.BinaryField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"embedding of statement {self.statement_id} ({self.model_name} {self.model_version})"


class SuggestionSetting(models.Model):
    """A provider's choice. Without a row suggestions are on: the default."""

    provider = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="suggestion_setting")
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"suggestions {'on' if self.enabled else 'off'} for {self.provider_id}"


class SuggestionRun(models.Model):
    """What an item's stored suggestions were made from: the sha256 of every input (texts, route, statement
    embeddings, model). A different digest means the stored suggestions are stale and are made again."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="+")
    input_sha256 = models.CharField(max_length=64)
    model_name = models.CharField(max_length=64)
    model_version = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"suggestions for {self.evidence_id} at {self.computed_at:%Y-%m-%d %H:%M}"


class Suggestion(models.Model):
    """One statement suggested for one item: its rank, score (cosine similarity) and the AO of the route it
    belongs to, with the model that made it."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    outcome = models.ForeignKey(AssessmentOutcome, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    model_name = models.CharField(max_length=64)
    model_version = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["evidence", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "statement"], name="suggestion_evidence_statement"),
            models.UniqueConstraint(fields=["evidence", "rank"], name="suggestion_evidence_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id}: #{self.rank} {self.statement_id} ({self.score:.3f})"
