"""The work queue of the coverage engine. The engine's results live beside it (added by the coverage work)."""

from __future__ import annotations

from django.db import models

from portfolio.people.models import Apprenticeship


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
