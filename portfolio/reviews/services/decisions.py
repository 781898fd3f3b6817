"""The steps every review decision shares: lock, check the version the reviewer saw, record, invalidate."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone

from portfolio.core.errors import Conflict
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship
from portfolio.reviews.fingerprint import evidence_fingerprint
from portfolio.reviews.models import ReviewDecision

ACTION_PAST = {
    ReviewDecision.Action.SUBMIT: "submitted",
    ReviewDecision.Action.CONFIRM: "confirmed",
    ReviewDecision.Action.ACCEPT: "accepted",
    ReviewDecision.Action.RETURN: "returned",
    ReviewDecision.Action.WITHDRAW: "withdrawn",
}


def evidence_lock(*, evidence: Evidence, expected_version: int) -> Evidence:
    """Lock the row for the rest of the transaction and check it is still the version the person saw.

    The lock serialises concurrent reviewers: the second waits here until the first commits, then reads the
    version the first wrote and gets a conflict instead of deciding on something it has not seen.
    """
    locked = Evidence.objects.select_for_update().select_related("apprenticeship").get(pk=evidence.pk)
    _keep_apprentice(evidence, locked)
    if locked.version != expected_version:
        raise Conflict(
            _conflict_message(locked, expected_version),
            details={
                "expected_version": expected_version,
                "current_version": locked.version,
                "current_state": locked.state,
            },
        )
    return locked


def _keep_apprentice(seen: Evidence, locked: Evidence) -> None:
    """The apprentice read with the item as the person saw it (the scoped read joins them) stays with the locked
    row when it is the same person, so the decision's notification does not read them again."""
    if not Evidence.apprenticeship.is_cached(seen) or not Apprenticeship.apprentice.is_cached(seen.apprenticeship):
        return
    apprentice = seen.apprenticeship.apprentice
    if apprentice.pk == locked.apprenticeship.apprentice_id:
        locked.apprenticeship.apprentice = apprentice


def _conflict_message(evidence: Evidence, expected_version: int) -> str:
    latest = (
        ReviewDecision.objects.filter(evidence=evidence, evidence_version__gte=expected_version)
        .select_related("actor")
        .order_by("-decided_at", "-id")
        .first()
    )
    if latest is not None:
        when = timezone.localtime(latest.decided_at).strftime("%d %b %Y %H:%M")
        return (
            f"This evidence was {ACTION_PAST[ReviewDecision.Action(latest.action)]} by "
            f"{latest.actor.display_name} at {when} while you were looking at it. Reload it and decide again."
        )
    return (
        f"This evidence was changed while you were looking at it (you saw version {expected_version}, it is now "
        f"version {evidence.version}). Reload it and decide again."
    )


def decision_check(*, evidence: Evidence, action: str, role: lifecycle.Role, steps: lifecycle.Steps) -> None:
    """Refuse, as 409 wrong_state, a decision the lifecycle does not allow from the item's state."""
    if not lifecycle.allowed(evidence.state, action, role, steps):
        raise wrong_state(evidence, action, role, steps)


def wrong_state(evidence: Evidence, action: str, role: lifecycle.Role, steps: lifecycle.Steps) -> Conflict:
    state = Evidence.State(evidence.state).label.lower()
    past = ACTION_PAST[ReviewDecision.Action(action)]
    allowed = lifecycle.from_states(action, role, steps)
    if allowed:
        names = " or ".join(Evidence.State(s).label.lower() for s in allowed)
        message = f"Evidence that is {state} cannot be {past}; only evidence that is {names} can."
    else:
        # The provider's policy dropped this role's step: the item waits for someone else.
        waiting = lifecycle.waits_for(evidence.state, steps)
        then = f", so it waits for {waiting.label}" if waiting else ""
        step = lifecycle.Role(role).value
        message = f"Evidence that is {state} cannot be {past}: the provider's review policy has no {step} step{then}."
    return Conflict(
        message,
        code="wrong_state",
        details={"current_state": evidence.state, "current_version": evidence.version},
    )


def decision_invalidate_live(*, evidence: Evidence, reason: str) -> int:
    """End the current review round: mark every live decision invalidated (they stay, as history)."""
    return ReviewDecision.objects.filter(evidence=evidence, invalidated_at__isnull=True).update(
        invalidated_at=timezone.now(), invalidation_reason=reason
    )


def decision_record(
    *, evidence: Evidence, action: str, actor: Any, actor_role: str, to_state: str, comment: str = ""
) -> ReviewDecision:
    """Write the decision with the fingerprint of the version decided on, then move the item on.

    Every decision makes a new version (the version counts changes of state as well as of content), so
    anyone still looking at the old one gets a conflict. `evidence` is the row `evidence_lock` returned: locked,
    so the update below writes exactly the state and version set on it afterwards, and the row need not be read
    back (which would also drop the apprenticeship read with the lock).
    """
    fingerprint, snapshot = evidence_fingerprint(evidence=evidence)
    decision = ReviewDecision.objects.create(
        evidence=evidence,
        action=action,
        actor=actor,
        actor_role=actor_role,
        comment=comment,
        evidence_version=evidence.version,
        from_state=evidence.state,
        to_state=to_state,
        fingerprint=fingerprint,
        snapshot=snapshot,
        decided_at=timezone.now(),
    )
    Evidence.objects.filter(pk=evidence.pk).update(state=to_state, version=F("version") + 1)
    evidence.state, evidence.version = to_state, evidence.version + 1
    return decision
