"""Deciding OTJ entries: approve, decline (with a comment), reverse a decision (with a comment), bulk approve.

The transitions and who may take them are portfolio/otj/lifecycle.py's table. Each decision locks the
apprenticeship, then the entry, checks the version the decider saw, writes the decision on the entry and the
audit entry (which keeps every earlier decision), and marks coverage dirty, all in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.errors import Conflict
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.otj.lifecycle import DECISIONS, PAST, may_decide, staff_role
from portfolio.otj.models import OtjActivity
from portfolio.otj.services.checks import apprenticeship_lock, entry_check_against_others
from portfolio.otj.services.totals import otj_month_totals_refresh


def _decide(
    *,
    actor: Any,
    activity: OtjActivity,
    action: str,
    comment: str,
    expected_version: int | None,
) -> OtjActivity:
    sources, moves, comment_required = DECISIONS[action]
    comment = comment.strip()
    apprenticeship = apprenticeship_lock(apprenticeship=activity.apprenticeship)
    locked = OtjActivity.objects.select_for_update().filter(pk=activity.pk).first()
    if locked is None:
        raise Conflict("This entry was deleted by the person who logged it.", code="gone")
    locked.apprenticeship = apprenticeship
    if staff_role(user=actor, apprenticeship=apprenticeship) is None:
        raise PermissionDenied("Only a tutor, assessor or admin of the apprentice's provider can decide OTJ entries.")
    if not may_decide(user=actor, activity=locked):
        raise PermissionDenied("You logged this entry: another member of staff approves or declines it.")
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            f"This entry was changed while you were looking at it (you saw version {expected_version}, it is now "
            f"version {locked.version}, {locked.get_state_display().lower()}). Reload it and decide again.",
            details={
                "expected_version": expected_version,
                "current_version": locked.version,
                "current_state": locked.state,
            },
        )
    if locked.state not in sources:
        allowed = " or ".join(OtjActivity.State(s).label.lower() for s in sorted(sources))
        raise Conflict(
            f"This entry is {locked.get_state_display().lower()}; only an entry that is {allowed} can be "
            f"{PAST[action]}.",
            code="wrong_state",
            details={"current_state": locked.state, "current_version": locked.version},
        )
    if comment_required and not comment:
        reason = "why it is declined" if action == "decline" else "why the decision is reversed"
        raise ValidationError({"comment": f"Write a comment saying {reason}: the apprentice reads it."})
    to_state = moves[locked.state]
    if to_state == OtjActivity.State.APPROVED and locked.state == OtjActivity.State.DECLINED:
        # A declined entry freed its time; it must fit again before it counts.
        entry_check_against_others(
            apprenticeship=apprenticeship,
            date=locked.date,
            start_time=locked.start_time,
            minutes=locked.minutes,
            exclude=locked,
        )
    from_state = locked.state
    locked.state = to_state
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_comment = comment
    locked.version += 1
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_comment", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=f"otj_activity.{PAST[action]}",
        target=locked,
        target_repr=f"{locked} for {apprenticeship}",
        changes={"state": [from_state, to_state], "comment": comment, "minutes": locked.minutes},
    )
    otj_month_totals_refresh(apprenticeship_ids=[apprenticeship.pk])
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason=f"otj {PAST[action]}")
    return locked


@transaction.atomic
def otj_activity_approve(
    *,
    actor: Any,
    activity: OtjActivity,
    comment: str = "",
    expected_version: int | None = None,
) -> OtjActivity:
    return _decide(
        actor=actor, activity=activity, action="approve", comment=comment, expected_version=expected_version,
    )  # fmt: skip


@transaction.atomic
def otj_activity_decline(
    *,
    actor: Any,
    activity: OtjActivity,
    comment: str,
    expected_version: int | None = None,
) -> OtjActivity:
    return _decide(
        actor=actor, activity=activity, action="decline", comment=comment, expected_version=expected_version,
    )  # fmt: skip


@transaction.atomic
def otj_activity_reverse(
    *,
    actor: Any,
    activity: OtjActivity,
    comment: str,
    expected_version: int | None = None,
) -> OtjActivity:
    """Staff turn an approval into a decline, or a decline into an approval, saying why."""
    return _decide(
        actor=actor, activity=activity, action="reverse", comment=comment, expected_version=expected_version,
    )  # fmt: skip


@dataclass
class BulkResult:
    activity: uuid.UUID
    outcome: str  # "done", "conflict", "wrong_state", "gone", "not_found", "forbidden", "invalid"
    message: str = ""
    state: str | None = None
    version: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def otj_activity_approve_many(
    *,
    actor: Any,
    items: Iterable[tuple[uuid.UUID, int | None]],
    find: Any,
    comment: str = "",
) -> list[BulkResult]:
    """Approve several entries, each in its own transaction, one result per entry.

    Deliberately not all-or-nothing, like bulk confirmation of evidence: an entry someone changed meanwhile
    must not hold back the others. `find(public_id)` is the caller's scoped lookup (404 for what the actor
    may not see).
    """
    results = []
    for public_id, expected_version in items:
        try:
            activity = find(public_id)
            activity = otj_activity_approve(
                actor=actor, activity=activity, comment=comment, expected_version=expected_version
            )
        except Http404:
            results.append(BulkResult(public_id, "not_found", "Not found."))
        except PermissionDenied as exc:
            results.append(BulkResult(public_id, "forbidden", str(exc)))
        except Conflict as exc:
            state, version = exc.details.get("current_state"), exc.details.get("current_version")
            results.append(BulkResult(public_id, exc.code, exc.message, state, version, exc.details))
        except ValidationError as exc:
            results.append(BulkResult(public_id, "invalid", " ".join(exc.messages)))
        else:
            results.append(BulkResult(public_id, "done", "Approved.", activity.state, activity.version))
    return results
