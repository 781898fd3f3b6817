"""An ORM query built and compiled to SQL once per process, then run again with other values.

Building a scoped queryset (the person's scope as subqueries, a few annotations) and compiling it to SQL costs more
CPU than PostgreSQL spends running it: on the coverage read, about half the request. For a hot read whose shape
never changes, `CompiledQuery` builds the queryset once with stand-in values, compiles it, finds where each
stand-in went among the SQL's parameters, and from then on runs that SQL with the real values in their places,
converting the rows exactly as the queryset would (its compiler's converters). The rule stays in the queryset:
what is compiled is what the ORM would send.

Only a `values_list` queryset is supported (rows as tuples: no model instances). A stand-in must be a value no
constant of the query can equal (a negative id, a fresh UUID), and must reach the SQL as a parameter: if one does
not, or appears in a form the compiler changed, building fails loudly rather than running the wrong query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Field, QuerySet


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

    def rows(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        if set(values) != set(self._stand_ins):
            raise TypeError(f"values for {sorted(self._stand_ins)} expected, got {sorted(values)}")
        compiler, sql, params, names = self._compile(using)
        sent = {name: self._prepared(name, value, using) for name, value in values.items()}
        bound = [param if name is None else sent[name] for param, name in zip(params, names, strict=True)]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter(results=[fetched], tuple_expected=True)]

    def _prepared(self, name: str, value: Any, alias: str) -> Any:
        field = self._fields.get(name)
        return value if field is None else field.get_db_prep_value(value, connections[alias], prepared=False)


def _same(param: Any, value: Any) -> bool:
    return type(param) is type(value) and param == value
