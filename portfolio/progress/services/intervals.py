"""How often reviews are due: the provider's interval (its admins; 3 months or shorter) and an apprenticeship's
longer interval agreed with the employer, with its reason (the provider's assessors, tutors and admins)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.people.models import Apprenticeship, Organisation
from portfolio.people.selectors import user_is_admin_of
from portfolio.progress.lifecycle import Role
from portfolio.progress.models import AgreedReviewInterval, ProgressReviewPolicy
from portfolio.progress.roles import roles_towards
from portfolio.progress.schedule import AGREED_INTERVALS, PROVIDER_INTERVALS
from portfolio.progress.services.common import clean_text


@transaction.atomic
def progress_policy_update(*, actor: Any, provider: Organisation, interval_months: int) -> ProgressReviewPolicy:
    if not provider.is_provider or not user_is_admin_of(user=actor, provider=provider):
        raise PermissionDenied("The review interval is set by the training provider's admins.")
    low, high = PROVIDER_INTERVALS
    if not low <= interval_months <= high:
        raise ValidationError(
            {
                "interval_months": f"Review at least every {high} months (the funding rules): choose {low} to {high}. "
                "A longer interval is agreed per apprenticeship, with its reason."
            }
        )
    policy, _ = ProgressReviewPolicy.objects.select_for_update().get_or_create(provider=provider)
    before = policy.interval_months
    policy.interval_months = interval_months
    policy.save()
    audit_record(
        actor=actor,
        action="progress_review.policy_changed",
        target=policy,
        target_repr=str(policy),
        changes={"interval_months": [before, interval_months]},
    )
    return policy


def _require_staff(actor: Any, apprenticeship: Apprenticeship) -> None:
    if Role.STAFF not in roles_towards(user=actor, apprenticeship=apprenticeship):
        raise PermissionDenied("An agreed review interval is recorded by the apprentice's provider staff.")


@transaction.atomic
def agreed_interval_set(
    *, actor: Any, apprenticeship: Apprenticeship, interval_months: int, reason: str
) -> AgreedReviewInterval:
    _require_staff(actor, apprenticeship)
    low, high = AGREED_INTERVALS
    errors = {}
    if not low <= interval_months <= high:
        errors["interval_months"] = (
            f"An agreed interval is longer than the usual three months: {low} to {high} months. For three months or "
            "less, remove the agreed interval (the provider's applies)."
        )
    reason = clean_text(reason, field="reason", limit=2000)
    if not reason:
        errors["reason"] = "Give the evidenced reason, and who at the employer agreed it: the funding rules ask for it."
    if errors:
        raise ValidationError(errors)
    row, created = AgreedReviewInterval.objects.select_for_update().get_or_create(
        apprenticeship=apprenticeship,
        defaults={"interval_months": interval_months, "reason": reason, "recorded_by": actor,
                  "recorded_at": timezone.now()},
    )  # fmt: skip
    if not created:
        row.interval_months, row.reason, row.recorded_by, row.recorded_at = (
            interval_months, reason, actor, timezone.now()
        )  # fmt: skip
        row.save()
    audit_record(
        actor=actor,
        action="progress_review.interval_agreed",
        target=row,
        target_repr=f"review interval of {apprenticeship}",
        changes={"interval_months": interval_months, "reason": reason},
    )
    return row


@transaction.atomic
def agreed_interval_clear(*, actor: Any, apprenticeship: Apprenticeship) -> bool:
    _require_staff(actor, apprenticeship)
    row = AgreedReviewInterval.objects.filter(apprenticeship=apprenticeship).first()
    if row is None:
        return False
    audit_record(
        actor=actor,
        action="progress_review.interval_removed",
        target=row,
        target_repr=f"review interval of {apprenticeship}",
        changes={"interval_months": row.interval_months},
    )
    row.delete()
    return True
