"""Statement embeddings: computed once per standard version at import (a task), again only for a changed text."""

from __future__ import annotations

from typing import Any

import pytest

from portfolio.standards.models import Statement
from portfolio.suggestions.encoder import model_info
from portfolio.suggestions.models import StatementEmbedding
from portfolio.suggestions.ranking import vector_from_bytes
from portfolio.suggestions.services.embeddings import standard_embeddings_compute
from tests.factories import make_route_standard
from tests.standards.conftest import api_document, plan_text


@pytest.mark.django_db
def test_knowledge_and_skills_are_embedded_once_and_again_when_their_text_changes() -> None:
    standard = make_route_standard()

    assert standard_embeddings_compute(standard_id=standard.pk) == 5  # K1, S1, K27, K2, K3: never B1
    assert standard_embeddings_compute(standard_id=standard.pk) == 0
    embedded = StatementEmbedding.objects.filter(statement__standard=standard)
    assert sorted(embedded.values_list("statement__code", flat=True)) == ["K1", "K2", "K27", "K3", "S1"]
    row = embedded.get(statement__code="K1")
    assert (row.model_name, row.model_version) == (model_info().name, model_info().version)
    vector = vector_from_bytes(row.vector)
    assert vector.shape == (384,)
    assert abs(float(vector @ vector) - 1) < 1e-4

    Statement.objects.filter(standard=standard, code="K1").update(text="Fire safety in venues")
    assert standard_embeddings_compute(standard_id=standard.pk) == 1
    assert embedded.get(statement__code="K1").vector != row.vector


@pytest.mark.django_db
def test_each_import_sends_the_embedding_task(monkeypatch: pytest.MonkeyPatch) -> None:
    from portfolio.standards import services

    sent: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(services, "task_send_on_commit", lambda name, *args: sent.append((name, args)))

    first = services.standard_import(plan=plan_text("ST0792"), api_document=api_document("ST0792"))
    again = services.standard_import(plan=plan_text("ST0792"), api_document=api_document("ST0792"))

    assert (first.status, again.status) == ("created", "unchanged")
    assert first.standard is not None
    assert sent == [("suggestions.embed_standard", (first.standard.pk,))] * 2
