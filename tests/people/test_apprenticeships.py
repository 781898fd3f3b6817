from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError

from portfolio.audit.models import AuditEntry
from portfolio.people.models import Apprenticeship, Invitation, User
from portfolio.people.services.apprenticeships import apprenticeship_create, apprenticeship_update
from tests.factories import StandardFactory, UserFactory, make_world

pytestmark = pytest.mark.django_db


def _create(world: Any, **overrides: Any) -> Any:
    arguments = {
        "actor": world.admin,
        "provider": world.provider,
        "employer": world.employer,
        "apprentice_email": "new.apprentice@example.org",
        "standard": world.standard,
        "option": world.standard.options.first(),
        "start_date": datetime.date(2025, 9, 1),
        "planned_end_date": datetime.date(2027, 6, 30),
    }
    arguments.update(overrides)
    return apprenticeship_create(**arguments)


def test_an_option_of_another_standard_is_refused() -> None:
    world = make_world()
    foreign = StandardFactory.create(options=("Elsewhere",)).options.get()
    with pytest.raises(ValidationError, match="option of another standard"):
        _create(world, option=foreign)
    assert not Apprenticeship.objects.filter(apprentice__email="new.apprentice@example.org").exists()


def test_the_option_is_required_when_the_standard_has_options() -> None:
    world = make_world()
    with pytest.raises(ValidationError, match="has options; choose one: Route A, Route B"):
        _create(world, option=None)


def test_a_standard_without_options_takes_none() -> None:
    world = make_world()
    plain = StandardFactory.create()
    apprenticeship, _ = _create(world, standard=plain, option=None)
    assert apprenticeship.option is None


def test_update_cannot_move_to_a_foreign_option_or_drop_a_required_one() -> None:
    world = make_world()
    foreign = StandardFactory.create(options=("Elsewhere",)).options.get()
    with pytest.raises(ValidationError):
        apprenticeship_update(actor=world.admin, apprenticeship=world.apprenticeship, option=foreign)
    with pytest.raises(ValidationError):
        apprenticeship_update(actor=world.admin, apprenticeship=world.apprenticeship, option=None)
    other = world.standard.options.exclude(apprenticeships=world.apprenticeship).get()
    assert apprenticeship_update(actor=world.admin, apprenticeship=world.apprenticeship, option=other).option == other


def test_an_option_in_use_cannot_be_deleted_by_a_reimport() -> None:
    world = make_world()
    option = world.apprenticeship.option
    assert option is not None
    with pytest.raises(ProtectedError):
        option.delete()


def test_create_invites_a_new_apprentice_and_writes_the_audit_log() -> None:
    world = make_world()
    apprenticeship, issued = _create(world)
    assert issued is not None
    assert issued.invitation.apprenticeship == apprenticeship
    assert issued.invitation.role == Invitation.APPRENTICE
    entry = AuditEntry.objects.get(action="apprenticeship.create", target_public_id=apprenticeship.public_id)
    assert entry.actor == world.admin
    assert entry.changes["option"] == str(apprenticeship.option.public_id)


def test_create_links_an_existing_account_without_inviting() -> None:
    world = make_world()
    existing = UserFactory.create(email="returning@example.org")
    apprenticeship, issued = _create(world, apprentice_email="RETURNING@example.org")
    assert apprenticeship.apprentice == existing
    assert issued is None
    assert User.objects.filter(email="returning@example.org").count() == 1


def test_only_an_admin_of_that_provider_creates() -> None:
    own, other = make_world(), make_world()
    with pytest.raises(PermissionDenied):
        _create(own, actor=own.tutor)
    with pytest.raises(PermissionDenied):
        _create(own, actor=other.admin)


def test_the_employer_must_belong_to_the_provider() -> None:
    own, other = make_world(), make_world()
    with pytest.raises(ValidationError, match="employer this provider works with"):
        _create(own, employer=other.employer)


def test_assigned_people_must_hold_the_role_there() -> None:
    own, other = make_world(), make_world()
    with pytest.raises(ValidationError, match="not an active tutor"):
        _create(own, tutor=own.assessor)
    with pytest.raises(ValidationError, match="not an active line manager"):
        _create(own, line_manager=other.line_manager)
    apprenticeship, _ = _create(own, tutor=own.tutor, assessor=own.assessor, mentor=own.mentor)
    assert (apprenticeship.tutor, apprenticeship.mentor) == (own.tutor, own.mentor)


def test_the_planned_end_must_follow_the_start() -> None:
    with pytest.raises(ValidationError, match="after the start date"):
        _create(make_world(), planned_end_date=datetime.date(2025, 8, 1))


def test_update_records_what_changed() -> None:
    world = make_world()
    apprenticeship_update(actor=world.admin, apprenticeship=world.apprenticeship, status="break_in_learning")
    entry = AuditEntry.objects.get(action="apprenticeship.update")
    assert entry.changes == {"status": ["in_learning", "break_in_learning"]}
    apprenticeship_update(actor=world.admin, apprenticeship=world.apprenticeship, status="break_in_learning")
    assert AuditEntry.objects.filter(action="apprenticeship.update").count() == 1  # no change, no entry
