"""Reading the head of a long sorted list cheaply.

A page shows the first few rows of a list that may hold thousands (an organisation's queue, its apprentices): the
database sorts every row of the list to find them. When the query also joins each row to the people and records
it shows, it builds every one of those wide rows before keeping a handful. `rows_in_order` sorts the ids alone,
then reads the rows it keeps, with their joins: the same rows, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def rows_in_order(queryset: QuerySet[M], ids: Iterable[Any]) -> list[M]:
    """The rows of `queryset` with these ids, in the order of the ids (rows no longer there are left out)."""
    ids = list(ids)
    if not ids:
        return []
    by_pk = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def head(queryset: QuerySet[M], limit: int) -> list[M]:
    """The first `limit` rows of `queryset`, in its order: the ids sorted first, then only those rows read."""
    return rows_in_order(queryset, queryset.prefetch_related(None).values_list("pk", flat=True)[:limit])
