"""The review queues: what waits for this person, at their organisations, under the current policies.

Which states wait for whom under which policy is the lifecycle's (portfolio/evidence/lifecycle.py:
states_awaiting); `awaiting()` turns it into one filter that reads each provider's policy at query time, so
changing a policy moves waiting items to the right queue at once: with no employer step, submitted items
wait for the provider.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from portfolio.core.queries import head
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.people.selectors import user_organisation_ids
from portfolio.reviews.models import ReviewDecision, ReviewPolicy
from portfolio.reviews.roles import REVIEWER_MEMBERSHIPS


def _policy_is(step: str, value: bool) -> Q:
    """The evidence's provider's policy keeps (or drops) `step`; a provider without a policy row has the
    defaults, so the default value is matched as "no row says otherwise"."""
    field = ReviewPolicy.STEP_FIELDS[step]
    policies = ReviewPolicy.objects.filter(provider_id=OuterRef("apprenticeship__provider_id"))
    if value == getattr(lifecycle.ALL_STEPS, step):
        return ~Q(Exists(policies.filter(**{field: not value})))
    return Q(Exists(policies.filter(**{field: value})))


def _policy_in(policies: frozenset[lifecycle.Steps]) -> Q:
    """The evidence's provider's policy is one of `policies`."""
    if policies == frozenset(lifecycle.EVERY_POLICY):
        return Q()
    # Usually one step decides (with no employer step, ...): test that field alone, as the rule reads.
    for step in ReviewPolicy.STEP_FIELDS:
        for value in (True, False):
            if policies == frozenset(p for p in lifecycle.EVERY_POLICY if getattr(p, step) == value):
                return _policy_is(step, value)
    condition = Q(pk__in=[])
    for steps in policies:
        exact = Q()
        for step in ReviewPolicy.STEP_FIELDS:
            exact &= _policy_is(step, getattr(steps, step))
        condition |= exact
    return condition


def awaiting(role: lifecycle.Role) -> Q:
    """Evidence waiting for `role`'s sign-off under its provider's current policy, as one filter."""
    policies_by_state = {
        state: frozenset(p for p in lifecycle.EVERY_POLICY if state in lifecycle.states_awaiting(role, p))
        for state in lifecycle.State
    }
    states_by_policies: dict[frozenset[lifecycle.Steps], list[str]] = {}
    for state, policies in policies_by_state.items():
        if policies:
            states_by_policies.setdefault(policies, []).append(state.value)
    condition = Q(pk__in=[])
    for policies, states in states_by_policies.items():
        condition |= _policy_in(policies) & Q(state__in=states)
    return condition


def _base() -> QuerySet[Evidence]:
    return Evidence.objects.select_related(
        "apprenticeship__apprentice", "apprenticeship__employer", "apprenticeship__provider", "author"
    ).prefetch_related("tags__statement")


def confirmation_queue_for_user(*, user: Any) -> QuerySet[Evidence]:
    """Evidence waiting for the employer at the employers where the user is a line manager or mentor, oldest
    first."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    role = lifecycle.Role.EMPLOYER
    employers = user_organisation_ids(user=user, roles=REVIEWER_MEMBERSHIPS[role])
    return _base().filter(awaiting(role), apprenticeship__employer_id__in=employers).order_by("submitted_at", "id")


def acceptance_queue_for_user(*, user: Any) -> QuerySet[Evidence]:
    """Evidence waiting for the provider (confirmed; or submitted, where the provider has no employer step) at
    the user's providers, oldest first."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    role = lifecycle.Role.PROVIDER
    providers = user_organisation_ids(user=user, roles=REVIEWER_MEMBERSHIPS[role])
    return _base().filter(awaiting(role), apprenticeship__provider_id__in=providers).order_by("submitted_at", "id")


def returned_list_for_user(*, user: Any) -> QuerySet[Evidence]:
    """The apprentice's evidence returned for changes, with the comment of the return that sent it back."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    last_return = ReviewDecision.objects.filter(evidence=OuterRef("pk"), action=ReviewDecision.Action.RETURN).order_by(
        "-decided_at", "-id"
    )
    return (
        _base()
        .filter(state=Evidence.State.RETURNED, apprenticeship__apprentice=user)
        .annotate(
            return_comment=Subquery(last_return.values("comment")[:1]),
            returned_at=Subquery(last_return.values("decided_at")[:1]),
        )
        .order_by("-returned_at", "-id")
    )


def queue_head(queryset: QuerySet[Evidence], limit: int) -> list[Evidence]:
    """The first `limit` items of a queue, in its order, read with the relations the page shows only for them
    (portfolio/core/queries.py): joining every waiting item to its people before keeping the oldest few cost most
    of a queue's page."""
    return head(queryset, limit)
