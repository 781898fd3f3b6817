"""A provider's review policy: which sign-off steps apply to its apprentices' evidence."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_provider_dirty
from portfolio.people.models import Organisation
from portfolio.people.selectors import user_is_admin_of
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.selectors.policy import review_policy_stored

EDITABLE = (
    "require_employer_confirmation",
    "require_provider_acceptance",
    "evidence_per_statement",
)
# These change what counts toward coverage, so every apprenticeship of the provider is recomputed. (The readiness
# gates, behaviours among them, are the gateway policy's: portfolio/gateway/services/policy.py.)
COVERAGE_INPUTS = frozenset({"evidence_per_statement"})


def review_policy_get_or_create(*, provider_id: int) -> ReviewPolicy:
    """Created on demand with the defaults (both steps, one item per statement). By the provider's id: a decision
    holds its apprenticeship, not the provider's row."""
    policy = review_policy_stored(provider_id=provider_id)
    if policy is None:
        policy, _ = ReviewPolicy.objects.get_or_create(provider_id=provider_id)
    return policy


@transaction.atomic
def review_policy_update(*, actor: Any, provider: Organisation, **changes: Any) -> ReviewPolicy:
    """Provider admins of this provider change its policy. Evidence already in a state keeps it; the new
    steps apply from the next decision (the queues follow the current policy, so nothing is stranded)."""
    if not provider.is_provider:
        raise ValidationError({"provider": f"{provider} is an employer; review policies belong to providers."})
    if not user_is_admin_of(user=actor, provider=provider):
        raise PermissionDenied("Only an admin of this training provider can change its review policy.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This setting cannot be changed here."))
    if "evidence_per_statement" in changes and not 1 <= changes["evidence_per_statement"] <= 20:
        raise ValidationError({"evidence_per_statement": "Give a number from 1 to 20."})
    policy = ReviewPolicy.objects.select_for_update().filter(provider=provider).first()
    policy = policy or ReviewPolicy.objects.create(provider=provider)
    before = {name: getattr(policy, name) for name in EDITABLE}
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.save()
    after = {name: getattr(policy, name) for name in EDITABLE}
    diff = {name: [before[name], after[name]] for name in EDITABLE if before[name] != after[name]}
    if diff:
        audit_record(actor=actor, action="review_policy.updated", target=provider, changes=diff)
    if COVERAGE_INPUTS & set(diff):
        # One statement marks them all and one task recomputes them in batches, however many there are: a
        # provider with thousands of apprentices must not send thousands of messages from one click.
        coverage_mark_provider_dirty(provider_id=provider.pk, reason="review policy changed")
    return policy
