"""A portfolio exported for the assessment organisation: one ZIP in the object store, built by a task."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from portfolio.people.models import Apprenticeship


class PortfolioExport(models.Model):
    class State(models.TextChoices):
        BUILDING = "building", "Being built"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired and deleted"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.BUILDING)
    object_key = models.CharField(max_length=255, blank=True)
    bytes_total = models.PositiveBigIntegerField(default=0, help_text="the bytes of the files to pack")
    bytes_done = models.PositiveBigIntegerField(default=0)
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="of the finished ZIP")
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Asked for twice at once: the second request finds the first, so one export is built.
            models.UniqueConstraint(
                fields=["apprenticeship"], condition=Q(state="building"), name="export_one_building_per_apprenticeship"
            )
        ]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"export {self.public_id} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == self.State.READY:
            return 100
        return min(99, self.bytes_done * 100 // self.bytes_total) if self.bytes_total else 0
