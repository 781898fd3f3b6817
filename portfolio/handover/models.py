"""Access to one apprenticeship's portfolio, granted by its provider to an assessment organisation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from portfolio.people.models import Apprenticeship, Organisation


class PortfolioGrant(models.Model):
    """Read-only access from `starts_at` until `expires_at`, unless revoked before. The grant is never
    deleted: it is part of the record of who could see what, and when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.PROTECT, related_name="grants")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="grants",
        limit_choices_to={"kind": Organisation.Kind.ASSESSMENT_ORGANISATION},
    )
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    note = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("starts_at")), name="grant_ends_after_start")
        ]
        indexes = [models.Index(fields=["organisation", "expires_at"]), models.Index(fields=["apprenticeship"])]

    def __str__(self) -> str:
        return f"{self.organisation} may see {self.apprenticeship}"
