"""Shared by the evidence services: the edit checks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from portfolio.evidence import lifecycle
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import Evidence
from portfolio.evidence.roles import may_edit


def change_refusal(evidence: Evidence, what: str) -> EvidenceRefused | None:
    """The refusal for changing `what` ("it", "its tags") of an item whose state allows no change, or None."""
    if lifecycle.change_allowed(evidence.state):
        return None
    state = Evidence.State(evidence.state)
    return EvidenceRefused(
        f"“{evidence.title}” was {state.label.lower()}: {what} can no longer be changed.",
        code=f"evidence_{state.value}",
        status=409,
    )


def edit_check(*, actor: Any, evidence: Evidence) -> None:
    refusal = change_refusal(evidence, "it")
    if refusal is not None:
        raise refusal
    if not may_edit(user=actor, evidence=evidence):
        raise PermissionDenied("Only the author of this evidence can change it.")
