"""The review queues: what waits for this person, at their organisations, under the current policies.

Which states wait for whom under which policy is the lifecycle's (portfolio/evidence/lifecycle.py:
states_awaiting); `awaiting()` turns it into one filter that reads each provider's policy at query time, so
changing a policy moves waiting items to the right queue at once: with no employer step, submitted items
wait for the provider.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from portfolio.core.compiled import InNamed
from portfolio.core.queries import Keyset, head, rows_in_order
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.people.models import Apprenticeship, display_name
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


def queue_base() -> QuerySet[Evidence]:
    return Evidence.objects.select_related(
        "apprenticeship__apprentice", "apprenticeship__employer", "apprenticeship__provider", "author"
    ).prefetch_related("tags__statement")


# The queues' order, oldest first: the submission time, then the id (items never submitted sort last).
QUEUE_ORDER = Keyset(Evidence, ("submitted_at", "id"))


def confirmation_queue_for_user(*, user: Any) -> QuerySet[Evidence]:
    """Evidence waiting for the employer at the employers where the user is a line manager or mentor, oldest
    first."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    role = lifecycle.Role.EMPLOYER
    employers = user_organisation_ids(user=user, roles=REVIEWER_MEMBERSHIPS[role])
    return (
        queue_base().filter(awaiting(role), apprenticeship__employer_id__in=employers).order_by(*QUEUE_ORDER.order_by())
    )


def acceptance_queue_for_user(*, user: Any) -> QuerySet[Evidence]:
    """Evidence waiting for the provider (confirmed; or submitted, where the provider has no employer step) at
    the user's providers, oldest first."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    role = lifecycle.Role.PROVIDER
    providers = user_organisation_ids(user=user, roles=REVIEWER_MEMBERSHIPS[role])
    return (
        queue_base().filter(awaiting(role), apprenticeship__provider_id__in=providers).order_by(*QUEUE_ORDER.order_by())
    )


def awaiting_under(role: lifecycle.Role, policies: Iterable[ReviewPolicy]) -> Q:
    """`awaiting(role)` with the policies that may apply read first (one small query): a plain filter by provider
    and state, where `awaiting` tests a policy subquery per item, which PostgreSQL takes longer to plan than to run
    a queue's count. The states are written into the statement (`InNamed`): a prepared queue's generic plan reads
    the partial index of its state. Providers without a policy row, or not in `policies`, have the defaults (as
    `awaiting`)."""
    default = lifecycle.states_awaiting(role, lifecycle.ALL_STEPS)
    others: dict[frozenset[lifecycle.State], list[int]] = {}
    for policy in policies:
        states = lifecycle.states_awaiting(role, policy.steps)
        if states != default:
            others.setdefault(states, []).append(policy.provider_id)
    condition = Q(pk__in=[])
    for states, providers in others.items():
        if states:
            condition |= Q(apprenticeship__provider_id__in=sorted(providers)) & Q(
                InNamed(F("state"), sorted(s.value for s in states))
            )
    if default:
        elsewhere = sorted(pk for providers in others.values() for pk in providers)
        condition |= Q(InNamed(F("state"), sorted(s.value for s in default))) & ~Q(
            apprenticeship__provider_id__in=elsewhere
        )
    return condition


def acceptance_queue_at(
    *, provider_ids: Iterable[int], policies: Iterable[ReviewPolicy] | None = None
) -> QuerySet[Evidence]:
    """`acceptance_queue_for_user` for a caller that read the user's reviewer providers already
    (people.selectors.user_held_organisations): the same items, in a statement scoped by a plain list of ids.
    `policies`: those of these providers, when the caller read them."""
    ids = sorted(set(provider_ids))
    if not ids:
        return Evidence.objects.none()
    if policies is None:
        policies = ReviewPolicy.objects.filter(provider_id__in=ids)
    condition = awaiting_under(lifecycle.Role.PROVIDER, policies)
    return queue_base().filter(condition, apprenticeship__provider_id__in=ids).order_by(*QUEUE_ORDER.order_by())


def confirmation_queue_at(
    *, employer_ids: Iterable[int], policies: Iterable[ReviewPolicy] | None = None
) -> QuerySet[Evidence]:
    """`confirmation_queue_for_user` for a caller that read the user's employers (line manager or mentor)
    already: the same items, in a statement scoped by a plain list of ids. `policies`: those that may apply
    (`confirmation_policies_at`), when the caller read them."""
    ids = sorted(set(employer_ids))
    if not ids:
        return Evidence.objects.none()
    if policies is None:
        policies = confirmation_policies_at(employer_ids=ids)
    condition = awaiting_under(lifecycle.Role.EMPLOYER, policies)
    return queue_base().filter(condition, apprenticeship__employer_id__in=ids).order_by(*QUEUE_ORDER.order_by())


# The policies' columns of the sign-off steps (`ReviewPolicy.steps`), as `policy_key` reads them.
POLICY_STEP_COLUMNS = tuple(ReviewPolicy.STEP_FIELDS.values())

# Policies as a sorted, hashable value: `(provider_id, (each step's column, ...))` per policy.
PolicyKey = tuple[tuple[int, tuple[bool, ...]], ...]


def policy_key(role: lifecycle.Role, rows: Iterable[tuple[Any, ...]]) -> PolicyKey:
    """Policies read as rows `(provider_id, *POLICY_STEP_COLUMNS)`, as a key of `role`'s queue: those under which
    other states than the default's wait for `role`, sorted. A queue's statement depends on them alone (the others
    change nothing in it, `awaiting_under`): a caller compiling a queue per shape keys it so
    (portfolio/core/compiled.py)."""
    default = lifecycle.states_awaiting(role, lifecycle.ALL_STEPS)
    kept = []
    for provider_id, *steps in rows:
        policy = ReviewPolicy(provider_id=provider_id, **dict(zip(POLICY_STEP_COLUMNS, steps, strict=True)))
        if lifecycle.states_awaiting(role, policy.steps) != default:
            kept.append((provider_id, tuple(steps)))
    return tuple(sorted(kept))


def policies_of(key: PolicyKey) -> list[ReviewPolicy]:
    """The policies a `policy_key` holds, as the queues take them."""
    return [
        ReviewPolicy(provider_id=provider_id, **dict(zip(POLICY_STEP_COLUMNS, steps, strict=True)))
        for provider_id, steps in key
    ]


def confirmation_policies_at(*, employer_ids: Iterable[int]) -> QuerySet[ReviewPolicy]:
    """The policies that may apply to the employers' confirmation queue: those of their apprenticeships'
    providers."""
    providers = Apprenticeship.objects.filter(employer_id__in=employer_ids).order_by().values("provider_id")
    return ReviewPolicy.objects.filter(provider_id__in=providers)


def with_return(queryset: QuerySet[Evidence]) -> QuerySet[Evidence]:
    """Each item with `return_comment` and `returned_at`: the comment and time of its last return (None when it
    was never returned)."""
    last_return = ReviewDecision.objects.filter(evidence=OuterRef("pk"), action=ReviewDecision.Action.RETURN).order_by(
        "-decided_at", "-id"
    )
    return queryset.annotate(
        return_comment=Subquery(last_return.values("comment")[:1]),
        returned_at=Subquery(last_return.values("decided_at")[:1]),
    )


# The returned list's order: the latest return first.
RETURNED_ORDER = ("-returned_at", "-id")


def returned_list_for_user(*, user: Any) -> QuerySet[Evidence]:
    """The apprentice's evidence returned for changes, with the comment of the return that sent it back."""
    if not getattr(user, "is_authenticated", False):
        return Evidence.objects.none()
    returned = queue_base().filter(state=Evidence.State.RETURNED, apprenticeship__apprentice=user)
    return with_return(returned).order_by(*RETURNED_ORDER)


def queue_head(queryset: QuerySet[Evidence], limit: int) -> list[Evidence]:
    """The first `limit` items of a queue, in its order, read with the relations the page shows only for them
    (portfolio/core/queries.py): joining every waiting item to its people before keeping the oldest few cost most
    of a queue's page."""
    return head(queryset, limit)


PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueItem:
    """What a queue's page shows of an item, read as plain values (no model per item, apprentice and tag)."""

    pk: int
    public_id: uuid.UUID
    version: int
    title: str
    kind: str  # the label
    state: str  # the label
    occurred_on: datetime.date
    submitted_at: datetime.datetime | None
    reflection: str
    apprentice: str  # the apprentice's display name
    files: int
    statements: list[tuple[str, str]]  # code and text of each tagged statement, in the standard's order


@dataclass(frozen=True)
class QueuePage:
    """A page of a queue: `items` from the `first`-th (1-based) of `total` waiting; `after` the position this page
    starts after (None on the first page), `next_after` the position of its last item when more follow."""

    items: list[QueueItem]
    total: int
    first: int
    after: str | None
    next_after: str | None
    size: int

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1

    @property
    def next_count(self) -> int:
        """How many items the next page shows (from the counts read with this one)."""
        return max(min(self.size, self.total - self.last), 0) if self.next_after else 0


KIND_LABELS = dict(Evidence.Kind.choices)
STATE_LABELS = dict(Evidence.State.choices)
ITEM_FIELDS = (
    "pk", "public_id", "version", "title", "kind", "state", "occurred_on", "submitted_at", "reflection",
    "apprenticeship__apprentice__first_name", "apprenticeship__apprentice__last_name",
    "apprenticeship__apprentice__email", "files_count",
)  # fmt: skip


def files_count_annotation() -> Coalesce:
    files = EvidenceFile.objects.filter(evidence=OuterRef("pk")).order_by().values("evidence")
    return Coalesce(Subquery(files.annotate(n=Count("pk")).values("n")[:1]), 0)


def _queue_items(queryset: QuerySet[Evidence], ids: list[int]) -> list[QueueItem]:
    """The items with these ids still in the queue (one decided meanwhile is left out), in the order of the ids:
    two queries, the items with their apprentice and file count, then their statements."""
    if not ids:
        return []
    rows = queryset.select_related(None).prefetch_related(None).order_by().filter(pk__in=ids)
    found = {row[0]: row for row in rows.annotate(files_count=files_count_annotation()).values_list(*ITEM_FIELDS)}
    statements: dict[int, list[tuple[str, str]]] = {}
    tags = EvidenceTag.objects.filter(evidence_id__in=list(found)).order_by("statement__position", "statement__code")
    for evidence_id, code, text in tags.values_list("evidence_id", "statement__code", "statement__text"):
        statements.setdefault(evidence_id, []).append((code, text))
    return [queue_item(found[pk], statements.get(pk, [])) for pk in ids if pk in found]


def queue_item(row: tuple[Any, ...], statements: list[tuple[str, str]]) -> QueueItem:
    """An item of a queue, from its `ITEM_FIELDS` values and its statements' (code, text)."""
    pk, public_id, version, title, kind, state, occurred_on, submitted_at, reflection, first, last, email, files = row
    return QueueItem(
        pk=pk, public_id=public_id, version=version, title=title, kind=KIND_LABELS.get(kind, kind),
        state=STATE_LABELS.get(state, state), occurred_on=occurred_on, submitted_at=submitted_at,
        reflection=reflection, apprentice=display_name(first, last, email), files=files, statements=statements,
    )  # fmt: skip


def queue_page(queryset: QuerySet[Evidence], *, after: str | None, size: int | None = None) -> QueuePage:
    """The `size` items of a queue that follow the position `after` (from the oldest when it is None or not a
    position), with the queue's length and where the page starts in it.

    By position, not by offset: an item submitted meanwhile joins the end, and one decided meanwhile leaves
    without moving the others, so following the pages never shows an item twice or skips one. Three queries:
    the page's positions with the counts (one pass over the waiting items), its items, their statements."""
    size = size or PAGE_SIZE
    position = QUEUE_ORDER.parse(after)
    keys, total, rest = QUEUE_ORDER.window(queryset, position, size + 1)
    items = _queue_items(queryset, [key[-1] for key in keys[:size]])
    return page_of_items(items, keys, total, rest, after=None if position is None else after, size=size)


def page_of_items(
    items: list[QueueItem], keys: list[tuple[Any, ...]], total: int, rest: int, *, after: str | None, size: int
) -> QueuePage:
    """The page of `items` read for the first `size` of `keys` (`Keyset.window`'s, `size + 1` asked for)."""
    return QueuePage(
        items=items,
        total=total,
        first=total - rest + 1,
        after=after,
        next_after=QUEUE_ORDER.key(keys[size - 1]) if len(keys) > size else None,
        size=size,
    )


def queue_head_counted(queryset: QuerySet[Evidence], limit: int) -> tuple[list[Evidence], int]:
    """The oldest `limit` items of a queue (as `queue_head`) and its length, the two from one pass over it."""
    keys, total, _ = QUEUE_ORDER.window(queryset, None, limit)
    return rows_in_order(queryset.prefetch_related(None), [key[-1] for key in keys]), total
