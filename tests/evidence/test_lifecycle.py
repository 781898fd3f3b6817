"""The review state machine, table-driven: every state x decision x role x policy, written out here by hand.

A change to portfolio/evidence/lifecycle.py that changes who may do what fails one of these tests; change
the expectations here with it, on purpose. tests/reviews/test_lifecycle_services.py checks that the services,
queues and review page do exactly what the table says.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from portfolio.evidence import lifecycle
from portfolio.evidence.lifecycle import Action, Role, State, Steps
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision, ReviewPolicy

BOTH, NO_EMPLOYER, NO_PROVIDER, NEITHER = Steps(True, True), Steps(False, True), Steps(True, False), Steps(False, False)

# Per policy: (decision, role) -> the states it may be taken from. Anything not listed is refused.
_DEFAULT = {
    ("submit", "apprentice"): "draft returned",
    ("submit", "author"): "draft returned",
    ("confirm", "employer"): "submitted",
    ("accept", "provider"): "confirmed",
    ("return", "employer"): "submitted",
    ("return", "provider"): "submitted confirmed accepted",
    ("withdraw", "apprentice"): "submitted confirmed accepted returned",
}
# With no employer step, submitted counts as confirmed: the provider accepts it, the employer has no part.
_WITHOUT_EMPLOYER = {
    **_DEFAULT,
    ("confirm", "employer"): "",
    ("accept", "provider"): "submitted confirmed",
    ("return", "employer"): "",
}
ALLOWED: dict[Steps, dict[tuple[str, str], str]] = {
    BOTH: _DEFAULT,
    NO_PROVIDER: _DEFAULT,  # confirmed evidence still waits for an acceptance: only a decision signs off
    NO_EMPLOYER: _WITHOUT_EMPLOYER,
    NEITHER: _WITHOUT_EMPLOYER,
}

# Per policy: where a submission and a confirmation land.
LANDS = {
    BOTH: {"submit": "submitted", "confirm": "confirmed"},
    NO_EMPLOYER: {"submit": "confirmed", "confirm": "confirmed"},
    NO_PROVIDER: {"submit": "submitted", "confirm": "accepted"},
    NEITHER: {"submit": "accepted", "confirm": "accepted"},
}
FIXED_TARGETS = {"accept": "accepted", "return": "returned", "withdraw": "withdrawn"}

# Per policy: who each state waits for (its queue).
WAITS = {
    BOTH: {"submitted": "employer", "confirmed": "provider"},
    NO_EMPLOYER: {"submitted": "provider", "confirmed": "provider"},
    NO_PROVIDER: {"submitted": "employer", "confirmed": "provider"},
    NEITHER: {"submitted": "provider", "confirmed": "provider"},
}

AFTER_CHANGE = {
    "draft": "draft",
    "submitted": "submitted",
    "confirmed": "submitted",
    "accepted": "submitted",
    "returned": "returned",
    "withdrawn": None,
}
COUNTING = {"submitted", "confirmed", "accepted"}

CASES = list(itertools.product(lifecycle.EVERY_POLICY, State, Action, Role))


def test_every_policy_is_covered_once() -> None:
    assert set(ALLOWED) == set(lifecycle.EVERY_POLICY) == set(LANDS) == set(WAITS)
    assert len(lifecycle.EVERY_POLICY) == 4


def test_the_table_allows_exactly_what_is_written_here() -> None:
    wrong = [
        f"{steps.label}: {role.value} {action.value} from {state.value}: expected {expected}"
        for steps, state, action, role in CASES
        if lifecycle.allowed(state, action, role, steps)
        is not (expected := state.value in ALLOWED[steps].get((action.value, role.value), "").split())
    ]
    assert len(CASES) == 4 * 6 * 5 * 4
    assert wrong == []


def test_from_states_lists_the_allowed_states_in_the_order_of_the_choices() -> None:
    for steps, rows in ALLOWED.items():
        for (action, role), states in rows.items():
            assert [s.value for s in lifecycle.from_states(action, role, steps)] == states.split()
    assert lifecycle.from_states(Action.CONFIRM, Role.PROVIDER, BOTH) == ()


def test_only_the_listed_roles_take_each_decision() -> None:
    assert {a: set(lifecycle.roles_for(a)) for a in Action} == {
        Action.SUBMIT: {Role.APPRENTICE, Role.AUTHOR},
        Action.CONFIRM: {Role.EMPLOYER},
        Action.ACCEPT: {Role.PROVIDER},
        Action.RETURN: {Role.EMPLOYER, Role.PROVIDER},
        Action.WITHDRAW: {Role.APPRENTICE},
    }


@pytest.mark.parametrize("steps", lifecycle.EVERY_POLICY, ids=lambda s: s.label)
def test_a_decision_lands_where_the_policy_says(steps: Steps) -> None:
    for action in Action:
        expected = LANDS[steps].get(action.value) or FIXED_TARGETS[action.value]
        assert lifecycle.lands_in(action, steps) == expected, action


@pytest.mark.parametrize("steps", lifecycle.EVERY_POLICY, ids=lambda s: s.label)
def test_who_each_state_waits_for(steps: Steps) -> None:
    for state in State:
        waiting = lifecycle.waits_for(state, steps)
        assert (waiting.value if waiting else None) == WAITS[steps].get(state.value), state
    for role in (Role.EMPLOYER, Role.PROVIDER):
        expected = {state for state, who in WAITS[steps].items() if who == role.value}
        assert {s.value for s in lifecycle.states_awaiting(role, steps)} == expected
    assert lifecycle.states_awaiting(Role.APPRENTICE, steps) == frozenset()


def test_no_employer_step_means_submitted_counts_as_confirmed() -> None:
    assert lifecycle.counts_as(State.SUBMITTED, NO_EMPLOYER) == State.CONFIRMED
    assert lifecycle.counts_as(State.SUBMITTED, NEITHER) == State.CONFIRMED  # nothing is accepted undecided
    assert lifecycle.counts_as(State.CONFIRMED, NO_PROVIDER) == State.CONFIRMED
    assert all(lifecycle.counts_as(state, BOTH) == state for state in State)


def test_a_queue_holds_what_its_role_may_sign_off() -> None:
    # The queues read states_awaiting, the services allowed(): they must agree, or an item would wait for
    # someone who may not decide on it (or be decided by someone who never sees it waiting).
    sign_off = {Role.EMPLOYER: Action.CONFIRM, Role.PROVIDER: Action.ACCEPT}
    for steps, (role, action) in itertools.product(lifecycle.EVERY_POLICY, sign_off.items()):
        assert lifecycle.states_awaiting(role, steps) == frozenset(lifecycle.from_states(action, role, steps))


def test_what_a_change_does_in_each_state() -> None:
    for state in State:
        expected = AFTER_CHANGE[state.value]
        assert lifecycle.change_allowed(state) is (expected is not None)
        if expected is None:
            with pytest.raises(ValueError, match="cannot change"):
                lifecycle.after_change(state)
            assert not lifecycle.change_reopens(state)
        else:
            assert lifecycle.after_change(state) == expected
            assert lifecycle.change_reopens(state) is (expected != state.value)
    assert {s.value for s in State if lifecycle.change_reopens(s)} == {"confirmed", "accepted"}


def test_which_states_count_toward_coverage_and_which_wait_for_a_review() -> None:
    assert {s.value for s in State if lifecycle.COUNTS[s]} == COUNTING
    assert {s.value for s in lifecycle.not_counting_states()} == {"draft", "returned", "withdrawn"}
    assert {s.value for s in State if lifecycle.in_review(s)} == {"submitted", "confirmed"}
    assert [s.value for s in State if not lifecycle.decided(s)] == ["draft"]


def test_every_state_has_its_facts_and_every_decided_state_is_reachable() -> None:
    assert set(lifecycle.AFTER_CHANGE) == set(lifecycle.COUNTS) == set(State)
    reached = {lifecycle.INITIAL}
    for _ in State:
        reached |= {
            lifecycle.lands_in(action, steps)
            for steps, state, action, role in CASES
            if state in reached and lifecycle.allowed(state, action, role, steps)
        }
    assert reached == set(State)
    assert all(rule.target != lifecycle.INITIAL for rule in lifecycle.RULES)


def test_submitting_does_not_depend_on_the_policy() -> None:
    # The evidence page decides the "Submit for review" button without the policy (evidence cannot read it).
    for state, role in itertools.product(State, lifecycle.roles_for(Action.SUBMIT)):
        answers = {lifecycle.allowed(state, Action.SUBMIT, role, steps) for steps in lifecycle.EVERY_POLICY}
        assert len(answers) == 1, (state, role)


def test_the_models_choices_are_the_lifecycles() -> None:
    assert Evidence.State is State
    assert ReviewDecision.Action is Action
    assert Evidence._meta.get_field("state").default == lifecycle.INITIAL
    assert ReviewPolicy(require_employer_confirmation=False, require_provider_acceptance=True).steps == NO_EMPLOYER
    assert ReviewPolicy().steps == lifecycle.ALL_STEPS


def test_the_readme_shows_the_tables_as_they_are() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = re.search(r"^## Reviews and sign-off$(.*?)^## ", readme, flags=re.M | re.S)
    assert section, "README has no 'Reviews and sign-off' section"
    for table in (lifecycle.decisions_table(), lifecycle.policy_table(), lifecycle.change_table()):
        assert table in section.group(1), (
            "README's 'Reviews and sign-off' section must show this table as portfolio/evidence/lifecycle.py "
            f"makes it (paste it in):\n{table}"
        )
