from __future__ import annotations

from portfolio.reviews.models import ReviewPolicy


def review_policy_for_provider_id(*, provider_id: int) -> ReviewPolicy:
    """The provider's policy, or the defaults (unsaved) when it never set one: reads never write."""
    policy = ReviewPolicy.objects.filter(provider_id=provider_id).first()
    return policy or ReviewPolicy(provider_id=provider_id)
