"""A provider's choice to suggest statements or not (on by default)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.evidence.models import Evidence
from portfolio.people.models import Organisation
from portfolio.suggestions.models import Suggestion, SuggestionRun, SuggestionSetting
from portfolio.suggestions.selectors import suggestion_admin_providers_for_user, suggestions_enabled


@transaction.atomic
def suggestion_setting_update(*, actor: Any, provider: Organisation, enabled: bool) -> SuggestionSetting:
    """Turn suggestions on or off for `provider`'s apprentices. Turned off, the suggestions already made for
    its evidence are deleted and no more are made; turned on, they are made as items are next read or changed.
    """
    if provider not in suggestion_admin_providers_for_user(user=actor):
        raise PermissionDenied("Only the provider's admins can turn statement suggestions on or off.")
    was = suggestions_enabled(provider_id=provider.pk)
    setting, _ = SuggestionSetting.objects.update_or_create(
        provider=provider, defaults={"enabled": enabled, "updated_at": timezone.now(), "updated_by": actor}
    )
    if was != enabled:
        if not enabled:
            items = Evidence.objects.filter(apprenticeship__provider=provider).values("pk")
            Suggestion.objects.filter(evidence__in=items).delete()
            SuggestionRun.objects.filter(evidence__in=items).delete()
        audit_record(
            actor=actor,
            action="suggestions.enabled" if enabled else "suggestions.disabled",
            target=provider,
            changes={"enabled": enabled},
        )
    return setting
