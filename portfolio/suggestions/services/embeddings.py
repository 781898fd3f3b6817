"""Statement embeddings: computed once per standard version when it is imported (task
`suggestions.embed_standard`, sent by the import), and again for any statement whose text or model changed.

Idempotent: a statement whose stored vector was made from its current text by the current model is skipped,
so the task may run twice, and an unchanged re-import costs one query.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.utils import timezone

from portfolio.standards.models import Statement
from portfolio.suggestions.encoder import get_encoder, model_info
from portfolio.suggestions.models import StatementEmbedding
from portfolio.suggestions.ranking import RouteStatement, vector_from_bytes, vector_to_bytes

if TYPE_CHECKING:
    import numpy as np


def _text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _is_current(embedding: StatementEmbedding | None, text: str) -> bool:
    info = model_info()
    return (
        embedding is not None
        and embedding.model_name == info.name
        and embedding.model_version == info.version
        and embedding.text_sha256 == _text_sha256(text)
    )


def standard_embeddings_compute(*, standard_id: int) -> int:
    """Embed the standard version's K and S statements that have no current vector; how many were embedded.
    Behaviours are never suggested, so never embedded."""
    statements = list(Statement.objects.filter(standard_id=standard_id).exclude(kind=Statement.Kind.BEHAVIOUR))
    stored = {row.statement_id: row for row in StatementEmbedding.objects.filter(statement__in=statements)}
    todo = [statement for statement in statements if not _is_current(stored.get(statement.pk), statement.text)]
    if not todo:
        return 0
    vectors = get_encoder().embed([statement.text for statement in todo])
    info = model_info()
    now = timezone.now()
    # An upsert: two runs at once (a re-import while the first task still runs) both succeed, last one wins
    # with the same vectors.
    StatementEmbedding.objects.bulk_create(
        [
            StatementEmbedding(
                statement=statement,
                model_name=info.name,
                model_version=info.version,
                text_sha256=_text_sha256(statement.text),
                vector=vector_to_bytes(vector),
                computed_at=now,
            )
            for statement, vector in zip(todo, vectors, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["statement"],
        update_fields=["model_name", "model_version", "text_sha256", "vector", "computed_at"],
    )
    return len(todo)


def route_embedding_shas(*, standard_id: int, statements: list[RouteStatement]) -> list[str]:
    """The sha256 of the text each route statement's stored vector was made from (without loading the vectors).

    A statement without a current vector (its import's task has not run yet, or the model changed) has its
    standard embedded now, here: suggestions are never made against a stale or missing vector.
    """
    ids = [statement.statement_id for statement in statements]
    info = model_info()

    def stored() -> dict[int, tuple[str, str, str]]:
        rows = StatementEmbedding.objects.filter(statement_id__in=ids).values_list(
            "statement_id", "model_name", "model_version", "text_sha256"
        )
        return {statement_id: (name, version, sha) for statement_id, name, version, sha in rows}

    def current(found: dict[int, tuple[str, str, str]]) -> bool:
        return all(found.get(s.statement_id) == (info.name, info.version, _text_sha256(s.text)) for s in statements)

    found = stored()
    if not current(found):
        standard_embeddings_compute(standard_id=standard_id)
        found = stored()
    return [found[statement_id][2] for statement_id in ids]


def route_vectors(*, statements: list[RouteStatement]) -> np.ndarray:
    """One stored vector per route statement, a row each (route_embedding_shas made sure they are current)."""
    import numpy as np  # imported where used: see encoder.py

    ids = [statement.statement_id for statement in statements]
    vectors = dict(StatementEmbedding.objects.filter(statement_id__in=ids).values_list("statement_id", "vector"))
    if not ids:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([vector_from_bytes(vectors[statement_id]) for statement_id in ids])
