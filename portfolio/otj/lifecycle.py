"""The lifecycle of an OTJ activity, in one table: who may do what to an entry in which state.

    action    from                 to         who
    log       -                    pending    the apprentice, or provider staff (assessor, tutor, admin) for them
    edit      pending              pending    whoever logged it
    delete    pending              -          whoever logged it
    approve   pending              approved   provider staff (assessor, tutor, admin), not the person who logged it
    decline   pending              declined   the same, with a comment
    reverse   approved / declined  declined / approved   the same, with a comment

Approved and declined entries are final for the person who logged them; only a reversal (audit-logged, with a
comment saying why) changes a decision. Only approved minutes count towards the hours.
"""

from __future__ import annotations

from typing import Any

from portfolio.otj.models import OtjActivity
from portfolio.people.models import Apprenticeship, Membership

State = OtjActivity.State

# Provider staff who log on an apprentice's behalf and decide entries. An IQA samples decisions, so does not take
# them (as for evidence, portfolio/reviews/roles.py).
STAFF_ROLES = (Membership.Role.ASSESSOR, Membership.Role.TUTOR, Membership.Role.PROVIDER_ADMIN)
APPRENTICE = "apprentice"

# action: (states it starts from, the state it leaves the entry in, a comment is required)
DECISIONS: dict[str, tuple[frozenset[str], dict[str, str], bool]] = {
    "approve": (frozenset({State.PENDING}), {State.PENDING: State.APPROVED}, False),
    "decline": (frozenset({State.PENDING}), {State.PENDING: State.DECLINED}, True),
    "reverse": (
        frozenset({State.APPROVED, State.DECLINED}),
        {State.APPROVED: State.DECLINED, State.DECLINED: State.APPROVED},
        True,
    ),
}
EDITABLE_STATES = frozenset({State.PENDING})
# Entries that take up time: a declined entry frees its slot (it did not happen as logged).
COUNTED_FOR_RULES = (State.PENDING, State.APPROVED)
PAST = {"approve": "approved", "decline": "declined", "reverse": "reversed"}


def staff_role(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    """The user's staff role at the apprenticeship's provider (the first of STAFF_ROLES they hold), or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    held = set(
        Membership.objects.filter(
            user=user, organisation_id=apprenticeship.provider_id, is_active=True, role__in=STAFF_ROLES
        ).values_list("role", flat=True)
    )
    return next((role for role in STAFF_ROLES if role in held), None)


def logger_role(*, user: Any, apprenticeship: Apprenticeship) -> str | None:
    """Who may log an entry for this apprenticeship: the apprentice, or staff of its provider."""
    if getattr(user, "pk", None) == apprenticeship.apprentice_id and user.is_active:
        return APPRENTICE
    return staff_role(user=user, apprenticeship=apprenticeship)


def may_change(*, user: Any, activity: OtjActivity) -> bool:
    """Edit or delete: the person who logged it, while it is pending."""
    return activity.state in EDITABLE_STATES and activity.logged_by_id == getattr(user, "pk", None)


def may_decide(*, user: Any, activity: OtjActivity) -> bool:
    """Approve, decline or reverse: provider staff of the apprenticeship, never on an entry they logged."""
    if activity.logged_by_id == getattr(user, "pk", None):
        return False
    return staff_role(user=user, apprenticeship=activity.apprenticeship) is not None


def decisions_open(*, activity: OtjActivity) -> list[str]:
    """The decisions that apply to an entry in its current state."""
    return [action for action, (sources, _, _) in DECISIONS.items() if activity.state in sources]
