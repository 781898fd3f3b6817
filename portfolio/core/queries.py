"""Reading the head of a long sorted list cheaply.

A page shows the first few rows of a list that may hold thousands (an organisation's queue, its apprentices): the
database sorts every row of the list to find them. When the query also joins each row to the people and records
it shows, it builds every one of those wide rows before keeping a handful. `rows_in_order` sorts the ids alone,
then reads the rows it keeps, with their joins: the same rows, in the same order; `head_counted` reads the head's
ids and the list's length in one aggregate (`CompiledHeadCounted`: compiled once per shape). `CountingPaginator` takes a
page's ids and the list's length from one query. `Keyset` pages through a list by position (the sort key of the
last row shown), not by offset: rows added or removed meanwhile never make a row shown twice or skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Count,
    F,
    Field,
    Func,
    IntegerField,
    Model,
    OrderBy,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.utils.translation import gettext_lazy as _

from portfolio.core.compiled import CompiledShapes

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


def head_counted(queryset: QuerySet[M], limit: int, *, rows: QuerySet[M] | None = None) -> tuple[list[M], int]:
    """The first `limit` rows of `queryset` in its order (as `head`) and its length, both from one pass over the
    list, where `head` and `count()` read it twice. `rows`: the queryset the kept rows are read from, with what the
    caller shows of them (`queryset` itself by default).

    One aggregate (the count, and the ids sorted by PostgreSQL's `array_agg`, cut to `limit`), not
    `COUNT(*) OVER ()` with a LIMIT: given a LIMIT, the planner may walk an index in the list's order and filter
    it, reading every organisation's rows, when the count needs every row of the list anyway."""
    if connections[queryset.db].vendor != "postgresql":  # array_agg is PostgreSQL's: elsewhere, two reads
        ids = queryset.prefetch_related(None).values_list("pk", flat=True)[:limit]
        return rows_in_order(queryset if rows is None else rows, ids), queryset.count()
    total, head_ids = head_counted_row(list(head_counted_values(queryset, limit)))
    return rows_in_order(queryset if rows is None else rows, head_ids), total


def head_counted_row(found: list[tuple[Any, ...]]) -> tuple[int, list[Any]]:
    """The length and the head's ids from `head_counted_values`' rows (none when no row can match: `none()`)."""
    if not found:
        return 0, []
    total, ids = found[0]
    return total, ids or []


def head_counted_values(queryset: QuerySet[Any], limit: int) -> QuerySet[Any]:
    """`head_counted`'s aggregate as a query of one row, `(length, ids)` (PostgreSQL's `array_agg`), for a caller
    that compiles it once (portfolio/core/compiled.py); `head_counted_row` reads its rows."""
    query = queryset.query
    # The list's order: its own, else its model's (as iterating it would sort), else by id.
    order: Any = query.order_by or (queryset.model._meta.ordering if query.default_ordering else ()) or ("pk",)
    # Grouped by a constant, which Django leaves out of the statement: one aggregate row, as `aggregate()` reads.
    return (
        queryset.order_by()
        .annotate(whole=Value(1, output_field=IntegerField()))
        .values("whole")
        .annotate(
            total=Count("pk"),
            ids=Func(
                ArrayAgg("pk", order_by=order),
                template=f"(%(expressions)s)[1:{int(limit)}]",
                output_field=ArrayField(BigIntegerField()),
            ),
        )
        .values_list("total", "ids")
    )


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


class Keyset:
    """Positions in a list sorted ascending by `fields` (the last one unique, such as the id), NULLs last; with
    `descending`, sorted descending by each (newest first), NULLs still last.

    A position is the sort key of a row, written for a URL as its values joined by "~" (an empty value for
    NULL); `after` selects the rows that come after it. The order `order_by` gives is the same on PostgreSQL and
    SQLite (which would put NULLs first), and on PostgreSQL it is the order of an index on `fields` in that
    direction.
    """

    SEPARATOR = "~"

    def __init__(self, model: type[Model], fields: Sequence[str], *, descending: bool = False) -> None:
        self.model, self.fields, self.descending = model, tuple(fields), descending
        self._model_fields: list[Field[Any, Any]] = []
        for name in self.fields:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
            if not isinstance(field, Field):
                raise TypeError(f"{name} is not a column of {model.__name__}")
            self._model_fields.append(field)

    def order_by(self) -> list[OrderBy]:
        if self.descending:  # NULLs last only where there can be one: a plain DESC reads a DESC index
            return [
                F(name).desc(nulls_last=True) if field.null else F(name).desc()
                for name, field in zip(self.fields, self._model_fields, strict=True)
            ]
        return [F(name).asc(nulls_last=True) for name in self.fields]

    def reversed(self) -> Keyset:
        """The same fields in the other direction: the list read backwards (rows before a position are the reversed
        list's rows after it). Only where no field holds NULL, which sorts last either way."""
        if any(field.null for field in self._model_fields):
            raise TypeError(f"{self.model.__name__} {self.fields}: a field can be NULL, so the order does not reverse")
        return Keyset(self.model, self.fields, descending=not self.descending)

    def to_python(self, index: int, text: str) -> Any:
        """The value of the `index`-th field written as `text`; Django's ValidationError when it cannot be one."""
        return self._model_fields[index].to_python(text)

    def key(self, row: Sequence[Any]) -> str:
        """The position of a row given as its values of `fields`, in order."""
        return self.SEPARATOR.join(
            "" if v is None else v.isoformat() if hasattr(v, "isoformat") else str(v) for v in row
        )

    def parse(self, text: str | None) -> tuple[Any, ...] | None:
        """The values of a position written by `key`; None for anything else (a page then starts at the top)."""
        parts = (text or "").split(self.SEPARATOR)
        if not text or len(parts) != len(self.fields):
            return None
        values: list[Any] = []
        for part, field in zip(parts, self._model_fields, strict=True):
            if part == "":
                if not field.null:
                    return None
                values.append(None)
                continue
            try:
                values.append(field.to_python(part))
            except (ValidationError, ValueError, TypeError, OverflowError):
                return None
        return tuple(values)

    def after(self, position: Sequence[Any]) -> Q:
        """Rows after `position`: greater (with `descending`, less) in the first field that differs (a NULL sorting
        after every value)."""
        condition = Q(pk__in=[])
        equal = Q()
        beyond = "lt" if self.descending else "gt"
        for name, field, value in zip(self.fields, self._model_fields, position, strict=True):
            if value is None:
                # Nothing sorts after NULL in this field: only the rows equal to it here may come later.
                equal &= Q(**{f"{name}__isnull": True})
                continue
            later = Q(**{f"{name}__{beyond}": value})
            if field.null:
                later |= Q(**{f"{name}__isnull": True})
            condition |= equal & later
            equal &= Q(**{name: value})
        first, value = self.fields[0], position[0]
        if value is not None and not self._model_fields[0].null:
            # The same rows, with the first field's bound said plainly: an index scan starts at the position
            # instead of filtering every row before it (PostgreSQL does not take a bound out of the ORs).
            condition &= Q(**{f"{first}__{beyond}e": value})
        return condition

    def window_rows(self, queryset: QuerySet[Any], size: int) -> QuerySet[Any]:
        """`window`'s query from the first row: the sort keys of the first `size` rows, each followed by the list's
        length, for a caller that compiles it once (portfolio/core/compiled.py)."""
        rows = queryset.select_related(None).prefetch_related(None).order_by(*self.order_by())
        return rows.annotate(list_total=Window(Count("pk"))).values_list(*self.fields, "list_total")[:size]

    def window(
        self, queryset: QuerySet[Any], position: Sequence[Any] | None, size: int
    ) -> tuple[list[tuple[Any, ...]], int, int]:
        """The sort keys of the `size` rows of `queryset` after `position` (from the first when it is None), the
        list's length, and how many rows follow `position`: one pass over the list, where counting it and reading
        the page would read every row twice. Only a page past the end (no row to carry the counts) counts in a
        query of its own."""
        if position is None:
            keys = list(self.window_rows(queryset, size))
            total = keys[0][-1] if keys else 0
            return [key[:-1] for key in keys], total, total
        rows = queryset.select_related(None).prefetch_related(None).order_by(*self.order_by())
        rows = rows.annotate(list_total=Window(Count("pk")))
        after = self.after(position)
        # Counted over the whole list, then kept only after the position: a filter on a window expression applies
        # after the windows are computed (Django wraps the query), where a plain filter would apply before.
        rows = rows.annotate(
            list_rest=Window(Count("pk", filter=after)),
            is_after=Window(Count("pk", filter=after), partition_by=[F("pk")]),
        ).filter(is_after=1)
        keys = list(rows.values_list(*self.fields, "list_total", "list_rest")[:size])
        if not keys:
            return [], queryset.order_by().count(), 0
        return [key[:-2] for key in keys], keys[0][-2], keys[0][-1]


class CompiledHeadCounted:
    """`head_counted`'s ids and length of a list built from ids (`build(key, **values)`, as `CompiledShapes`
    builds), its aggregate compiled once per shape (portfolio/core/compiled.py). Elsewhere than on PostgreSQL,
    read through the ORM as `head_counted` reads it."""

    def __init__(self, build: Callable[..., QuerySet[Any]], limit: int) -> None:
        self._build, self._limit = build, limit
        self._head = CompiledShapes(lambda key, **values: head_counted_values(build(key, **values), limit))

    def ids_and_count(self, key: Hashable = (), using: str = "default", **values: Any) -> tuple[list[Any], int]:
        if connections[using].vendor != "postgresql":
            queryset = self._build(key, **values).using(using)
            return list(queryset.prefetch_related(None).values_list("pk", flat=True)[: self._limit]), queryset.count()
        total, ids = head_counted_row(self._head.rows(key, using, **values))
        return ids, total
