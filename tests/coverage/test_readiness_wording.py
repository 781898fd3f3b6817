"""Readiness is announced to the apprentice in the second person, and to everyone else by name."""

from __future__ import annotations

import pytest

from portfolio.notify.models import Notification
from tests.coverage.test_coverage_rules import _recompute, setup  # noqa: F401 - setup is a fixture
from tests.factories import BehaviourConfirmationFactory, EvidenceFactory


@pytest.mark.django_db
def test_the_apprentice_is_told_you_are_ready_and_reviewers_are_told_their_name(setup: tuple) -> None:  # noqa: F811
    catalogue, world = setup
    s, a = catalogue.statements, world.apprenticeship
    EvidenceFactory.create(apprenticeship=a, files=0, tags=("K3", "S3"), state="accepted")
    BehaviourConfirmationFactory.create(apprenticeship=a, statement=s["B1"], confirmed_by=world.line_manager)
    BehaviourConfirmationFactory.create(apprenticeship=a, statement=s["B2"], confirmed_by=world.line_manager)
    Notification.objects.all().delete()

    assert _recompute(a.pk).ready is True

    own = Notification.objects.get(recipient=world.apprentice, kind="readiness.ready")
    assert own.title.startswith("You are ready for gateway")
    name = world.apprentice.get_full_name() or world.apprentice.email
    others = Notification.objects.filter(kind="readiness.ready").exclude(recipient=world.apprentice)
    assert others.exists()
    assert {n.title.split(" is ready")[0] for n in others} == {name}
