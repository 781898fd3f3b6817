"""The admin's section of the start page: who is not invited yet, and which apprenticeships lack people."""

from __future__ import annotations

from typing import Any

from portfolio.people.admin_selectors import admin_counts, provider_list_administered_by


def tasks(*, user: Any) -> dict[str, Any]:
    # Counts only (three numbers in two queries): the lists themselves are one click away.
    counts = admin_counts(user=user)
    providers = list(provider_list_administered_by(user=user).values_list("name", flat=True)[:5])
    return {**counts, "providers": providers}
