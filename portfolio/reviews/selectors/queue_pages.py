"""A reviewer's page of their queue (selectors/queues.py: `queue_page`), its reads compiled once per process.

Two things cost most of the page. PostgreSQL: `awaiting()` tests each provider's policy in a subquery per item,
an OR over the states that leaves PostgreSQL probing the index of every waiting state for each apprenticeship and
filtering; with the policies that may apply read first (one small query), the queue is a plain filter by state
(`awaiting_under`), which the partial index of that state answers alone (the acceptance queue of a provider of
2,453 apprentices: ~11 -> ~6 ms of PostgreSQL CPU). Python: building and compiling the scoped querysets, several
times what PostgreSQL spends running them; each read is compiled once for each set of policies that may apply
(portfolio/core/compiled.py). The items' statements are read with them (grouped by item, an array of
`[code, text]` each), where `queue_page` reads them in a query of its own: the policies' query takes its place, so
the page sends as many queries as before.

Scoped as the `*_queue_for_user` selectors scope (the user's memberships, as a subquery): the same items, in the
same order. Elsewhere than on PostgreSQL (no arrays), and for a page after a position, the ORM's `queue_page`.
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import F, Func, Q, QuerySet, TextField, Value

from portfolio.core.compiled import CompiledIdsQuery, CompiledQuery, InArray
from portfolio.evidence import lifecycle
from portfolio.evidence.models import Evidence
from portfolio.people.selectors import user_organisation_ids
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.roles import REVIEWER_MEMBERSHIPS
from portfolio.reviews.selectors import queues
from portfolio.reviews.selectors.queues import (
    ITEM_FIELDS,
    POLICY_STEP_COLUMNS,
    QUEUE_ORDER,
    PolicyKey,
    QueueItem,
    QueuePage,
    acceptance_queue_for_user,
    awaiting_under,
    confirmation_policies_at,
    confirmation_queue_for_user,
    files_count_annotation,
    page_of_items,
    policies_of,
    policy_key,
    queue_base,
    queue_item,
    queue_page,
)

_STAND_IN_USER = -7_000_000_711
# Where each reviewer's organisations are on the item's apprenticeship.
_SCOPE = {
    lifecycle.Role.PROVIDER: "apprenticeship__provider_id__in",
    lifecycle.Role.EMPLOYER: "apprenticeship__employer_id__in",
}


def _reviewing(role: lifecycle.Role, user_id: int) -> QuerySet[Any]:
    return user_organisation_ids(user=user_id, roles=REVIEWER_MEMBERSHIPS[role])


def _policies(role: lifecycle.Role, user_id: int) -> QuerySet[Any]:
    """The policies that may apply to the user's queue: of their providers, or of their employers' apprentices'."""
    organisations = _reviewing(role, user_id)
    if role == lifecycle.Role.PROVIDER:
        policies = ReviewPolicy.objects.filter(provider_id__in=organisations)
    else:
        policies = confirmation_policies_at(employer_ids=organisations)
    return policies.order_by().values_list("provider_id", *POLICY_STEP_COLUMNS)


def _queue(role: lifecycle.Role, policies: PolicyKey, user_id: int) -> QuerySet[Evidence]:
    """The user's queue under these policies: the items `awaiting(role)` at their organisations, oldest first."""
    scope = {_SCOPE[role]: _reviewing(role, user_id)}
    return queue_base().filter(awaiting_under(role, policies_of(policies)), **scope).order_by(*QUEUE_ORDER.order_by())


def _statement_pairs() -> Func:
    """A tagged statement as `[code, text]`."""
    return Func(
        F("tags__statement__code"),
        F("tags__statement__text"),
        template="ARRAY[%(expressions)s]",
        output_field=ArrayField(TextField()),
    )


def _items(queue: QuerySet[Evidence], ids: list[int]) -> QuerySet[Any]:
    # Grouped by the item: its statements joined once for the page, where a subquery per item joins them again.
    statements = ArrayAgg(
        _statement_pairs(),
        order_by=("tags__statement__position", "tags__statement__code"),
        filter=Q(tags__isnull=False),
        default=Value([]),
    )
    return (
        queue.select_related(None)
        .prefetch_related(None)
        .order_by()
        .filter(InArray(F("pk"), ids))
        .annotate(files_count=files_count_annotation(), statements=statements)
        .values_list(*ITEM_FIELDS, "statements")
    )


class _Compiled:
    """One queue's reads for a page from the oldest: the policies, then for each set of them the page's positions
    with the counts (`Keyset.window`'s first page) and its items."""

    def __init__(self, role: lifecycle.Role) -> None:
        self.role = role
        self.policies = CompiledQuery(lambda user_id: _policies(role, user_id), user_id=_STAND_IN_USER)
        self._reads: dict[tuple[PolicyKey, int], tuple[CompiledQuery, CompiledIdsQuery]] = {}
        self._lock = threading.Lock()

    def reads(self, policies: PolicyKey, size: int) -> tuple[CompiledQuery, CompiledIdsQuery]:
        """The page's positions (`size + 1` of them, to tell whether more follow) and its items, by `size` ids."""
        with self._lock:
            if (policies, size) not in self._reads:
                role = self.role
                window = CompiledQuery(
                    lambda user_id: QUEUE_ORDER.window_rows(_queue(role, policies, user_id), size + 1),
                    user_id=_STAND_IN_USER,
                )
                items = CompiledIdsQuery(
                    lambda ids, user_id: _items(_queue(role, policies, user_id), ids),
                    size=size,
                    array=True,
                    user_id=_STAND_IN_USER,
                )
                self._reads[policies, size] = (window, items)
            return self._reads[policies, size]


_COMPILED = {role: _Compiled(role) for role in (lifecycle.Role.PROVIDER, lifecycle.Role.EMPLOYER)}


def _queue_items(rows: list[tuple[Any, ...]], ids: list[int]) -> list[QueueItem]:
    """The rows as items, in the order of `ids` (an item decided meanwhile is left out), as `queue_page` makes them."""
    found = {row[0]: row for row in rows}  # each row: its ITEM_FIELDS, then its statements' (code, text)
    return [queue_item(found[pk][:-1], [(code, text) for code, text in found[pk][-1]]) for pk in ids if pk in found]


def queue_page_for_user(*, role: lifecycle.Role, user: Any, after: str | None) -> QueuePage:
    """`queue_page` of the user's queue for `role` (`acceptance_queue_for_user`, `confirmation_queue_for_user`):
    the same page, read by compiled queries."""
    position = QUEUE_ORDER.parse(after)
    if (
        position is not None
        or not getattr(user, "is_authenticated", False)
        or connections[Evidence.objects.db].vendor != "postgresql"
    ):
        mine = acceptance_queue_for_user if role == lifecycle.Role.PROVIDER else confirmation_queue_for_user
        return queue_page(mine(user=user), after=after)
    compiled = _COMPILED[role]
    policies = policy_key(role, compiled.policies.rows(user_id=user.pk))
    size = queues.PAGE_SIZE
    window, items = compiled.reads(policies, size)
    rows = window.rows(user_id=user.pk)
    total = rows[0][-1] if rows else 0
    keys = [row[:-1] for row in rows]
    ids = [key[-1] for key in keys[:size]]
    shown = _queue_items(items.rows(ids, user_id=user.pk), ids) if ids else []
    return page_of_items(shown, keys, total, total, after=None, size=size)
