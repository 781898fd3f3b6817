from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """A training provider or an employer.

    One model with a kind, so memberships and permission checks have one shape. An employer record belongs
    to the provider that works with it: two providers working with the same company each keep their own
    record, so neither sees the other's contacts or apprentices through it.
    """

    class Kind(models.TextChoices):
        PROVIDER = "provider", "Training provider"
        EMPLOYER = "employer", "Employer"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=255)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True, help_text="UK provider reference number")
    provider = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
        help_text="for an employer: the training provider that manages this record",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="provider", provider__isnull=True) | Q(kind="employer", provider__isnull=False),
                name="organisation_employer_has_provider",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == self.Kind.PROVIDER


class Membership(models.Model):
    class Role(models.TextChoices):
        PROVIDER_ADMIN = "provider_admin", "Provider admin"
        TUTOR = "tutor", "Tutor"
        ASSESSOR = "assessor", "Assessor"
        IQA = "iqa", "Internal quality assurer"
        LINE_MANAGER = "line_manager", "Line manager"
        MENTOR = "mentor", "Workplace mentor"

    PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.TUTOR, Role.ASSESSOR, Role.IQA})
    EMPLOYER_ROLES = frozenset({Role.LINE_MANAGER, Role.MENTOR})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    # Deactivated, never deleted: past reviews and audit entries keep pointing at who the person was.
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_user_org_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    @classmethod
    def roles_for(cls, kind: str) -> frozenset[str]:
        return cls.PROVIDER_ROLES if kind == Organisation.Kind.PROVIDER else cls.EMPLOYER_ROLES
