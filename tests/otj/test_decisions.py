"""Approving, declining and reversing OTJ entries; bulk approval; only approved minutes count."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from portfolio.audit.models import AuditEntry
from portfolio.core.errors import Conflict
from portfolio.otj.selectors import otj_activity_get_for_user, otj_figures_for, otj_queue_for_user
from portfolio.otj.services.decisions import (
    otj_activity_approve,
    otj_activity_approve_many,
    otj_activity_decline,
    otj_activity_reverse,
)
from tests.factories import World, build_world
from tests.otj.helpers import D, dirty_generation, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds() -> tuple[World, World]:
    return build_world()


def test_assessors_tutors_and_admins_approve_and_only_approved_minutes_count(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    entries = [log(own, on=D(2025, 10, day), minutes=60) for day in (6, 7, 8, 9)]
    for decider, entry in zip((own.assessor, own.tutor, own.admin), entries, strict=False):
        before = dirty_generation(own.apprenticeship)
        approved = otj_activity_approve(actor=decider, activity=entry, comment="Good.")
        assert (approved.state, approved.decided_by, approved.version) == ("approved", decider, 2)
        assert dirty_generation(own.apprenticeship) == before + 1
    figures = otj_figures_for(apprenticeship=own.apprenticeship)
    assert (figures.approved_minutes, figures.pending_minutes) == (180, 60)
    assert AuditEntry.objects.filter(action="otj_activity.approved").count() == 3


def test_nobody_else_decides(worlds: tuple[World, World]) -> None:
    own, other = worlds
    entry = log(own)
    for outsider in (own.apprentice, own.line_manager, own.mentor, own.iqa, other.assessor, other.admin):
        with pytest.raises(PermissionDenied):
            otj_activity_approve(actor=outsider, activity=entry)
    staff_entry = log(own, actor=own.tutor, on=D(2025, 10, 7))
    with pytest.raises(PermissionDenied, match="You logged this entry: another member of staff approves"):
        otj_activity_approve(actor=own.tutor, activity=staff_entry)
    otj_activity_approve(actor=own.assessor, activity=staff_entry)


def test_declining_needs_a_comment(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    entry = log(own)
    with pytest.raises(ValidationError) as caught:
        otj_activity_decline(actor=own.tutor, activity=entry, comment="  ")
    assert caught.value.message_dict == {
        "comment": ["Write a comment saying why it is declined: the apprentice reads it."]
    }
    before = dirty_generation(own.apprenticeship)
    declined = otj_activity_decline(actor=own.tutor, activity=entry, comment="This was your normal job.")
    assert dirty_generation(own.apprenticeship) == before + 1
    assert (declined.state, declined.decision_comment) == ("declined", "This was your normal job.")


def test_decisions_are_final_except_for_a_reversal_with_a_comment(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    entry = otj_activity_approve(actor=own.tutor, activity=log(own, minutes=90))
    with pytest.raises(Conflict) as caught:
        otj_activity_decline(actor=own.assessor, activity=entry, comment="No.")
    assert caught.value.code == "wrong_state"
    with pytest.raises(Conflict):
        otj_activity_approve(actor=own.assessor, activity=entry)
    with pytest.raises(ValidationError, match="why the decision is reversed"):
        otj_activity_reverse(actor=own.assessor, activity=entry, comment="")
    before = dirty_generation(own.apprenticeship)
    reversed_ = otj_activity_reverse(actor=own.assessor, activity=entry, comment="Duplicate of Tuesday's entry.")
    assert dirty_generation(own.apprenticeship) == before + 1
    assert (reversed_.state, reversed_.decided_by, reversed_.decision_comment) == (
        "declined", own.assessor, "Duplicate of Tuesday's entry.",
    )  # fmt: skip
    assert otj_figures_for(apprenticeship=own.apprenticeship).approved_minutes == 0
    back = otj_activity_reverse(actor=own.tutor, activity=reversed_, comment="It was not a duplicate after all.")
    assert back.state == "approved"
    trail = list(
        AuditEntry.objects.filter(target_public_id=entry.public_id).order_by("pk").values_list("action", "changes")
    )
    assert [action for action, _ in trail] == [
        "otj_activity.logged", "otj_activity.approved", "otj_activity.reversed", "otj_activity.reversed",
    ]  # fmt: skip
    assert trail[2][1]["state"] == ["approved", "declined"]
    assert trail[3][1]["comment"] == "It was not a duplicate after all."


def test_reversing_a_decline_checks_the_entry_still_fits(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    declined = otj_activity_decline(actor=own.tutor, activity=log(own, at="09:00"), comment="Wrong time.")
    log(own, at="09:30", minutes=30)  # the slot was free again
    with pytest.raises(ValidationError, match="overlaps"):
        otj_activity_reverse(actor=own.tutor, activity=declined, comment="It happened after all.")


def test_a_stale_version_or_a_deleted_entry_is_a_conflict(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    entry = log(own)
    with pytest.raises(Conflict, match="you saw version 3"):
        otj_activity_approve(actor=own.tutor, activity=entry, expected_version=3)
    entry.delete()
    with pytest.raises(Conflict) as caught:
        otj_activity_approve(actor=own.tutor, activity=entry)
    assert caught.value.code == "gone"


def test_bulk_approval_reports_each_entry(worlds: tuple[World, World]) -> None:
    own, other = worlds
    waiting = [log(own, on=D(2025, 10, day)) for day in (6, 7, 8)]
    already = otj_activity_approve(actor=own.tutor, activity=log(own, on=D(2025, 10, 9)))
    theirs = log(other)
    items = [(e.public_id, e.version) for e in waiting] + [(already.public_id, None), (theirs.public_id, 1)]
    items.append((waiting[0].public_id, 1))  # the same entry again, at its old version

    def find(public_id: object) -> object:
        return otj_activity_get_for_user(user=own.assessor, public_id=public_id)  # type: ignore[arg-type]

    results = otj_activity_approve_many(actor=own.assessor, items=items, find=find)
    assert [r.outcome for r in results] == ["done", "done", "done", "wrong_state", "not_found", "conflict"]
    assert otj_figures_for(apprenticeship=own.apprenticeship).approved_minutes == 240
    with pytest.raises(Http404):
        find(theirs.public_id)


def test_the_queue_holds_what_the_user_may_decide(worlds: tuple[World, World]) -> None:
    own, other = worlds
    by_apprentice = log(own, on=D(2025, 10, 6))
    by_tutor = log(own, actor=own.tutor, on=D(2025, 10, 7))
    log(other, on=D(2025, 10, 6))
    otj_activity_approve(actor=own.assessor, activity=log(own, on=D(2025, 10, 8)))
    assert list(otj_queue_for_user(user=own.assessor)) == [by_apprentice, by_tutor]
    assert list(otj_queue_for_user(user=own.tutor)) == [by_apprentice]  # not the one they logged
    assert list(otj_queue_for_user(user=own.line_manager)) == []
    assert list(otj_queue_for_user(user=own.iqa)) == []
    own.apprenticeship.tutor = own.tutor
    own.apprenticeship.save()
    assert list(otj_queue_for_user(user=own.assessor, tutor=own.tutor)) == [by_apprentice, by_tutor]
    assert list(otj_queue_for_user(user=own.assessor, tutor=own.assessor)) == []
