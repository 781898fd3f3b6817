"""A sign-off covers one version of the evidence: any later change to a counted part reopens it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.reviews.models import ReviewDecision

SIGNED_OFF = {Evidence.State.CONFIRMED, Evidence.State.ACCEPTED}


@transaction.atomic
def evidence_reopen_after_change(*, evidence: Evidence, actor: Any, change: str) -> Evidence:
    """Call in the transaction of every change to an item's fields, files or tags (after the change).

    The version grows; every live decision is invalidated (kept, marked); an item that was confirmed or
    accepted goes back to submitted with its tags pending again, so no evidence changes after sign-off
    without a fresh one. Coverage is marked dirty when accepted tags stopped counting.
    """
    locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
    now = timezone.now()
    invalidated = ReviewDecision.objects.filter(evidence=locked, invalidated_at__isnull=True).update(invalidated_at=now)
    was_signed_off = locked.state in SIGNED_OFF
    had_accepted_tags = locked.tags.filter(state=EvidenceTag.State.ACCEPTED).exists()
    updates: dict[str, Any] = {"version": F("version") + 1}
    if was_signed_off:
        updates["state"] = Evidence.State.SUBMITTED
        locked.tags.exclude(state=EvidenceTag.State.PENDING).update(
            state=EvidenceTag.State.PENDING, decided_by=None, decided_at=None, comment=""
        )
    Evidence.objects.filter(pk=locked.pk).update(**updates)
    locked.refresh_from_db()
    if had_accepted_tags:
        coverage_mark_dirty(apprenticeship_ids=[locked.apprenticeship_id], reason="evidence changed")
    if invalidated or was_signed_off:
        audit_record(
            actor=actor,
            action="evidence.reopened",
            target=locked,
            changes={"change": change, "invalidated_decisions": invalidated, "version": locked.version},
        )
    evidence.refresh_from_db()
    return locked
