from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """A training provider, an employer or an assessment organisation.

    One model with a kind, so memberships and permission checks have one shape. An employer record belongs
    to the provider that works with it: two providers working with the same company each keep their own
    record, so neither sees the other's contacts or apprentices through it. So does an assessment
    organisation's record: its people see only the portfolios a provider grants it, while the grant lasts.
    """

    class Kind(models.TextChoices):
        PROVIDER = "provider", "Training provider"
        EMPLOYER = "employer", "Employer"
        ASSESSMENT_ORGANISATION = "assessment_org", "Assessment organisation"

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
        help_text="for an employer or an assessment organisation: the training provider that manages this record",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="provider", provider__isnull=True)
                | Q(kind__in=["employer", "assessment_org"], provider__isnull=False),
                name="organisation_managed_by_a_provider",
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
        END_POINT_ASSESSOR = "end_point_assessor", "End-point assessor"

    PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.TUTOR, Role.ASSESSOR, Role.IQA})
    EMPLOYER_ROLES = frozenset({Role.LINE_MANAGER, Role.MENTOR})
    ASSESSMENT_ORGANISATION_ROLES = frozenset({Role.END_POINT_ASSESSOR})

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
        return {
            Organisation.Kind.PROVIDER: cls.PROVIDER_ROLES,
            Organisation.Kind.EMPLOYER: cls.EMPLOYER_ROLES,
            Organisation.Kind.ASSESSMENT_ORGANISATION: cls.ASSESSMENT_ORGANISATION_ROLES,
        }[Organisation.Kind(kind)]
