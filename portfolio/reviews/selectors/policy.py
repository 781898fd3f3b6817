from __future__ import annotations

from django.db import connection

from portfolio.core.compiled import CompiledQuery
from portfolio.reviews.models import ReviewPolicy

# Every decision and review page reads its provider's policy: by a query compiled once per process, the model made
# from the row as the ORM makes it (`from_db`). A provider has one policy at most; the stand-in is an id no row has.
_COLUMNS = [field.attname for field in ReviewPolicy._meta.concrete_fields]
_STORED = CompiledQuery(
    lambda provider_id: ReviewPolicy.objects.filter(provider_id=provider_id).order_by().values_list(*_COLUMNS),
    provider_id=-7_000_000_441,
)


def review_policy_stored(*, provider_id: int) -> ReviewPolicy | None:
    """The provider's policy as it set it, None when it never did."""
    rows = _STORED.rows(provider_id=provider_id)
    return ReviewPolicy.from_db(connection.alias, _COLUMNS, rows[0]) if rows else None


def review_policy_for_provider_id(*, provider_id: int) -> ReviewPolicy:
    """The provider's policy, or the defaults (unsaved) when it never set one: reads never write."""
    return review_policy_stored(provider_id=provider_id) or ReviewPolicy(provider_id=provider_id)
