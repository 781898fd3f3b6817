"""A sign-off covers one version of the evidence: any later change to a counted part reopens it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.reviews.fingerprint import evidence_fingerprint
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.notifications import notify_for_state
from portfolio.reviews.services.decisions import decision_invalidate_live
from portfolio.reviews.services.tags import tags_reset


@transaction.atomic
def evidence_reopen_after_change(*, evidence: Evidence, actor: Any, change: str) -> Evidence:
    """Called (through portfolio/evidence/signals.py) in the transaction of every change to the fields, files
    or tags of an item that was ever submitted, after the change.

    The version grows (so a reviewer looking at the old one gets a conflict); every live decision is
    invalidated (kept, marked "changed"); an item that was signed off (the lifecycle's AFTER_CHANGE: confirmed
    or accepted) goes back to submitted with its tags pending again, so no evidence changes after sign-off
    without a fresh one, and its
    reviewers are told it is back in their queue. Coverage is marked dirty when accepted tags stopped
    counting. The audit entry keeps the new version's fingerprint and snapshot: with the decisions'
    snapshots, the history holds every version anyone reviewed or changed.
    """
    locked = Evidence.objects.select_for_update().select_related("apprenticeship").get(pk=evidence.pk)
    invalidated = decision_invalidate_live(evidence=locked, reason=ReviewDecision.Invalidation.CHANGED)
    was_signed_off = lifecycle.change_reopens(locked.state)
    updates: dict[str, Any] = {"version": F("version") + 1}
    had_accepted_tags = False
    if was_signed_off:
        updates["state"] = lifecycle.after_change(locked.state)
        had_accepted_tags = tags_reset(evidence=locked)
    Evidence.objects.filter(pk=locked.pk).update(**updates)
    locked.refresh_from_db()
    if had_accepted_tags:
        coverage_mark_dirty(apprenticeship_ids=[locked.apprenticeship_id], reason="evidence changed")
    fingerprint, snapshot = evidence_fingerprint(evidence=locked)
    audit_record(
        actor=actor,
        action="evidence.reopened" if was_signed_off else "evidence.changed",
        target=locked,
        changes={
            "change": change,
            "invalidated_decisions": invalidated,
            "version": locked.version,
            "fingerprint": fingerprint,
            "snapshot": snapshot,
        },
    )
    if was_signed_off:
        notify_for_state(evidence=locked, actor=actor, comment=f"It changed after sign-off ({change}).")
    evidence.refresh_from_db()
    return locked
