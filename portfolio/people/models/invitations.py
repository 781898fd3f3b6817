from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portfolio.people.models.apprenticeships import Apprenticeship
from portfolio.people.models.organisations import Membership, Organisation


class Invitation(models.Model):
    """A single-use, expiring invitation sent by email.

    Only a sha256 of the secret in the link is stored: someone reading the database (or a backup) cannot
    accept an invitation. An invitation either grants a membership (organisation + role) or gives an
    apprentice access to their apprenticeship; the check constraint keeps the two apart.
    """

    APPRENTICE = "apprentice"
    ROLE_CHOICES = [*Membership.Role.choices, (APPRENTICE, "Apprentice")]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations",
        help_text="the account the invitation is for: existing, or created (without a password) to invite",
    )
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    apprenticeship = models.ForeignKey(
        Apprenticeship, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sent_invitations",
        help_text="the provider on whose behalf it was sent: its admins manage it",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="apprentice", apprenticeship__isnull=False, organisation__isnull=True))
                | (~Q(role="apprentice") & Q(apprenticeship__isnull=True, organisation__isnull=False)),
                name="invitation_membership_or_apprenticeship",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
