"""The coverage API's answer for one apprenticeship, kept as the JSON it is sent as (`CoverageExplanation`).

`GET /api/apprenticeships/{id}/coverage/` answers the stored summary with its gates and checklist, and every
statement of the route explained: covered or not, and the evidence items that count for it. Explaining runs the
engine's per-statement rules for the apprenticeship and reads the catalogue's texts, several queries and tens of
milliseconds; the answer is the same until an input changes. So the first read after a recompute makes it and
keeps it, and later reads send the kept text: one query (the scoped apprenticeship with its summary, its dirty
mark and the kept answer), no serialisation.

Why a kept answer is never stale. It is kept with the summary's `recompute_count` and `computed_at` as read in
the same query that found no dirty mark, and served only while the summary still has both and no mark exists.
Every change to an input marks the apprenticeship dirty in its own transaction (portfolio/coverage/services/
dirty.py), and only a recompute clears the mark, moving both in the same transaction. So while the version is the
same and nothing is marked, the inputs are those of that recompute, and an answer made then (even one finished
after a change arrived: it is kept under the version read before, which that change's mark retires) is current.
While a change is marked (`stale`), the answer is made on each read, as the summary says it is out of date.

The JSON is built here, not by the API's serializers (`api/coverage/serializers.py`, which still describe it in
the schema), so that the worker can make answers too (the worker may not import the API); a test checks that
the two agree byte for byte.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from portfolio.core.compiled import CompiledQuery
from portfolio.coverage.gates import gates_checklist
from portfolio.coverage.models import CoverageDirty, CoverageExplanation, CoverageSummary
from portfolio.coverage.selectors import coverage_explain
from portfolio.people.models import Apprenticeship, User
from portfolio.people.selectors import apprenticeship_list_for_user


def with_kept_answer(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """Apprenticeships with their summary, their kept answer and whether a change is marked, in one query."""
    return (
        queryset.select_related(None)
        .select_related("coverage_summary", "coverage_explanation")
        .annotate(coverage_stale=Exists(CoverageDirty.objects.filter(apprenticeship_id=OuterRef("pk"))))
    )


# What decides whether the kept answer may be sent, read as plain values: building the summary's model (fifty
# columns) and the apprenticeship's costs more than the rest of a kept read.
_KEPT = (
    "pk",
    "coverage_summary__recompute_count",
    "coverage_summary__computed_at",
    "coverage_explanation__recompute_count",
    "coverage_explanation__computed_at",
    "coverage_stale",
    "coverage_explanation__body",
)


def _kept_rows(user: Any, public_id: uuid.UUID | str) -> QuerySet[Any]:
    return (
        apprenticeship_list_for_user(user=user)
        .select_related(None)
        .filter(public_id=public_id)
        .annotate(coverage_stale=Exists(CoverageDirty.objects.filter(apprenticeship_id=OuterRef("pk"))))
        .order_by()
        .values_list(*_KEPT)[:2]
    )


# The same query for any signed-in person who is neither a superuser nor inactive (every reader but a few): built
# and compiled once per process, then run with the person's id and the apprenticeship asked for.
_KEPT_FOR_MEMBER = CompiledQuery(
    lambda user_id, public_id: _kept_rows(User(pk=user_id, is_active=True, is_superuser=False), public_id),
    fields={"public_id": Apprenticeship._meta.get_field("public_id")},
    user_id=-7_000_000_001,
    public_id=uuid.UUID("00000000-0000-4000-8000-00000000c0de"),
)


def coverage_answer_for_user(*, user: Any, public_id: uuid.UUID | str) -> str:
    """The coverage answer of an apprenticeship the user may see (else Http404, as for a missing one), as JSON."""
    try:
        if getattr(user, "is_authenticated", False) and user.is_active and not user.is_superuser:
            rows = _KEPT_FOR_MEMBER.rows(user_id=user.pk, public_id=public_id)
        else:
            rows = list(_kept_rows(user, public_id))
    except (ValueError, ValidationError) as exc:  # not a UUID at all: not found, like a missing one
        raise Http404("Not found.") from exc
    if len(rows) != 1:
        raise Http404("Not found.")
    pk, version, computed_at, kept_version, kept_at, stale, body = rows[0]
    if version is not None and not stale and (kept_version, kept_at) == (version, computed_at):
        return str(body)
    return answer_of(with_kept_answer(Apprenticeship.objects.filter(pk=pk)).get())


def answer_is_current(apprenticeship: Apprenticeship) -> bool:
    """The kept answer may be sent: made from the summary as it is, and no change marked since.

    `apprenticeship` comes from `with_kept_answer`."""
    summary: CoverageSummary | None = getattr(apprenticeship, "coverage_summary", None)
    kept: CoverageExplanation | None = getattr(apprenticeship, "coverage_explanation", None)
    if summary is None or kept is None or apprenticeship.coverage_stale:  # type: ignore[attr-defined]
        return False
    return (kept.recompute_count, kept.computed_at) == (summary.recompute_count, summary.computed_at)


def answer_of(apprenticeship: Apprenticeship) -> str:
    """The kept answer if it is current, else one made now (and kept, when nothing is marked dirty).

    `apprenticeship` comes from `with_kept_answer`."""
    if answer_is_current(apprenticeship):
        return apprenticeship.coverage_explanation.body
    summary: CoverageSummary | None = getattr(apprenticeship, "coverage_summary", None)
    stale = bool(apprenticeship.coverage_stale)  # type: ignore[attr-defined]
    body = coverage_answer(apprenticeship=apprenticeship, summary=summary, stale=stale)
    if summary is not None and not stale:
        _keep(apprenticeship_id=apprenticeship.pk, summary=summary, body=body)
    return body


def coverage_answer(*, apprenticeship: Apprenticeship, summary: CoverageSummary | None, stale: bool) -> str:
    """The answer made now: the summary as given (with `stale`), every route statement explained."""
    data = {
        "apprenticeship": str(apprenticeship.public_id),
        "summary": None if summary is None else summary_answer(summary, stale=stale),
        "outcomes": coverage_explain(apprenticeship=apprenticeship),
    }
    return as_json(data)


def summary_answer(summary: CoverageSummary, *, stale: bool) -> dict[str, Any]:
    """The summary as the API sends it (`SummaryOut`), field for field and in its order."""
    gates = summary.gates
    return {
        "covered": int(summary.covered),
        "mapped": int(summary.mapped),
        "percent": float(summary.percent),
        "missing": [str(code) for code in summary.missing],
        "mandatory_missing": [str(code) for code in summary.mandatory_missing],
        "gates": gates,
        "checklist": gates_checklist(gates),
        "blocking": summary.blocking,
        "ready": bool(summary.ready),
        "state": summary.state,
        "ready_since": api_datetime(summary.ready_since),
        "computed_at": api_datetime(summary.computed_at),
        "stale": stale,
    }


def api_datetime(value: datetime.datetime | None) -> str | None:
    """A time as the API writes it (REST framework's ISO 8601: the current time zone, UTC as `Z`)."""
    if not value:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def as_json(data: Any) -> str:
    """JSON as the API's renderer writes it: compact, UTF-8 text unescaped, no NaN, and U+2028 and U+2029 escaped
    (so the text is also valid JavaScript)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# Only a newer version replaces a kept answer: a slow reader that made one for an older version does not put it
# back over the worker's newer one.
_KEEP = """
INSERT INTO coverage_coverageexplanation (apprenticeship_id, recompute_count, computed_at, body)
VALUES (%s, %s, %s, %s)
ON CONFLICT (apprenticeship_id) DO UPDATE SET
    recompute_count = excluded.recompute_count, computed_at = excluded.computed_at, body = excluded.body
WHERE coverage_coverageexplanation.recompute_count <= excluded.recompute_count
"""


def _keep(*, apprenticeship_id: int, summary: CoverageSummary, body: str) -> None:
    try:
        # A savepoint: a read inside a transaction must not be broken by the apprenticeship being deleted meanwhile.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_KEEP, [apprenticeship_id, summary.recompute_count, summary.computed_at, body])
    except IntegrityError:
        pass  # the apprenticeship is gone: nothing to keep
