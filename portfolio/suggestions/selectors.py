"""Reads for statement suggestions: a provider's choice, and who may change it."""

from __future__ import annotations

from typing import Any

from portfolio.people.models import Membership, Organisation
from portfolio.suggestions.models import SuggestionSetting


def suggestions_enabled(*, provider_id: int) -> bool:
    """On unless the provider turned them off (no row: on, the default)."""
    enabled = SuggestionSetting.objects.filter(provider_id=provider_id).values_list("enabled", flat=True).first()
    return enabled is None or enabled


def suggestion_admin_providers_for_user(*, user: Any) -> list[Organisation]:
    """The providers whose suggestion setting this person may change (an active provider-admin membership)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(
        Organisation.objects.filter(
            kind=Organisation.Kind.PROVIDER,
            memberships__user_id=user.pk,
            memberships__is_active=True,
            memberships__role=Membership.Role.PROVIDER_ADMIN,
        )
        .distinct()
        .order_by("name")
    )
