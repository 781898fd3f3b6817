"""An ORM query built and compiled to SQL once per process, then run again with other values.

Building a scoped queryset (the person's scope as subqueries, a few annotations) and compiling it to SQL costs more
CPU than PostgreSQL spends running it: on the coverage read, about half the request. For a hot read whose shape
never changes, `CompiledQuery` builds the queryset once with stand-in values, compiles it, finds where each
stand-in went among the SQL's parameters, and from then on runs that SQL with the real values in their places,
converting the rows exactly as the queryset would (its compiler's converters). The rule stays in the queryset:
what is compiled is what the ORM would send.

A `values_list` queryset answers rows as tuples (`rows`; a page of an unsliced one is asked for with `limit` and
`offset`, sent as parameters too); a queryset of models answers instances made as the ORM makes them (`objects`). A
stand-in must be a value no constant of the query can equal (a negative id, a fresh UUID), and must reach the SQL as
a parameter: if one does not, or appears in a form the compiler changed, building fails loudly rather than running
the wrong query. `CompiledIdsQuery` is one for a list of up to so many ids (a page's rows), or of any length when it
filters with `InArray`; `CompiledPage` a page of one for Django's paginators (`count` counts any one's rows),
`CompiledShapes` one per shape of a query built from lists of ids (the organisations a person holds, say). A query
no row can match (`none()`, an empty list of ids) answers no rows without a statement, as the ORM does. `prefetched`
leaves models read so where `prefetch_related` leaves a reverse foreign key's rows.

A stand-in for a number compared with a column must lie within the column's range: Django drops a comparison with
a value beyond it (the query then matches no row, and would be kept so). A number psycopg is sent typed (an Int4 in
an expression, with server-side binding) is sent so with the real value; `count` counts what a query answers as
`QuerySet.count()` does.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Field, Lookup, Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators  # type: ignore[attr-defined]


class CompiledQuery:
    """`build(**stand_ins)` -> a values_list queryset; `rows(**values)` runs its SQL with `values` in their place."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], *, fields: dict[str, Field[Any, Any]] | None = None, **stand_ins: Any
    ) -> None:
        """`fields`: the model field a stand-in is compared with, when the database is sent it in another form
        (a UUID is sent as text to SQLite): its value is prepared as that field prepares it, stand-in and real."""
        self._build, self._stand_ins, self._fields = build, stand_ins, fields or {}
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()
        self._models = False

    def _compile(self, alias: str) -> _Compiled:
        key = (alias, connections[alias].vendor)  # SQL in that database's dialect
        with self._lock:
            if key in self._compiled:
                return self._compiled[key]
            queryset = self._build(**self._stand_ins)
            # A queryset of models that iterating would add nothing to besides the rows (no prefetch, no related
            # manager's objects): what `objects` makes.
            self._models = queryset._iterable_class is ModelIterable and not (
                queryset._prefetch_related_lookups or queryset._known_related_objects  # type: ignore[attr-defined]
            )
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:  # no row can match (`none()`, an empty list of ids): no statement, as the ORM
                self._compiled[key] = _Compiled(compiler, "", [], [], {})
                return self._compiled[key]
            sent = {name: self._prepared(name, value, alias) for name, value in self._stand_ins.items()}
            names: list[str | None] = []
            wrapped: dict[int, type] = {}
            for position, param in enumerate(params):
                matched = [name for name, value in sent.items() if _same(param, value)]
                names.append(matched[0] if matched else None)
                if matched and type(param) is not type(sent[matched[0]]):
                    # Sent typed (a number in an expression is sent as psycopg's Int4 with server-side binding):
                    # the real value is sent so too.
                    wrapped[position] = type(param)
            missing = set(self._stand_ins) - set(names)
            if missing:
                raise ValueError(f"stand-ins {sorted(missing)} did not reach the SQL as parameters")
            entry = _Compiled(compiler, sql, list(params), names, wrapped)
            self._compiled[key] = entry
            return entry

    def rows(
        self, using: str = "default", *, limit: int | None = None, offset: int = 0, **values: Any
    ) -> list[tuple[Any, ...]]:
        """The rows for `values` (one per stand-in); `limit` rows from `offset` on, with a `limit`."""
        compiled, fetched = self._fetch(using, limit, offset, values)
        return [tuple(row) for row in compiled.converted(fetched)]

    def count(self, using: str = "default", **values: Any) -> int:
        """How many rows `rows` would answer for `values`, counted by the database over the statement (a grouped
        one's groups), as `QuerySet.count()` counts. A queryset built to be counted has no order (`order_by()`):
        the database would sort every row first."""
        _, fetched = self._fetch(using, None, 0, values, counted=True)
        return int(fetched[0][0]) if fetched else 0

    def objects(self, using: str = "default", **values: Any) -> list[Model]:
        """The model instances for `values`, for a queryset of models: made from each row as iterating the
        queryset makes them (`from_db`, its `select_related` relations and annotations set as Django's
        `ModelIterable` sets them)."""
        compiled, fetched = self._fetch(using, None, 0, values)
        compiler = compiled.compiler
        klass_info, select = compiler.klass_info, compiler.select
        if klass_info is None or not self._models:
            raise TypeError("objects() reads a queryset of models, with no prefetch or related manager's objects")
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[first:last]]
        populators = get_related_populators(klass_info, select, using)
        found = []
        for row in compiled.converted(fetched):
            instance = klass_info["model"].from_db(using, init_list, row[first:last])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in compiler.annotation_col_map.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def _fetch(
        self, using: str, limit: int | None, offset: int, values: dict[str, Any], *, counted: bool = False
    ) -> tuple[_Compiled, list[Any]]:
        if set(values) != set(self._stand_ins):
            raise TypeError(f"values for {sorted(self._stand_ins)} expected, got {sorted(values)}")
        compiled = self._compile(using)
        compiler, sql, params, names = compiled.compiler, compiled.sql, compiled.params, compiled.names
        if not sql:
            return compiled, []
        sent = {name: self._prepared(name, value, using) for name, value in values.items()}
        bound = [param if name is None else sent[name] for param, name in zip(params, names, strict=True)]
        for position, wrap in compiled.wrapped.items():
            bound[position] = wrap(bound[position])
        if limit is not None:
            if compiler.query.is_sliced:
                raise ValueError("the queryset is sliced already: a limit and an offset would be a second slice")
            sql, bound = f"{sql} LIMIT %s OFFSET %s", [*bound, int(limit), int(offset)]
        if counted:
            sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 (the statement the ORM compiled)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, bound)
            return compiled, cursor.fetchall()

    def _prepared(self, name: str, value: Any, alias: str) -> Any:
        field = self._fields.get(name)
        return value if field is None else field.get_db_prep_value(value, connections[alias], prepared=False)


class _Compiled:
    """A compiled query's SQL (empty when no row can match), where each stand-in went among its parameters
    (`names`, None for a constant), and how its rows are
    converted: the compiler's converters, looked up once (`results_iter` looks them up for every read, a call or two
    per column, which cost more than converting a page's few rows)."""

    def __init__(
        self, compiler: Any, sql: str, params: list[Any], names: list[str | None], wrapped: dict[int, type]
    ) -> None:
        self.compiler, self.sql, self.params, self.names = compiler, sql, params, names
        self.wrapped = wrapped  # the positions of parameters sent in a type of their own (psycopg's Int4, say)
        self._columns = [column[0] for column in compiler.select[: compiler.col_count]] if sql else []
        self._converters = compiler.get_converters(self._columns)
        self._composite = compiler.has_composite_fields(self._columns)

    def converted(self, fetched: list[Any]) -> Iterable[Any]:
        """The fetched rows as `compiler.results_iter(results=[fetched])` answers them."""
        rows: Iterable[Any] = fetched
        if self._converters:
            rows = self.compiler.apply_converters(rows, self._converters)
        if self._composite:
            rows = self.compiler.composite_fields_to_tuples(rows, self._columns)
        return rows


def _same(param: Any, value: Any) -> bool:
    """The parameter is the value: of its type, or of a subclass of it (psycopg's Int4 of an int), never a bool."""
    kind = type(value)
    return (type(param) is kind or (isinstance(param, kind) and not isinstance(param, bool))) and param == value


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


class InNamed(Lookup):
    """`InNamed(F("state"), ["submitted", "confirmed"])`, a filter: the field is one of these values, which the code
    names (states, kinds; never a person's input), written into the statement, not sent as parameters. A prepared
    statement's generic plan then knows them: a partial index whose condition names them (the items waiting in a
    state) can answer it, so PostgreSQL keeps that plan rather than planning the statement again on every run, as it
    must when the value is a parameter the index's condition may not hold for."""

    lookup_name = "in_named"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        values = [str(value) for value in self.rhs]
        if not values:
            raise EmptyResultSet
        for value in values:
            if not _NAMED.fullmatch(value):
                raise ValueError(f"{value!r} is not a value the code names: send it as a parameter")
        written = ", ".join(f"'{value}'" for value in values)
        return f"{lhs} IN ({written})", list(params)


_NAMED = re.compile(r"[a-z0-9_]+")


class CompiledIdsQuery:
    """A query over a list of ids (`build(ids)`, which filters by `pk__in=ids`), compiled once for `size` ids: a
    shorter list is sent padded with its first id (the same rows); a longer one (rarer: a whole list, not a page)
    is read through the ORM, in one query. Other values the query takes are stand-ins as `CompiledQuery`'s
    (`build(ids, **values)`, `rows(ids, **values)`).

    With `array`, `build(ids)` filters with `InArray`: on PostgreSQL the ids are then one parameter, and one SQL,
    compiled once, reads a list of any length (a CSV's chunk of hundreds of rows as cheaply as a page's)."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], *, size: int, array: bool = False, **stand_ins: Any
    ) -> None:
        self._build, self._names, self._others = build, [f"id_{index}" for index in range(size)], list(stand_ins)
        if set(self._names) & set(stand_ins) or "ids" in stand_ins:
            raise ValueError(f"stand-ins named {sorted(stand_ins)} would be taken for ids")
        others = dict(stand_ins)
        stand_ins |= {name: -7_100_000_000 - index for index, name in enumerate(self._names)}
        self._query = CompiledQuery(
            lambda **values: build(
                [values[name] for name in self._names], **{name: values[name] for name in self._others}
            ),
            **stand_ins,
        )
        self._array = (
            CompiledQuery(lambda ids, **values: build(list(ids), **values), ids=[-7_100_000_000], **others)
            if array
            else None
        )

    def rows(self, ids: Iterable[Any], using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._read(ids, using, values, models=False)
        return rows

    def objects(self, ids: Iterable[Any], using: str = "default", **values: Any) -> list[Model]:
        """The model instances, for a queryset of models (as `CompiledQuery.objects`)."""
        models: list[Model] = self._read(ids, using, values, models=True)
        return models

    def _read(self, ids: Iterable[Any], using: str, values: dict[str, Any], *, models: bool) -> list[Any]:
        ids = list(ids)
        if not ids:
            return []
        if self._array is not None and connections[using].vendor == "postgresql":
            query, bound = self._array, {"ids": ids, **values}
        elif len(ids) > len(self._names):
            found = self._build(ids, **values).using(using)
            return list(found) if models else [tuple(row) for row in found]
        else:
            padded = ids + [ids[0]] * (len(self._names) - len(ids))
            query, bound = self._query, {**dict(zip(self._names, padded, strict=True)), **values}
        return query.objects(using, **bound) if models else query.rows(using, **bound)


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


def prefetched(instance: Model, name: str, related: Iterable[Model]) -> None:
    """Leave `related` where `prefetch_related(name)` leaves the rows of a reverse foreign key: `instance.<name>.all()`
    answers them, in this order, without a query, each with its foreign key to `instance` cached on it. For models a
    compiled query made (`CompiledQuery.objects`) in the order the ORM's prefetch would. The queryset kept is the
    manager's own, so anything chained on it (`.filter()`) still asks the database, as after a prefetch."""
    manager = getattr(instance, name)
    field = manager.field  # the related model's foreign key to `instance`
    rows = list(related)
    for row in rows:
        field.set_cached_value(row, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    instance._prefetched_objects_cache[field.remote_field.cache_name] = queryset  # type: ignore[attr-defined]


class CompiledShapes:
    """A query built from lists of ids and single ids (`build(key, **values)`), compiled once for each shape: the
    lists' lengths, and `key`, whatever else decides how the query is built (a branch taken, constants written into
    it, such as policies read first). `build` is given stand-ins (ids no row has) and must decide nothing by their
    values; a list's stand-ins are distinct, so a real list may repeat an id (the same rows for `__in`). A single
    value that is not an id (a time) is given its stand-in here, with its field where the database is sent it in
    another form (as `CompiledQuery`'s)."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], *, fields: dict[str, Field[Any, Any]] | None = None, **stand_ins: Any
    ) -> None:
        self._build, self._fields, self._stand_ins = build, fields or {}, stand_ins
        self._compiled: dict[Hashable, CompiledQuery] = {}

    def queryset(self, key: Hashable = (), **values: Any) -> QuerySet[Any]:
        """The query with the real values, through the ORM (where a compiled one cannot serve)."""
        return self._build(key, **values)

    def rows(self, key: Hashable = (), using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        query, flat = self._shape(key, values)
        return query.rows(using, **flat)

    def count(self, key: Hashable = (), using: str = "default", **values: Any) -> int:
        """How many rows `rows` would answer (`CompiledQuery.count`)."""
        query, flat = self._shape(key, values)
        return query.count(using, **flat)

    def _shape(self, key: Hashable, values: dict[str, Any]) -> tuple[CompiledQuery, dict[str, Any]]:
        shape = (key, tuple(sorted((name, len(v) if isinstance(v, list) else None) for name, v in values.items())))
        query = self._compiled.get(shape)
        if query is None:
            query = self._compiled.setdefault(shape, self._query(key, values))
        flat: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, list):
                flat |= {f"{name}_{index}": item for index, item in enumerate(value)}
            else:
                flat[name] = value
        return query, flat

    def _query(self, key: Hashable, values: dict[str, Any]) -> CompiledQuery:
        numbers = itertools.count(-7_200_000_000, -1)
        stand_ins: dict[str, Any] = {}
        shapes: dict[str, list[str] | None] = {}
        for name, value in sorted(values.items()):
            if isinstance(value, list):
                names = [f"{name}_{index}" for index in range(len(value))]
                shapes[name] = names
                stand_ins |= {flat: next(numbers) for flat in names}
            else:
                shapes[name] = None
                stand_ins[name] = self._stand_ins.get(name, next(numbers))

        def build(**flat: Any) -> QuerySet[Any]:
            return self._build(
                key,
                **{name: flat[name] if names is None else [flat[n] for n in names] for name, names in shapes.items()},
            )

        return CompiledQuery(build, fields=self._fields, **stand_ins)
