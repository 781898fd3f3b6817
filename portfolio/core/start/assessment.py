"""The assessment organisation's section of the start page: the portfolios handed over to them."""

from __future__ import annotations

from typing import Any

from portfolio.handover.selectors import grant_list_for_assessment_user


def tasks(*, user: Any) -> dict[str, Any]:
    grants = list(grant_list_for_assessment_user(user=user).order_by("expires_at")[:20])
    return {"grants": grants}
