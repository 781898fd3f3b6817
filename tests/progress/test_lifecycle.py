"""The lifecycle table (portfolio/progress/lifecycle.py) read the way the services and pages read it, and the
README showing it as it is."""

from __future__ import annotations

from pathlib import Path

from portfolio.progress import lifecycle
from portfolio.progress.lifecycle import Action, Party, Role, State

README = Path(__file__).resolve().parents[2] / "README.md"


def test_only_staff_schedule_and_only_an_assessor_or_tutor_holds() -> None:
    assert lifecycle.allowed(None, Action.SCHEDULE, Role.STAFF)
    assert not lifecycle.allowed(State.SCHEDULED, Action.SCHEDULE, Role.STAFF)  # one scheduled at a time
    assert lifecycle.allowed(State.SCHEDULED, Action.HOLD, Role.ASSESSOR)
    assert not lifecycle.allowed(State.SCHEDULED, Action.HOLD, Role.STAFF)  # an admin administers
    assert not lifecycle.allowed(State.AWAITING_SIGNATURES, Action.HOLD, Role.ASSESSOR)


def test_signatures_only_once_held_and_the_last_of_three_completes_it() -> None:
    for role in (Role.APPRENTICE, Role.EMPLOYER, Role.REVIEWER):
        assert lifecycle.allowed(State.AWAITING_SIGNATURES, Action.SIGN, role)
        assert not lifecycle.allowed(State.SCHEDULED, Action.SIGN, role)
        assert not lifecycle.allowed(State.COMPLETE, Action.SIGN, role)
    assert not lifecycle.allowed(State.AWAITING_SIGNATURES, Action.SIGN, Role.ASSESSOR)  # not the one who held it
    assert lifecycle.after_sign([Party.APPRENTICE, Party.EMPLOYER]) == State.AWAITING_SIGNATURES
    assert lifecycle.after_sign(["apprentice", "employer", "provider"]) == State.COMPLETE


def test_the_record_changes_while_held_or_complete_and_then_waits_for_three_again() -> None:
    for role in (Role.APPRENTICE, Role.EMPLOYER, Role.REVIEWER):
        assert lifecycle.allowed(State.COMPLETE, Action.EDIT, role)
        assert lifecycle.lands_in(Action.EDIT, role) == State.AWAITING_SIGNATURES
        assert not lifecycle.allowed(State.SCHEDULED, Action.EDIT, role)
        assert not lifecycle.allowed(State.CANCELLED, Action.EDIT, role)


def test_whose_signature_is_missing() -> None:
    assert lifecycle.missing_parties(State.AWAITING_SIGNATURES, ["employer"]) == [Party.APPRENTICE, Party.PROVIDER]
    assert lifecycle.missing_parties(State.SCHEDULED, []) == []
    assert lifecycle.missing_parties(State.COMPLETE, ["apprentice", "employer", "provider"]) == []


def test_the_pages_read_which_actions_are_open() -> None:
    assert lifecycle.actions_open(State.SCHEDULED, {Role.STAFF, Role.ASSESSOR}) == [
        Action.RESCHEDULE, Action.CANCEL, Action.HOLD,
    ]  # fmt: skip
    assert lifecycle.actions_open(State.AWAITING_SIGNATURES, {Role.APPRENTICE}) == [Action.EDIT, Action.SIGN]
    assert lifecycle.actions_open(State.CANCELLED, set(Role)) == []


def test_the_readme_shows_the_table_as_it_is() -> None:
    assert lifecycle.table() in README.read_text()
