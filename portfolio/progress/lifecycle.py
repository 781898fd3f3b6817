"""The lifecycle of a progress review: the one home of its rules.

    (none) ──schedule──▶ scheduled ──hold──▶ awaiting_signatures ──sign (the last of three)──▶ complete
                          │   ▲  reschedule         ▲        │ edit                              │
                          │   └──────┘              └────────┴────────────── edit ◀──────────────┘
                          └──cancel──▶ cancelled

What is here: the states (`ProgressReview.state`), the actions, which part (role) may take which action from
which state and where it leads, who signs for which party, and what an edit does to the signatures. The
services refuse exactly what `allowed()` refuses; the pages and the API ask `actions_open()` which buttons to
show; the reminders ask `missing_parties()` whose signature to chase. Adding a state or a sign-off changes this
file and its tests (and the model's choices, with a migration), nothing else.

It is pure: no queries. Who plays which part towards one review is worked out in portfolio/progress/roles.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


class State(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    AWAITING_SIGNATURES = "awaiting_signatures", "Held, awaiting signatures"
    COMPLETE = "complete", "Complete: signed by all three"
    CANCELLED = "cancelled", "Cancelled"


class Action(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    RESCHEDULE = "reschedule", "Change the date, time or attendees"
    CANCEL = "cancel", "Cancel"
    HOLD = "hold", "Record as held"
    EDIT = "edit", "Change the record"
    SIGN = "sign", "Sign"


class Role(models.TextChoices):
    """The part a person plays towards one review (not a membership: a tutor who held it is REVIEWER)."""

    APPRENTICE = "apprentice", "the apprentice"
    EMPLOYER = "employer", "a line manager or mentor of the apprenticeship's employer"
    REVIEWER = "reviewer", "the assessor or tutor who held the review"
    ASSESSOR = "assessor", "an assessor or tutor of the apprenticeship's provider"
    STAFF = "staff", "an assessor, tutor or admin of the apprenticeship's provider"


class Party(models.TextChoices):
    """The three who sign a held review; each writes their own words and may own an action."""

    APPRENTICE = "apprentice", "Apprentice"
    EMPLOYER = "employer", "Employer"
    PROVIDER = "provider", "Training provider"


# Who signs (and writes the words of) each party.
SIGNER: dict[Party, Role] = {
    Party.APPRENTICE: Role.APPRENTICE,
    Party.EMPLOYER: Role.EMPLOYER,
    Party.PROVIDER: Role.REVIEWER,
}
PARTY_OF: dict[Role, Party] = {role: party for party, role in SIGNER.items()}


@dataclass(frozen=True)
class Rule:
    action: Action
    role: Role
    sources: frozenset[State | None]
    target: State


def _rule(action: Action, role: Role, sources: Iterable[State | None], target: State) -> Rule:
    return Rule(action, role, frozenset(sources), target)


S = State
NEW = None  # no review yet: the source of "schedule"
HELD = (S.AWAITING_SIGNATURES, S.COMPLETE)
# The table. An (action, role) pair that is not here, or a state not among its sources, is refused.
RULES: tuple[Rule, ...] = (
    #     action             who              from                    to
    _rule(Action.SCHEDULE,   Role.STAFF,      [NEW],                  S.SCHEDULED),
    _rule(Action.RESCHEDULE, Role.STAFF,      [S.SCHEDULED],          S.SCHEDULED),
    _rule(Action.CANCEL,     Role.STAFF,      [S.SCHEDULED],          S.CANCELLED),
    # Any assessor or tutor of the provider may record it (the one named may be away); they become its reviewer.
    _rule(Action.HOLD,       Role.ASSESSOR,   [S.SCHEDULED],          S.AWAITING_SIGNATURES),
    # Each party changes their own words (the reviewer also the actions): every live signature then ends, as a
    # review decision does when its evidence changes, and the record waits for three signatures again.
    _rule(Action.EDIT,       Role.APPRENTICE, HELD,                   S.AWAITING_SIGNATURES),
    _rule(Action.EDIT,       Role.EMPLOYER,   HELD,                   S.AWAITING_SIGNATURES),
    _rule(Action.EDIT,       Role.REVIEWER,   HELD,                   S.AWAITING_SIGNATURES),
    # A signature keeps it waiting until the last of the three, which completes it (`after_sign`).
    _rule(Action.SIGN,       Role.APPRENTICE, [S.AWAITING_SIGNATURES], S.AWAITING_SIGNATURES),
    _rule(Action.SIGN,       Role.EMPLOYER,   [S.AWAITING_SIGNATURES], S.AWAITING_SIGNATURES),
    _rule(Action.SIGN,       Role.REVIEWER,   [S.AWAITING_SIGNATURES], S.AWAITING_SIGNATURES),
)  # fmt: skip

# The states a review may be in while the next one is being prepared: one scheduled review per apprenticeship.
OPEN = frozenset({S.SCHEDULED})
# The states of a review that was held: its date is where the clock of the next one starts.
HELD_STATES = frozenset(HELD)
# A held review counts as complete once every party has signed the record as it is now.
EVERY_PARTY = frozenset(Party)

_SOURCES: dict[tuple[Action, Role], frozenset[State | None]] = {(r.action, r.role): r.sources for r in RULES}
_TARGET: dict[tuple[Action, Role], State] = {(r.action, r.role): r.target for r in RULES}


def allowed(state: State | str | None, action: Action | str, role: Role | str) -> bool:
    """May someone in `role` take `action` on a review in `state` (None: there is no review yet)?"""
    source = State(state) if state is not None else None
    return source in _SOURCES.get((Action(action), Role(role)), frozenset())


def lands_in(action: Action | str, role: Role | str) -> State:
    return _TARGET[(Action(action), Role(role))]


def after_sign(signed: Iterable[Party | str]) -> State:
    """The state once these parties have live signatures: complete when all three have signed."""
    return S.COMPLETE if {Party(p) for p in signed} >= EVERY_PARTY else S.AWAITING_SIGNATURES


def missing_parties(state: State | str, signed: Iterable[Party | str]) -> list[Party]:
    """Whose signature a review in `state` still waits for (nobody's before it is held or once cancelled)."""
    if State(state) != S.AWAITING_SIGNATURES:
        return []
    done = {Party(p) for p in signed}
    return [party for party in Party if party not in done]


def actions_open(state: State | str | None, roles: Iterable[Role | str]) -> list[Action]:
    """The actions someone holding `roles` towards a review in `state` may take now, in the table's order."""
    held = {Role(r) for r in roles}
    found: list[Action] = []
    for rule in RULES:
        if rule.role in held and allowed(state, rule.action, rule.role) and rule.action not in found:
            found.append(rule.action)
    return found


def roles_for(action: Action | str) -> tuple[Role, ...]:
    return tuple(r.role for r in RULES if r.action == Action(action))


def table() -> str:
    """The table as the README shows it; a test checks the README shows it as it is."""
    lines = ["| action | who | from | to |", "|---|---|---|---|"]
    for r in RULES:
        sources = ", ".join("(none)" if s is None else s.value for s in sorted(r.sources, key=_order))
        target = "complete once all three have signed, else awaiting_signatures" if r.action == Action.SIGN else (
            r.target.value
        )  # fmt: skip
        lines.append(f"| {r.action.value} | {r.role.label} | {sources} | {target} |")
    return "\n".join(lines)


def _order(state: State | None) -> int:
    return -1 if state is None else list(State).index(state)
