"""Logging OTJ activities: create, edit and delete a pending entry.

Every write locks the apprenticeship row first (the rules compare an entry with its neighbours), writes the
audit entry, and marks coverage dirty in the same transaction: the gateway's OTJ gate reads these rows.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from portfolio.audit.services import audit_record
from portfolio.core.errors import Conflict
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.otj.lifecycle import EDITABLE_STATES, logger_role
from portfolio.otj.models import OtjActivity
from portfolio.otj.services.checks import (
    apprenticeship_lock,
    entry_check_against_others,
    entry_check_fields,
    evidence_for_entry,
    snapshot,
)
from portfolio.otj.services.totals import otj_month_totals_refresh
from portfolio.people.models import Apprenticeship


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@transaction.atomic
def otj_activity_create(
    *,
    actor: Any,
    apprenticeship: Apprenticeship,
    date: datetime.date,
    start_time: datetime.time,
    minutes: int,
    activity_type: str,
    description: str,
    evidence: Iterable[uuid.UUID | str] = (),
) -> OtjActivity:
    """The apprentice logs an activity, or provider staff log one on their behalf. It waits for approval."""
    if logger_role(user=actor, apprenticeship=apprenticeship) is None:
        raise PermissionDenied(
            "Only the apprentice, or a tutor, assessor or admin of their provider, can log off-the-job hours here."
        )
    description = description.strip()
    entry_check_fields(
        apprenticeship=apprenticeship,
        date=date,
        start_time=start_time,
        minutes=minutes,
        activity_type=activity_type,
        description=description,
    )
    items = evidence_for_entry(apprenticeship=apprenticeship, evidence_ids=evidence)
    apprenticeship_lock(apprenticeship=apprenticeship)
    entry_check_against_others(apprenticeship=apprenticeship, date=date, start_time=start_time, minutes=minutes)
    activity = OtjActivity.objects.create(
        apprenticeship=apprenticeship,
        date=date,
        start_time=start_time,
        minutes=minutes,
        activity_type=activity_type,
        description=description,
        logged_by=actor,
    )
    activity.evidence.set(items)
    audit_record(
        actor=actor,
        action="otj_activity.logged",
        target=activity,
        target_repr=f"{activity} for {apprenticeship}",
        changes=snapshot(activity, items),
    )
    otj_month_totals_refresh(apprenticeship_ids=[apprenticeship.pk])
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="otj logged")
    return activity


def _lock_for_change(*, actor: Any, activity: OtjActivity, expected_version: int | None, verb: str) -> OtjActivity:
    """Lock the apprenticeship, then the entry (always in that order: no deadlock with a decision), and check
    the actor may still change it."""
    apprenticeship_lock(apprenticeship=activity.apprenticeship)
    locked = OtjActivity.objects.select_for_update().filter(pk=activity.pk).select_related("apprenticeship").first()
    if locked is None:
        raise Conflict("This entry was deleted meanwhile.", code="gone")
    if locked.logged_by_id != actor.pk:
        raise PermissionDenied(f"Only the person who logged an entry can {verb} it.")
    if locked.state not in EDITABLE_STATES:
        decided = f" by {locked.decided_by.display_name}" if locked.decided_by else ""
        raise Conflict(
            f"This entry was {locked.get_state_display().lower()}{decided}: approved and declined entries are "
            f"final, so it cannot be {verb}d now. Ask your tutor or assessor to reverse the decision if it is wrong.",
            code="wrong_state",
            details={"current_state": locked.state, "current_version": locked.version},
        )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            f"This entry was changed while you were looking at it (you saw version {expected_version}, it is now "
            f"version {locked.version}). Reload it and try again.",
            details={"expected_version": expected_version, "current_version": locked.version},
        )
    return locked


@transaction.atomic
def otj_activity_update(
    *,
    actor: Any,
    activity: OtjActivity,
    expected_version: int | None = None,
    date: datetime.date = UNSET,
    start_time: datetime.time = UNSET,
    minutes: int = UNSET,
    activity_type: str = UNSET,
    description: str = UNSET,
    evidence: Iterable[uuid.UUID | str] = UNSET,
) -> OtjActivity:
    """The person who logged a pending entry changes it; every rule is checked again."""
    activity = _lock_for_change(actor=actor, activity=activity, expected_version=expected_version, verb="change")
    apprenticeship = activity.apprenticeship
    before = snapshot(activity)
    requested = {
        "date": date,
        "start_time": start_time,
        "minutes": minutes,
        "activity_type": activity_type,
        "description": description.strip() if isinstance(description, str) else description,
    }
    for name, value in requested.items():
        if value is not UNSET:
            setattr(activity, name, value)
    entry_check_fields(
        apprenticeship=apprenticeship,
        date=activity.date,
        start_time=activity.start_time,
        minutes=activity.minutes,
        activity_type=activity.activity_type,
        description=activity.description,
    )
    items = (
        list(activity.evidence.all())
        if evidence is UNSET
        else evidence_for_entry(apprenticeship=apprenticeship, evidence_ids=evidence)
    )
    entry_check_against_others(
        apprenticeship=apprenticeship,
        date=activity.date,
        start_time=activity.start_time,
        minutes=activity.minutes,
        exclude=activity,
    )
    after = snapshot(activity, items)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return activity
    activity.version += 1  # the row is locked: no concurrent writer to lose an increment to
    activity.save()
    if "evidence" in changes:
        activity.evidence.set(items)
    audit_record(
        actor=actor,
        action="otj_activity.changed",
        target=activity,
        target_repr=f"{activity} for {apprenticeship}",
        changes=changes,
    )
    otj_month_totals_refresh(apprenticeship_ids=[apprenticeship.pk])
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="otj changed")
    return activity


@transaction.atomic
def otj_activity_delete(
    *, actor: Any, activity: OtjActivity, expected_version: int | None = None, request: HttpRequest | None = None
) -> None:
    """The person who logged a pending entry deletes it (the audit log keeps what it said)."""
    activity = _lock_for_change(actor=actor, activity=activity, expected_version=expected_version, verb="delete")
    apprenticeship = activity.apprenticeship
    audit_record(
        actor=actor,
        action="otj_activity.deleted",
        target=activity,
        target_repr=f"{activity} for {apprenticeship}",
        changes=snapshot(activity),
    )
    activity.delete()
    otj_month_totals_refresh(apprenticeship_ids=[apprenticeship.pk])
    coverage_mark_dirty(apprenticeship_ids=[apprenticeship.pk], reason="otj deleted")
