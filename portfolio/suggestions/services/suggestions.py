"""An evidence item's statement suggestions: made from its title, reflection and the text of its verified
files, ranked against the statements of the apprentice's route, stored with the model that made them.

They are made again whenever anything they come from changes. Every input is folded into one sha256 (the
texts, the route's statements and AOs, their embeddings, the model): the refresh task (sent by the evidence
services after each change of an item's text or files) and every read compare it with the stored one, so a
lost task delays nothing and a read never shows suggestions for text the item no longer has.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from portfolio.coverage.selectors import coverage_summary_for
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceFileText
from portfolio.standards.models import Statement
from portfolio.suggestions.encoder import ModelInfo, model_info
from portfolio.suggestions.models import Suggestion, SuggestionRun
from portfolio.suggestions.ranking import STORED, Ranked, RouteStatement, rank_text, route_statements
from portfolio.suggestions.selectors import suggestions_enabled
from portfolio.suggestions.services.embeddings import route_embedding_shas, route_vectors

# Grows when the way an item's text is put together or ranked changes, so stored suggestions are made again.
PIPELINE_VERSION = "1"


@dataclass(frozen=True)
class ItemSuggestions:
    enabled: bool  # the provider's choice; off: nothing is made or stored
    model: ModelInfo | None
    computed_at: datetime | None
    suggestions: list[Suggestion]  # best first, with statement and outcome loaded
    covered: frozenset[str] = frozenset()  # codes of the statements the apprentice has already covered
    tagged: frozenset[str] = frozenset()  # codes this item is tagged to


def evidence_suggestions_current(*, evidence: Evidence) -> ItemSuggestions:
    """The item's suggestions, made again first when anything they come from changed."""
    if not suggestions_enabled(provider_id=evidence.apprenticeship.provider_id):
        return ItemSuggestions(enabled=False, model=None, computed_at=None, suggestions=[])
    run = _ensure(evidence)
    stored = list(
        Suggestion.objects.filter(evidence=evidence).select_related("statement", "outcome__option").order_by("rank")
    )
    summary, _ = coverage_summary_for(apprenticeship=evidence.apprenticeship)
    missing = set(summary.missing) if summary is not None and summary.computed_at is not None else None
    codes = Statement.objects.filter(standard_id=evidence.apprenticeship.standard_id).values_list("code", flat=True)
    return ItemSuggestions(
        enabled=True,
        model=ModelInfo(name=run.model_name, version=run.model_version),
        computed_at=run.computed_at,
        suggestions=stored,
        covered=frozenset(set(codes) - missing) if missing is not None else frozenset(),
        tagged=frozenset(evidence.tags.values_list("statement__code", flat=True)),
    )


def evidence_suggestions_refresh(*, evidence_id: int) -> int | None:
    """For the task: make the item's suggestions if they are stale; how many it has, or None when the item is
    gone or its provider turned suggestions off (then none are kept)."""
    evidence = Evidence.objects.select_related("apprenticeship").filter(pk=evidence_id).first()
    if evidence is None:
        return None
    if not suggestions_enabled(provider_id=evidence.apprenticeship.provider_id):
        evidence_suggestions_clear(evidence_ids=[evidence.pk])
        return None
    _ensure(evidence)
    return Suggestion.objects.filter(evidence=evidence).count()


def evidence_suggestions_clear(*, evidence_ids: list[int]) -> None:
    Suggestion.objects.filter(evidence_id__in=evidence_ids).delete()
    SuggestionRun.objects.filter(evidence_id__in=evidence_ids).delete()


def route_rank(*, standard_id: int, option_id: int | None, text: str, top: int | None = STORED) -> list[Ranked]:
    """`text` ranked against a route (core AOs plus `option_id`'s; None: core only), as an item's text is."""
    statements, _ = _route_inputs(standard_id=standard_id, option_id=option_id)
    return rank_text(text=text, statements=statements, vectors=route_vectors(statements=statements), top=top)


def _route_inputs(*, standard_id: int, option_id: int | None) -> tuple[list[RouteStatement], list[str]]:
    """The route's statements, and the sha256 of the text each one's current vector was made from."""
    statements = route_statements(standard_id=standard_id, option_id=option_id)
    return statements, route_embedding_shas(standard_id=standard_id, statements=statements)


def _file_texts(evidence: Evidence) -> list[EvidenceFileText]:
    # Only files verified now: a file rejected later (evidence_secure_verified) stops counting at once.
    return list(
        EvidenceFileText.objects.filter(
            file__evidence=evidence, file__state=EvidenceFile.State.VERIFIED, status=EvidenceFileText.Status.EXTRACTED
        )
        .only("pk", "file_id", "text_sha256")
        .order_by("file__created_at", "file_id")
    )


def _ensure(evidence: Evidence) -> SuggestionRun:
    apprenticeship = evidence.apprenticeship
    statements, statement_text_shas = _route_inputs(
        standard_id=apprenticeship.standard_id, option_id=apprenticeship.option_id
    )
    texts = _file_texts(evidence)
    info = model_info()
    digest = hashlib.sha256(
        json.dumps(
            [
                PIPELINE_VERSION,
                info.name,
                info.version,
                evidence.title,
                evidence.reflection,
                [[text.file_id, text.text_sha256] for text in texts],
                [[s.statement_id, s.outcome_id, sha] for s, sha in zip(statements, statement_text_shas, strict=True)],
            ]
        ).encode()
    ).hexdigest()
    run = SuggestionRun.objects.filter(evidence=evidence).first()
    if run is not None and run.input_sha256 == digest:
        return run
    bodies = dict(EvidenceFileText.objects.filter(pk__in=[t.pk for t in texts]).values_list("pk", "text"))
    text = "\n\n".join(part for part in [evidence.title, evidence.reflection, *(bodies[t.pk] for t in texts)] if part)
    # The model runs outside any transaction: no row is locked while it works.
    ranked = rank_text(text=text, statements=statements, vectors=route_vectors(statements=statements))
    now = timezone.now()
    with transaction.atomic():
        # The item's row serialises writers: of two runs at once, the second finds the first's result.
        locked = Evidence.objects.select_for_update().filter(pk=evidence.pk).first()
        if locked is None:  # deleted meanwhile (a draft): nothing to keep
            return SuggestionRun(input_sha256=digest, model_name=info.name, model_version=info.version, computed_at=now)
        run = SuggestionRun.objects.filter(evidence=evidence).first()
        if run is not None and run.input_sha256 == digest:
            return run
        Suggestion.objects.filter(evidence=evidence).delete()
        Suggestion.objects.bulk_create(
            Suggestion(
                evidence=evidence,
                statement_id=item.statement.statement_id,
                outcome_id=item.statement.outcome_id,
                rank=item.rank,
                score=round(item.score, 4),
                model_name=info.name,
                model_version=info.version,
                computed_at=now,
            )
            for item in ranked
        )
        run, _ = SuggestionRun.objects.update_or_create(
            evidence=evidence,
            defaults={
                "input_sha256": digest,
                "model_name": info.name,
                "model_version": info.version,
                "computed_at": now,
            },
        )
    return run
