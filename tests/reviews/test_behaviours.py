from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portfolio.audit.models import AuditEntry
from portfolio.reviews.selectors.behaviours import behaviour_list_for_apprenticeship
from portfolio.reviews.services.behaviours import behaviour_confirm, behaviour_confirmation_withdraw
from tests.factories import StatementFactory, World
from tests.reviews.conftest import dirty_generation

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 11, 3)


def _behaviours(world: World) -> None:
    for code in ("B1", "B2", "K1"):
        StatementFactory.create(standard=world.standard, code=code)


def test_an_employer_contact_confirms_once_and_can_withdraw(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    _behaviours(own)
    [b1] = behaviour_confirm(
        actor=own.mentor, apprenticeship=own.apprenticeship, statement_codes=["b1"], confirmed_on=DAY, comment="Always"
    )
    assert dirty_generation(own.apprenticeship) == 1
    with pytest.raises(ValidationError) as error:
        behaviour_confirm(
            actor=own.line_manager, apprenticeship=own.apprenticeship, statement_codes=["B1"], confirmed_on=DAY,
            comment="again",
        )  # fmt: skip
    assert "already confirmed" in str(error.value)

    behaviour_confirmation_withdraw(actor=own.line_manager, confirmation=b1)
    assert dirty_generation(own.apprenticeship) == 2
    b1.refresh_from_db()
    assert b1.withdrawn_at is not None
    assert b1.withdrawn_by == own.line_manager
    behaviour_confirm(
        actor=own.line_manager,
        apprenticeship=own.apprenticeship,
        statement_codes=["B1"],
        confirmed_on=DAY,
        comment="ok",
    )
    [status_b1, status_b2] = behaviour_list_for_apprenticeship(apprenticeship=own.apprenticeship)
    assert status_b1.confirmation is not None
    assert len(status_b1.history) == 2
    assert status_b2.confirmation is None
    actions = AuditEntry.objects.filter(action__startswith="behaviour.").values_list("action", flat=True)
    assert sorted(actions) == ["behaviour.confirmed", "behaviour.confirmed", "behaviour.withdrawn"]
    with pytest.raises(ValidationError):
        behaviour_confirmation_withdraw(actor=own.line_manager, confirmation=b1)


def test_bad_confirmations_are_named(worlds: tuple[World, World]) -> None:
    own, _ = worlds
    _behaviours(own)
    with pytest.raises(ValidationError) as error:
        behaviour_confirm(
            actor=own.mentor, apprenticeship=own.apprenticeship, statement_codes=["K1", "B9"],
            confirmed_on=timezone.localdate() + datetime.timedelta(days=1), comment="",
        )  # fmt: skip
    errors = error.value.message_dict
    assert set(errors) == {"statements", "comment", "confirmed_on"}


@pytest.mark.parametrize("who", ["apprentice", "tutor", "assessor", "admin"])
def test_only_employer_contacts_confirm_behaviours(worlds: tuple[World, World], who: str) -> None:
    own, other = worlds
    _behaviours(own)
    for actor in (getattr(own, who), other.line_manager):
        with pytest.raises(PermissionDenied):
            behaviour_confirm(
                actor=actor, apprenticeship=own.apprenticeship, statement_codes=["B1"], confirmed_on=DAY, comment="x"
            )
