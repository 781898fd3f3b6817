"""Logging OTJ activities: the rules each entry keeps, each refused with a clear error and nothing saved."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.core.errors import Conflict
from portfolio.otj.models import OtjActivity
from portfolio.otj.services.activities import otj_activity_delete, otj_activity_update
from portfolio.otj.services.decisions import otj_activity_approve, otj_activity_decline
from tests.factories import EvidenceFactory, World, build_world
from tests.otj.helpers import D, T, dirty_generation, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    own, _ = build_world()
    return own


def _refused(fn: Any, **kwargs: Any) -> dict[str, list[str]]:
    before = OtjActivity.objects.count()
    with pytest.raises(ValidationError) as caught:
        fn(**kwargs)
    assert OtjActivity.objects.count() == before  # nothing saved
    return caught.value.message_dict


def test_an_apprentice_logs_an_entry_that_waits_for_approval(world: World) -> None:
    before = dirty_generation(world.apprenticeship)
    entry = log(world, minutes=90, description="  Budgeting workshop  ")
    assert (entry.state, entry.minutes, entry.description, entry.logged_by) == (
        "pending", 90, "Budgeting workshop", world.apprentice,
    )  # fmt: skip
    assert dirty_generation(world.apprenticeship) == before + 1
    audit = AuditEntry.objects.get(action="otj_activity.logged")
    assert audit.changes["minutes"] == 90
    assert audit.actor == world.apprentice


def test_staff_log_on_the_apprentices_behalf_but_employer_contacts_and_other_providers_do_not(world: World) -> None:
    _, other = build_world()
    assert log(world, actor=world.tutor).logged_by == world.tutor
    assert log(world, actor=world.admin, on=D(2025, 10, 7)).logged_by == world.admin
    for outsider in (world.line_manager, world.iqa, other.tutor, other.apprentice):
        with pytest.raises(PermissionDenied):
            log(world, actor=outsider, on=D(2025, 10, 8))
    assert OtjActivity.objects.count() == 2


def test_an_overlapping_entry_is_refused_naming_the_one_it_overlaps(world: World) -> None:
    log(world, at="09:00", minutes=120)  # 09:00-11:00
    errors = _refused(log, world=world, at="10:30", minutes=60)
    assert errors["start_time"] == [
        "This overlaps the taught session logged for 6 Oct 2025 from 09:00 to 11:00 (awaiting approval): entries "
        "cannot overlap in time. Change the start time or the duration, or change that entry."
    ]
    _refused(log, world=world, at="08:00", minutes=61)  # ends 09:01
    _refused(log, world=world, at="09:30", minutes=10)  # inside
    _refused(log, world=world, at="08:00", minutes=240)  # around
    # Touching is not overlapping: 11:00 starts as the other ends; 08:00-09:00 ends as it starts.
    log(world, at="11:00", minutes=30)
    log(world, at="08:00", minutes=60)


def test_an_entry_running_past_midnight_overlaps_the_next_mornings(world: World) -> None:
    log(world, on=D(2025, 10, 6), at="22:00", minutes=180)  # until 01:00 on 7 Oct
    errors = _refused(log, world=world, on=D(2025, 10, 7), at="00:30", minutes=30)
    assert "from 22:00 to 01:00 on 7 Oct 2025" in errors["start_time"][0]
    log(world, on=D(2025, 10, 7), at="01:00", minutes=30)


def test_declined_entries_free_their_time_but_approved_ones_do_not(world: World) -> None:
    declined = log(world, at="09:00", minutes=60)
    otj_activity_decline(actor=world.tutor, activity=declined, comment="That was your normal job.")
    approved = log(world, at="09:00", minutes=60)  # the declined one no longer takes the slot
    otj_activity_approve(actor=world.tutor, activity=approved)
    errors = _refused(log, world=world, at="09:15", minutes=15)
    assert "(approved)" in errors["start_time"][0]


def test_the_future_is_refused_and_so_is_an_activity_still_running(world: World) -> None:
    now = timezone.localtime()
    tomorrow = now.date() + datetime.timedelta(days=1)
    errors = _refused(log, world=world, on=tomorrow, at="09:00")
    assert errors["date"][0].endswith("is in the future: log an activity once it has happened.")
    started = now - datetime.timedelta(minutes=30)
    if started.date() == now.date():  # not in the first half hour of the day
        errors = _refused(log, world=world, on=started.date(), at=started.strftime("%H:%M"), minutes=60)
        assert "which is still to come: log it once it is over, or shorten it." in errors["start_time"][0]
        log(world, on=started.date(), at=started.strftime("%H:%M"), minutes=20)  # over already


def test_before_the_start_date_is_refused(world: World) -> None:
    errors = _refused(log, world=world, on=D(2025, 8, 31))
    assert errors["date"] == [
        "31 Aug 2025 is before the apprenticeship started (1 Sep 2025): off-the-job training counts from the start "
        "date."
    ]
    log(world, on=D(2025, 9, 1), at="00:00")


@pytest.mark.parametrize("minutes", [0, -5, 1441])
def test_minutes_from_1_to_1440(world: World, minutes: int) -> None:
    errors = _refused(log, world=world, minutes=minutes)
    assert list(errors) == ["minutes"]


def test_a_whole_day_is_allowed(world: World) -> None:
    assert log(world, at="00:00", minutes=1440).minutes == 1440


def test_a_day_holds_at_most_24_hours(world: World) -> None:
    # 00:00-23:00 on 6 Oct, then 23:00 for 2 h: no overlap, but 25 h dated 6 Oct.
    log(world, at="00:00", minutes=23 * 60)
    errors = _refused(log, world=world, at="23:00", minutes=120)
    assert errors["minutes"] == [
        "6 Oct 2025 would have 25 h of off-the-job training logged, more than the 24 hours in a day. Check the "
        "durations of that day's entries."
    ]
    log(world, at="23:00", minutes=60)  # exactly 24 h


def test_other_fields_say_what_is_wrong(world: World) -> None:
    errors = _refused(log, world=world, kind="sleeping", description=" ")
    assert errors["activity_type"][0].startswith("Choose the kind of activity: taught session, online learning,")
    assert errors["description"] == ["Say what you did and what you learned."]


def test_linked_evidence_must_be_the_same_apprenticeships(world: World) -> None:
    _, other = build_world()
    mine = EvidenceFactory.create(apprenticeship=world.apprenticeship)
    theirs = EvidenceFactory.create(apprenticeship=other.apprenticeship)
    errors = _refused(log, world=world, evidence=[mine.public_id, theirs.public_id])
    assert errors["evidence"] == [
        f"No evidence item {theirs.public_id} in this apprenticeship's portfolio: link only evidence of the same "
        "apprenticeship."
    ]
    entry = log(world, evidence=[mine.public_id, mine.public_id])
    assert list(entry.evidence.all()) == [mine]


def test_the_logger_edits_a_pending_entry_and_every_rule_is_checked_again(world: World) -> None:
    first = log(world, at="09:00", minutes=60)
    second = log(world, at="13:00", minutes=60)
    before = dirty_generation(world.apprenticeship)
    second = otj_activity_update(actor=world.apprentice, activity=second, minutes=90, start_time=T(12, 0))
    assert (second.minutes, second.version) == (90, 2)
    assert dirty_generation(world.apprenticeship) == before + 1
    with pytest.raises(ValidationError, match="overlaps"):
        otj_activity_update(actor=world.apprentice, activity=second, start_time=T(9, 30))
    # Changing an entry does not make it overlap itself.
    otj_activity_update(actor=world.apprentice, activity=first, minutes=120)
    audit = AuditEntry.objects.filter(action="otj_activity.changed").order_by("pk").last()
    assert audit is not None
    assert audit.changes == {"minutes": [60, 120]}


def test_only_the_logger_edits_or_deletes_and_only_while_pending(world: World) -> None:
    entry = log(world, actor=world.tutor)
    with pytest.raises(PermissionDenied):
        otj_activity_update(actor=world.apprentice, activity=entry, minutes=30)
    with pytest.raises(PermissionDenied):
        otj_activity_delete(actor=world.assessor, activity=entry)
    otj_activity_approve(actor=world.assessor, activity=entry)
    with pytest.raises(Conflict) as caught:
        otj_activity_update(actor=world.tutor, activity=entry, minutes=30)
    assert caught.value.code == "wrong_state"
    assert "approved and declined entries are final" in caught.value.message
    with pytest.raises(Conflict):
        otj_activity_delete(actor=world.tutor, activity=entry)
    assert OtjActivity.objects.get(pk=entry.pk).minutes == 60


def test_a_stale_version_is_a_conflict(world: World) -> None:
    entry = log(world)
    otj_activity_update(actor=world.apprentice, activity=entry, minutes=30, expected_version=1)
    with pytest.raises(Conflict, match="you saw version 1, it is now version 2"):
        otj_activity_update(actor=world.apprentice, activity=entry, minutes=45, expected_version=1)


def test_the_logger_deletes_a_pending_entry(world: World) -> None:
    entry = log(world)
    before = dirty_generation(world.apprenticeship)
    otj_activity_delete(actor=world.apprentice, activity=entry)
    assert not OtjActivity.objects.exists()
    assert dirty_generation(world.apprenticeship) == before + 1
    assert AuditEntry.objects.get(action="otj_activity.deleted").changes["description"] == "Budgeting workshop"
