"""The services, queues and review page do exactly what the lifecycle's table says, under every policy.

For every policy x state x decision x role, the service is called by a person in that role on an item in
that state: it succeeds (and lands where lands_in() says) exactly when allowed() says so; otherwise it
refuses, 403 for a role the table never lets take the decision, 409 wrong_state for one it does elsewhere.
The expectations themselves are written out in tests/evidence/test_lifecycle.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client

from portfolio.core.errors import Conflict
from portfolio.evidence import lifecycle
from portfolio.evidence.lifecycle import Action, Role, State, Steps
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.review_page import reviewer_for
from portfolio.reviews.selectors.apprentice import waiting_list_for_apprentice
from portfolio.reviews.selectors.queues import acceptance_queue_for_user, confirmation_queue_for_user
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from portfolio.reviews.services.withdraw import evidence_withdraw
from tests.factories import EvidenceFactory, World

pytestmark = pytest.mark.django_db

SERVICES: dict[Action, Callable[[Any, Evidence], Any]] = {
    Action.SUBMIT: lambda who, e: evidence_submit(actor=who, evidence=e, expected_version=e.version),
    Action.CONFIRM: lambda who, e: evidence_confirm(actor=who, evidence=e, expected_version=e.version),
    Action.ACCEPT: lambda who, e: evidence_accept(
        actor=who, evidence=e, expected_version=e.version, tags=[TagVerdict("K1", True), TagVerdict("S1", True)]
    ),
    Action.RETURN: lambda who, e: evidence_return(actor=who, evidence=e, expected_version=e.version, comment="Why."),
    Action.WITHDRAW: lambda who, e: evidence_withdraw(actor=who, evidence=e, expected_version=e.version),
}


class _Undo(Exception):
    """Raised to roll a case back, so every case starts from the same item."""


def _people(world: World) -> dict[Role, Any]:
    # The author is the IQA: provider staff who may write an observation record but holds no reviewer part,
    # so a success in the author's name can only come from the author's row of the table.
    return {
        Role.APPRENTICE: world.apprentice,
        Role.AUTHOR: world.iqa,
        Role.EMPLOYER: world.line_manager,
        Role.PROVIDER: world.assessor,
    }


def _set_policy(world: World, steps: Steps) -> None:
    ReviewPolicy.objects.update_or_create(
        provider=world.provider,
        defaults={ReviewPolicy.STEP_FIELDS[step]: getattr(steps, step) for step in ReviewPolicy.STEP_FIELDS},
    )


def _put_in(evidence: Evidence, state: State) -> None:
    # Written directly, on purpose, whatever history would lead there (and however the tags and decisions of a
    # real item in that state would look): the test compares each service's answer with the table's, state by
    # state, not the ways to each state.
    Evidence.objects.filter(pk=evidence.pk).update(state=state, ever_submitted=lifecycle.decided(state))
    evidence.refresh_from_db()


def _outcome(action: Action, who: Any, evidence: Evidence) -> str:
    try:
        SERVICES[action](who, evidence)
    except PermissionDenied:
        return "forbidden"
    except Conflict as exc:
        return exc.code
    evidence.refresh_from_db()
    return f"done: {evidence.state}"


@pytest.mark.parametrize("steps", lifecycle.EVERY_POLICY, ids=lambda s: s.label.replace(" ", "-"))
def test_the_services_refuse_exactly_what_the_table_refuses(worlds: tuple[World, World], steps: Steps) -> None:
    own, _ = worlds
    _set_policy(own, steps)
    people = _people(own)
    evidence = EvidenceFactory.create(
        apprenticeship=own.apprenticeship, author=own.iqa, kind=Evidence.Kind.OBSERVATION_RECORD, title="Observed"
    )
    wrong = []
    for state, action, role in itertools.product(State, Action, Role):
        if lifecycle.allowed(state, action, role, steps):
            expected = f"done: {lifecycle.lands_in(action, steps).value}"
        elif role in lifecycle.roles_for(action):
            expected = "wrong_state"
        else:
            expected = "forbidden"
        try:
            with transaction.atomic():
                _put_in(evidence, state)
                got = _outcome(action, people[role], evidence)
                raise _Undo
        except _Undo:
            pass
        if got != expected:
            wrong.append(f"{role.value} {action.value} from {state.value}: {got}, the table says {expected}")
    assert wrong == []


@pytest.mark.parametrize("steps", lifecycle.EVERY_POLICY, ids=lambda s: s.label.replace(" ", "-"))
def test_the_queues_and_the_review_page_follow_the_table(worlds: tuple[World, World], steps: Steps) -> None:
    own, _ = worlds
    # Items in every state, reached under the default policy; then the provider changes it (items keep their
    # state: an item waiting for a step the policy dropped waits for the next one).
    items = {state: EvidenceFactory.create(apprenticeship=own.apprenticeship, state=state) for state in State}
    _set_policy(own, steps)
    for state, evidence in items.items():
        waiting = lifecycle.waits_for(state, steps)
        assert (evidence in confirmation_queue_for_user(user=own.line_manager)) is (waiting == Role.EMPLOYER)
        assert (evidence in acceptance_queue_for_user(user=own.assessor)) is (waiting == Role.PROVIDER)
        for role in (Role.EMPLOYER, Role.PROVIDER):
            listed = waiting_list_for_apprentice(user=own.apprentice, waiting_on=role.value)
            assert (evidence in listed) is (waiting == role), (state, role)
        for user, role in ((own.line_manager, Role.EMPLOYER), (own.tutor, Role.PROVIDER)):
            reviewer = reviewer_for(user=user, evidence=evidence)
            buttons = (reviewer.can_confirm, reviewer.can_accept, reviewer.can_return)
            decisions = (Action.CONFIRM, Action.ACCEPT, Action.RETURN)
            assert buttons == tuple(lifecycle.allowed(state, a, role, steps) for a in decisions), (state, role)


def test_without_an_employer_step_the_employer_may_not_confirm_or_return_submitted_evidence(
    worlds: tuple[World, World], client: Client
) -> None:
    # Such an item (reopened by a change, or submitted before the policy changed) waits for the provider: the
    # employer's queue does not show it and nobody tells the employer about it, so they do not decide on it.
    own, _ = worlds
    evidence = EvidenceFactory.create(apprenticeship=own.apprenticeship, state="submitted")  # before the change
    _set_policy(own, Steps(employer=False, provider=True))
    with pytest.raises(Conflict) as error:
        evidence_confirm(actor=own.mentor, evidence=evidence, expected_version=evidence.version)
    assert error.value.code == "wrong_state"
    assert error.value.message == (
        "Evidence that is submitted cannot be confirmed: the provider's review policy has no employer step, so "
        "it waits for an assessor or tutor of the apprenticeship's provider."
    )
    client.force_login(own.line_manager)
    url = f"/api/evidence/{evidence.public_id}/return/"
    response = client.post(url, {"expected_version": evidence.version, "comment": "No."}, "application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    assert "has no employer step" in response.json()["message"]
    page = client.get(f"/reviews/evidence/{evidence.public_id}/").content.decode()
    assert 'value="confirm"' not in page
    assert 'value="return"' not in page
    evidence_accept(
        actor=own.assessor, evidence=evidence, expected_version=evidence.version,
        tags=[TagVerdict("K1", True), TagVerdict("S1", True)],
    )  # fmt: skip
