"""Rank the statements of one route against a text: the one code path for evidence items and the command.

A route is the core AOs of a standard version plus the AOs of one option (no option: the core AOs alone).
Only knowledge and skill statements are ranked: behaviours are confirmed by the employer, never tagged. Within
a route each statement belongs to exactly one AO (a rule of the assessment plans), which is the AO a
suggestion names.

A text longer than the model's window is read in overlapping windows (at most MAX_WINDOWS, so the cost of one
item is bounded); a statement's score is its best cosine similarity with any window, since one paragraph of a
long document is enough to show a statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from portfolio.standards.models import OutcomeStatement, Statement
from portfolio.suggestions.encoder import get_encoder

if TYPE_CHECKING:
    import numpy as np

MAX_WINDOWS = 16  # about 4,000 tokens: the title, the reflection and the start of the documents
STORED = 10  # suggestions kept per item (and printed by the command unless told otherwise)


@dataclass(frozen=True)
class RouteStatement:
    statement_id: int
    code: str
    text: str
    outcome_id: int
    outcome_code: str
    outcome_title: str
    option: str | None  # the option's title; None for a core AO


@dataclass(frozen=True)
class Ranked:
    statement: RouteStatement
    rank: int  # from 1
    score: float  # cosine similarity, -1 to 1


def route_statements(*, standard_id: int, option_id: int | None) -> list[RouteStatement]:
    """The route's K and S statements with the AO each belongs to, core AOs first, in plan order."""
    in_route = Q(outcome__option__isnull=True)
    if option_id is not None:
        in_route |= Q(outcome__option_id=option_id)
    # Plain values, not model instances: this runs on every read of an item's suggestions.
    rows = (
        OutcomeStatement.objects.filter(in_route, outcome__standard_id=standard_id)
        .exclude(statement__kind=Statement.Kind.BEHAVIOUR)
        .order_by("outcome__option__position", "outcome__position", "position")
        .values_list(
            "statement_id",
            "statement__code",
            "statement__text",
            "outcome_id",
            "outcome__code",
            "outcome__title",
            "outcome__option__title",
        )
    )
    seen: set[int] = set()
    statements: list[RouteStatement] = []
    # Core first (order_by puts NULL option positions last on PostgreSQL): a stable sort on "has an option".
    for row in sorted(rows, key=lambda row: row[6] is not None):
        if row[0] in seen:
            continue
        seen.add(row[0])
        statements.append(
            RouteStatement(
                statement_id=row[0],
                code=row[1],
                text=row[2],
                outcome_id=row[3],
                outcome_code=row[4],
                outcome_title=row[5],
                option=row[6],
            )
        )
    return statements


def vector_to_bytes(vector: np.ndarray) -> bytes:
    import numpy as np  # imported where used: see encoder.py

    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes | memoryview) -> np.ndarray:
    import numpy as np  # imported where used: see encoder.py

    return np.frombuffer(bytes(data), dtype="<f4")


def rank_text(
    *, text: str, statements: list[RouteStatement], vectors: np.ndarray, top: int | None = STORED
) -> list[Ranked]:
    """The route's statements ranked against `text` (best first); `vectors` holds one row per statement."""
    import numpy as np  # imported where used: see encoder.py

    if not statements or not text.strip():
        return []
    windows = get_encoder().embed_windows(text, max_windows=MAX_WINDOWS)
    scores = (vectors @ windows.T).max(axis=1)
    # Ties (two statements of one text, as ST1483's K11 and K20) keep the plan's order.
    order = np.argsort(-scores, kind="stable")
    chosen = order if top is None else order[:top]
    return [Ranked(statement=statements[i], rank=n, score=float(scores[i])) for n, i in enumerate(chosen, start=1)]
