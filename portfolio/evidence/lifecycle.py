"""The review state machine of an evidence item: the one home of its rules.

What is here: the states (the `Evidence.state` choices), the decisions (the `ReviewDecision.action`
choices), which part (role) may take which decision from which state and where it leads, what a provider's
review policy changes, what a change to the evidence does to a sign-off, and which states count toward
coverage. The review services refuse exactly what `allowed()` refuses; the queues, the notifications and the
apprentice's "waiting" list ask `waits_for()` / `states_awaiting()` who an item waits for; the pages ask
`allowed()` which buttons to show. Nothing else states these rules, so adding a state or a decision changes
this file (and its tests; a new state or decision also needs a migration of the model choices).

It is pure: no queries, no models. Who holds which role towards one item is worked out elsewhere
(portfolio/evidence/roles.py: apprentice, author; portfolio/reviews/roles.py: employer, provider), and the
provider's policy is read by the caller and passed in as `Steps` (`ReviewPolicy.steps`).

It lives with the evidence, not with the reviews, because evidence is captured before anyone reviews it:
portfolio/reviews imports portfolio/evidence, never the other way, and both read this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CONFIRMED = "confirmed", "Confirmed by employer"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned for changes"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Action(models.TextChoices):
    """A review decision (each one is a ReviewDecision row)."""

    SUBMIT = "submit", "Submitted"
    CONFIRM = "confirm", "Confirmed by employer"
    ACCEPT = "accept", "Accepted by provider"
    RETURN = "return", "Returned"
    WITHDRAW = "withdraw", "Withdrawn"


class Role(models.TextChoices):
    """The part a person plays towards one item (not a membership: an assessor is PROVIDER, say)."""

    APPRENTICE = "apprentice", "the apprentice"
    AUTHOR = "author", "the author of a witness testimony or observation record"
    EMPLOYER = "employer", "a line manager or mentor of the apprenticeship's employer"
    PROVIDER = "provider", "an assessor or tutor of the apprenticeship's provider"


@dataclass(frozen=True)
class Steps:
    """The sign-off steps a provider's review policy keeps (both, by default)."""

    employer: bool = True  # ReviewPolicy.require_employer_confirmation
    provider: bool = True  # ReviewPolicy.require_provider_acceptance

    def keeps(self, role: Role) -> bool:
        return {Role.EMPLOYER: self.employer, Role.PROVIDER: self.provider}[role]

    @property
    def label(self) -> str:
        kept = [name for name, on in (("employer", self.employer), ("provider", self.provider)) if on]
        return " and ".join(kept) + (" steps" if len(kept) == 2 else " step only") if kept else "no steps"


ALL_STEPS = Steps()
EVERY_POLICY = (Steps(True, True), Steps(False, True), Steps(True, False), Steps(False, False))


@dataclass(frozen=True)
class Rule:
    action: Action
    role: Role
    sources: frozenset[State]
    target: State


def _rule(action: Action, role: Role, sources: Iterable[State], target: State) -> Rule:
    return Rule(action, role, frozenset(sources), target)


S = State
# The table. A (decision, role) pair that is not here, or a state not among its sources, is refused.
RULES: tuple[Rule, ...] = (
    #     decision         who              from                                               to
    _rule(Action.SUBMIT,   Role.APPRENTICE, [S.DRAFT, S.RETURNED],                             S.SUBMITTED),
    _rule(Action.SUBMIT,   Role.AUTHOR,     [S.DRAFT, S.RETURNED],                             S.SUBMITTED),
    _rule(Action.CONFIRM,  Role.EMPLOYER,   [S.SUBMITTED],                                     S.CONFIRMED),
    _rule(Action.ACCEPT,   Role.PROVIDER,   [S.CONFIRMED],                                     S.ACCEPTED),
    # An employer contact returns what waits for them; the provider may also take back what it accepted
    # (an assessor who finds a problem later must be able to stop it counting).
    _rule(Action.RETURN,   Role.EMPLOYER,   [S.SUBMITTED],                                     S.RETURNED),
    _rule(Action.RETURN,   Role.PROVIDER,   [S.SUBMITTED, S.CONFIRMED, S.ACCEPTED],            S.RETURNED),
    # Withdrawn evidence is kept with its history and never submitted again (a draft is deleted instead).
    _rule(Action.WITHDRAW, Role.APPRENTICE, [S.SUBMITTED, S.CONFIRMED, S.ACCEPTED, S.RETURNED], S.WITHDRAWN),
)  # fmt: skip


# The states in which an item waits for a sign-off, whose, and the decision that ends the wait. The policy
# may drop a step: a decision that would land in a dropped step's state goes on to the next one (with no
# employer step, a submission lands in confirmed), and an item already waiting in one (reopened by a change,
# or waiting when the policy changed) waits for the next step instead: with no employer step, submitted
# counts as confirmed.
@dataclass(frozen=True)
class Wait:
    role: Role
    decision: Action


WAITS: dict[State, Wait] = {
    S.SUBMITTED: Wait(Role.EMPLOYER, Action.CONFIRM),
    S.CONFIRMED: Wait(Role.PROVIDER, Action.ACCEPT),
}

# Every item starts as a draft; every other state is reached by a decision.
INITIAL = S.DRAFT

# What a change to a counted part (fields, files, tags) does in each state: a sign-off covers one version,
# so signed-off evidence goes back to submitted for a fresh one; None: no change is allowed (withdrawn
# evidence is kept as it was).
AFTER_CHANGE: dict[State, State | None] = {
    S.DRAFT: S.DRAFT,
    S.SUBMITTED: S.SUBMITTED,
    S.CONFIRMED: S.SUBMITTED,
    S.ACCEPTED: S.SUBMITTED,
    S.RETURNED: S.RETURNED,
    S.WITHDRAWN: None,
}

# Whether an item in this state may count toward coverage (only its accepted tags ever do). Returned and
# withdrawn items stop counting; a draft has never been decided on.
COUNTS: dict[State, bool] = {
    S.DRAFT: False,
    S.SUBMITTED: True,
    S.CONFIRMED: True,
    S.ACCEPTED: True,
    S.RETURNED: False,
    S.WITHDRAWN: False,
}

_SOURCES: dict[tuple[Action, Role], frozenset[State]] = {(r.action, r.role): r.sources for r in RULES}
_TARGET: dict[Action, State] = {r.action: r.target for r in RULES}


def counts_as(state: State | str, steps: Steps) -> State:
    """The state an item is treated as being in under this policy: one waiting for a dropped step waits for
    the next step. Only a decision signs off, so nothing counts as accepted without one (with neither step,
    a reopened item waits for the provider)."""
    state = State(state)
    while state in WAITS and not steps.keeps(WAITS[state].role):
        following = _TARGET[WAITS[state].decision]
        if following not in WAITS:
            break
        state = following
    return state


def allowed(state: State | str, action: Action | str, role: Role | str, steps: Steps) -> bool:
    """May someone in `role` take `action` on an item in `state`, under the provider's policy `steps`?"""
    return counts_as(state, steps) in _SOURCES.get((Action(action), Role(role)), frozenset())


def from_states(action: Action | str, role: Role | str, steps: Steps) -> tuple[State, ...]:
    """The states `role` may take `action` from under this policy, in the order of the choices."""
    return tuple(state for state in State if allowed(state, action, role, steps))


def roles_for(action: Action | str) -> tuple[Role, ...]:
    """The roles the table lets take `action` from some state."""
    return tuple(r.role for r in RULES if r.action == action)


def lands_in(action: Action | str, steps: Steps) -> State:
    """Where `action` takes an item under this policy: a state waiting for a dropped step is skipped (with
    neither step, a submission is accepted at once)."""
    state = _TARGET[Action(action)]
    while state in WAITS and not steps.keeps(WAITS[state].role):
        state = _TARGET[WAITS[state].decision]
    return state


def waits_for(state: State | str, steps: Steps) -> Role | None:
    """Whose sign-off an item in `state` waits for under this policy (None: nobody's)."""
    wait = WAITS.get(counts_as(state, steps))
    return wait.role if wait else None


def states_awaiting(role: Role | str, steps: Steps) -> frozenset[State]:
    """The states in which an item waits for `role`'s sign-off under this policy: that role's queue."""
    return frozenset(state for state in State if waits_for(state, steps) == role)


def decided(state: State | str) -> bool:
    """Has an item in `state` been decided on (submitted at least once)?"""
    return State(state) != INITIAL


def in_review(state: State | str) -> bool:
    """Does an item in `state` wait for someone's sign-off (whoever's it is under the provider's policy)?"""
    return State(state) in WAITS


def change_allowed(state: State | str) -> bool:
    return AFTER_CHANGE[State(state)] is not None


def after_change(state: State | str) -> State:
    """The state a change to a counted part leaves the item in (ValueError where no change is allowed)."""
    following = AFTER_CHANGE[State(state)]
    if following is None:
        raise ValueError(f"evidence that is {State(state).label.lower()} cannot change")
    return following


def change_reopens(state: State | str) -> bool:
    """Does a change send the item back for a fresh sign-off?"""
    return change_allowed(state) and after_change(state) != State(state)


def not_counting_states() -> tuple[State, ...]:
    return tuple(state for state in State if not COUNTS[state])


# The README ("Reviews and sign-off") shows these tables; a test checks it shows them as they are.


def _names(states: Iterable[State]) -> str:
    return ", ".join(state.value for state in State if state in set(states)) or "none"


def decisions_table() -> str:
    lines = ["| decision | who | from | to (with both steps) |", "|---|---|---|---|"]
    for r in RULES:
        lines.append(f"| {r.action.value} | {r.role.label} | {_names(r.sources)} | {r.target.value} |")
    return "\n".join(lines)


def _lands(action: Action, steps: Steps) -> str:
    if not any(from_states(action, role, steps) for role in roles_for(action)):
        return "no such step"
    return lands_in(action, steps).value


def policy_table() -> str:
    roles = [Role.EMPLOYER, Role.PROVIDER]
    head = "| policy | submit lands in | confirm lands in | " + " | ".join(f"waits for the {r.value}" for r in roles)
    lines = [head + " |", "|---" * (3 + len(roles)) + "|"]
    for steps in EVERY_POLICY:
        cells = [steps.label] + [_lands(action, steps) for action in (Action.SUBMIT, Action.CONFIRM)]
        cells += [_names(states_awaiting(role, steps)) for role in roles]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def change_table() -> str:
    lines = ["| state | after a change to its fields, files or tags | may count toward coverage |", "|---|---|---|"]
    for state in State:
        following = AFTER_CHANGE[state]
        after = "refused: it changes no more" if following is None else following.value
        lines.append(f"| {state.value} | {after} | {'yes' if COUNTS[state] else 'no'} |")
    return "\n".join(lines)
