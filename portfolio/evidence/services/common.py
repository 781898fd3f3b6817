"""Shared by the evidence services: the "changed after submission" rule and the edit checks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import Evidence
from portfolio.evidence.roles import may_edit
from portfolio.reviews.services.reopen import evidence_reopen_after_change


def edit_check(*, actor: Any, evidence: Evidence) -> None:
    if evidence.state == Evidence.State.WITHDRAWN:
        raise EvidenceRefused(
            f"“{evidence.title}” was withdrawn: it can no longer be changed.", code="evidence_withdrawn", status=409
        )
    if not may_edit(user=actor, evidence=evidence):
        raise PermissionDenied("Only the author of this evidence can change it.")


def reopen_if_submitted(*, evidence: Evidence, actor: Any, change: str) -> None:
    """A sign-off covers one version: once an item left draft, every change invalidates its decisions."""
    if evidence.state != Evidence.State.DRAFT:
        evidence_reopen_after_change(evidence=evidence, actor=actor, change=change)
