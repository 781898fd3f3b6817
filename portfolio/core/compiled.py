"""An ORM query built and compiled to SQL once per process, then run again with other values.

Building a scoped queryset (the person's scope as subqueries, a few annotations) and compiling it to SQL costs more
CPU than PostgreSQL spends running it: on the coverage read, about half the request. For a hot read whose shape
never changes, `CompiledQuery` builds the queryset once with stand-in values, compiles it, finds where each
stand-in went among the SQL's parameters, and from then on runs that SQL with the real values in their places,
converting the rows exactly as the queryset would (its compiler's converters). The rule stays in the queryset:
what is compiled is what the ORM would send.

Only a `values_list` queryset is supported (rows as tuples: no model instances); a page of an unsliced one is asked
for with `limit` and `offset`, sent as parameters too. A stand-in must be a value no constant of the query can equal (a
negative id, a fresh UUID), and must reach the SQL as a parameter: if one does not, or appears in a form the
compiler changed, building fails loudly rather than running the wrong query. `CompiledIdsQuery` is one for a list
of up to so many ids (a page's rows), or of any length when it filters with `InArray`; `CompiledPage` a page of one
for Django's paginators.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Field, Lookup, QuerySet


class CompiledQuery:
    """`build(**stand_ins)` -> a values_list queryset; `rows(**values)` runs its SQL with `values` in their place."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], *, fields: dict[str, Field[Any, Any]] | None = None, **stand_ins: Any
    ) -> None:
        """`fields`: the model field a stand-in is compared with, when the database is sent it in another form
        (a UUID is sent as text to SQLite): its value is prepared as that field prepares it, stand-in and real."""
        self._build, self._stand_ins, self._fields = build, stand_ins, fields or {}
        self._compiled: dict[tuple[str, str], tuple[Any, str, list[Any], list[str | None]]] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> tuple[Any, str, list[Any], list[str | None]]:
        key = (alias, connections[alias].vendor)  # SQL in that database's dialect
        with self._lock:
            if key in self._compiled:
                return self._compiled[key]
            queryset = self._build(**self._stand_ins)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            sent = {name: self._prepared(name, value, alias) for name, value in self._stand_ins.items()}
            names: list[str | None] = []
            for param in params:
                matched = [name for name, value in sent.items() if _same(param, value)]
                names.append(matched[0] if matched else None)
            missing = set(self._stand_ins) - set(names)
            if missing:
                raise ValueError(f"stand-ins {sorted(missing)} did not reach the SQL as parameters")
            entry = (compiler, sql, list(params), names)
            self._compiled[key] = entry
            return entry

    def rows(
        self, using: str = "default", *, limit: int | None = None, offset: int = 0, **values: Any
    ) -> list[tuple[Any, ...]]:
        """The rows for `values` (one per stand-in); `limit` rows from `offset` on, with a `limit`."""
        if set(values) != set(self._stand_ins):
            raise TypeError(f"values for {sorted(self._stand_ins)} expected, got {sorted(values)}")
        compiler, sql, params, names = self._compile(using)
        sent = {name: self._prepared(name, value, using) for name, value in values.items()}
        bound = [param if name is None else sent[name] for param, name in zip(params, names, strict=True)]
        if limit is not None:
            if compiler.query.is_sliced:
                raise ValueError("the queryset is sliced already: a limit and an offset would be a second slice")
            sql, bound = f"{sql} LIMIT %s OFFSET %s", [*bound, int(limit), int(offset)]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter(results=[fetched], tuple_expected=True)]

    def _prepared(self, name: str, value: Any, alias: str) -> Any:
        field = self._fields.get(name)
        return value if field is None else field.get_db_prep_value(value, connections[alias], prepared=False)


def _same(param: Any, value: Any) -> bool:
    return type(param) is type(value) and param == value


class InArray(Lookup):
    """`InArray(F("field"), ids)`, a filter: the field is one of `ids`, a list. PostgreSQL is sent `field = ANY(%s)`,
    the ids as one parameter (an array), so the SQL is the same for any number of ids: psycopg converts it once (a
    query of more than 50 parameters it parses again each time) and the server prepares it once. Elsewhere
    `field IN (%s, ...)`, as `field__in` writes it."""

    lookup_name = "in_array"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", [*params, ids]
        if not ids:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]


class CompiledIdsQuery:
    """A query over a list of ids (`build(ids)`, which filters by `pk__in=ids`), compiled once for `size` ids: a
    shorter list is sent padded with its first id (the same rows); a longer one (rarer: a whole list, not a page)
    is read through the ORM, in one query.

    With `array`, `build(ids)` filters with `InArray`: on PostgreSQL the ids are then one parameter, and one SQL,
    compiled once, reads a list of any length (a CSV's chunk of hundreds of rows as cheaply as a page's)."""

    def __init__(self, build: Callable[[list[Any]], QuerySet[Any]], *, size: int, array: bool = False) -> None:
        self._build, self._names = build, [f"id_{index}" for index in range(size)]
        stand_ins: dict[str, Any] = {name: -7_100_000_000 - index for index, name in enumerate(self._names)}
        self._query = CompiledQuery(lambda **ids: build([ids[name] for name in self._names]), **stand_ins)
        self._array = CompiledQuery(lambda ids: build(list(ids)), ids=[-7_100_000_000]) if array else None

    def rows(self, ids: Iterable[Any], using: str = "default") -> list[tuple[Any, ...]]:
        ids = list(ids)
        if not ids:
            return []
        if self._array is not None and connections[using].vendor == "postgresql":
            return self._array.rows(using, ids=ids)
        if len(ids) > len(self._names):
            return [tuple(row) for row in self._build(ids).using(using)]
        padded = ids + [ids[0]] * (len(self._names) - len(ids))
        return self._query.rows(using, **dict(zip(self._names, padded, strict=True)))


class CompiledPage:
    """A compiled query's rows for `values`, sliced as a list is: what `Paginator` pages (`[start:stop]` reads those
    rows alone, `count()` every row)."""

    def __init__(self, query: CompiledQuery, *, count: Callable[[], int], **values: Any) -> None:
        self._query, self._count, self._values = query, count, values

    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]:
        if not isinstance(index, slice) or index.step is not None or index.start is None or index.stop is None:
            raise TypeError("a compiled page is read by a [start:stop] slice")
        return self._query.rows(limit=max(index.stop - index.start, 0), offset=index.start, **self._values)

    def count(self) -> int:
        return self._count()
