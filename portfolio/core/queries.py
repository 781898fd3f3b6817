"""Reading the head of a long sorted list cheaply.

A page shows the first few rows of a list that may hold thousands (an organisation's queue, its apprentices): the
database sorts every row of the list to find them. When the query also joins each row to the people and records
it shows, it builds every one of those wide rows before keeping a handful. `rows_in_order` sorts the ids alone,
then reads the rows it keeps, with their joins: the same rows, in the same order. `CountingPaginator` takes a
page's ids and the list's length from one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Model, QuerySet, Window
from django.utils.translation import gettext_lazy as _

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


def with_total(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """`(pk, total)` rows of `queryset` in its order, `total` counting every row (`COUNT(*) OVER ()`): a page of
    them carries the list's length, for `CountingPaginator`."""
    return queryset.annotate(total_rows=Window(Count("pk"))).values_list("pk", "total_rows")


class CountingPaginator(Paginator):
    """Pages of `with_total` rows: a page's ids and the list's length from one query, where Django's paginator
    counts the list first, in a query of its own that reads every row the page's query reads again. Only a page
    past the end (no row to carry the total) sends the count query. A page's `object_list` is its ids."""

    def page(self, number: Any) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(_("That page number is not an integer")) from exc
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if rows:
            self.__dict__["count"] = rows[0][1]  # the cached property Paginator.count
        elif number > 1 or not self.allow_empty_first_page:
            return super().page(number)  # past the end: counted, and refused as Django refuses it
        else:
            self.__dict__["count"] = 0
        return Page([row[0] for row in rows], number, self)
