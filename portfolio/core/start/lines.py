"""What the staff and employer sections share: a head list's line (the oldest items, the gateways and the progress
reviews to sign) read as plain values, the compiled reads of those lines by their ids, and the progress reviews
waiting for a user's signature, compiled once per shape."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from portfolio.core.compiled import CompiledIdsQuery
from portfolio.core.queries import CompiledHeadCounted, head_counted
from portfolio.evidence.models import Evidence
from portfolio.people.models import Apprenticeship, Membership, User, display_name
from portfolio.people.selectors import HeldOrganisations
from portfolio.progress.models import ProgressReview
from portfolio.progress.selectors import reviews_to_sign_at
from portfolio.reviews.roles import EMPLOYER_REVIEWER_ROLES

OLDEST_SHOWN = 5


def name_columns(person: str) -> tuple[str, ...]:
    """The columns of a person's `display_name`, through the relation `person`."""
    return tuple(f"{person}__{name}" for name in ("first_name", "last_name", "email"))


@dataclass(frozen=True)
class Line:
    """One line of a head list: the item's public id (and title), the apprentice's name and the line's time."""

    public_id: uuid.UUID
    name: str
    at: datetime.datetime | datetime.date | None
    title: str = ""


def padded(ids: list[int], size: int) -> list[int]:
    """`ids` padded with its first to `size` (the same rows for `__in`): one shape of a query by ids."""
    return ids + ids[:1] * (size - len(ids))


def lines_in_order(rows: list[tuple[Any, ...]], ids: list[int], *, titled: bool = False) -> list[Line]:
    """The rows (`pk, public_id, [title,] time, first name, last name, email`) as lines, in the order of `ids`
    (rows no longer there left out)."""
    by_pk = {row[0]: row for row in rows}
    lines = []
    for pk in ids:
        if pk in by_pk:
            _, public_id, *values = by_pk[pk]
            title = values.pop(0) if titled else ""
            at, first, last, email = values
            lines.append(Line(public_id=public_id, name=display_name(first, last, email), at=at, title=title))
    return lines


# A gateway's line: the apprentice, ready since.
GATEWAY_LINES = CompiledIdsQuery(
    lambda ids: Apprenticeship.objects.filter(pk__in=ids).values_list(
        "pk", "public_id", "coverage_summary__ready_since", *name_columns("apprentice")
    ),
    size=OLDEST_SHOWN,
)
# A progress review's line: the apprentice, held on.
REVIEW_LINES = CompiledIdsQuery(
    lambda ids: ProgressReview.objects.filter(pk__in=ids).values_list(
        "pk", "public_id", "held_on", *name_columns("apprenticeship__apprentice")
    ),
    size=OLDEST_SHOWN,
)
# An evidence item's line: its title, the apprentice, submitted at.
EVIDENCE_LINES = CompiledIdsQuery(
    lambda ids: Evidence.objects.filter(pk__in=ids).values_list(
        "pk", "public_id", "title", "submitted_at", *name_columns("apprenticeship__apprentice")
    ),
    size=OLDEST_SHOWN,
)

# The roles whose organisations scope the progress reviews to sign (`reviews_to_sign_at`).
REVIEW_ROLES = sorted({*EMPLOYER_REVIEWER_ROLES, *Membership.EMPLOYER_ROLES, *Membership.PROVIDER_ROLES})

Narrow = Callable[[QuerySet[ProgressReview], int, HeldOrganisations], QuerySet[ProgressReview]]


class ReviewsToSign:
    """The first progress reviews waiting for a user's signature (`reviews_to_sign_at`, then `narrow(reviews,
    user_id, held)`: a section's part of them) and how many, compiled once for each set of roles the user holds
    (REVIEW_ROLES). A superuser's scope is everyone's, not the shape compiled: read through the ORM."""

    def __init__(self, narrow: Narrow) -> None:
        self._narrow = narrow

        def build(key: Any, user_id: int, **by_role: list[int]) -> QuerySet[ProgressReview]:
            held = HeldOrganisations(by_role={role: frozenset(ids) for role, ids in by_role.items()})
            person = User(pk=user_id, is_active=True, is_superuser=False)
            return narrow(reviews_to_sign_at(user=person, held=held), user_id, held)

        self._head = CompiledHeadCounted(build, OLDEST_SHOWN)

    def ids_and_count(self, user: Any, held: HeldOrganisations) -> tuple[list[int], int]:
        if user.is_superuser or not user.is_active:
            reviews = self._narrow(reviews_to_sign_at(user=user, held=held), user.pk, held)
            found, count = head_counted(reviews, OLDEST_SHOWN)
            return [review.pk for review in found], count
        by_role: dict[str, Any] = {role: sorted(held.by_role[role]) for role in REVIEW_ROLES if held.by_role.get(role)}
        return self._head.ids_and_count(tuple(by_role), user_id=user.pk, **by_role)
