from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from portfolio.core.compiled import CompiledQuery, RowModels, prefetched
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.people.models import User
from portfolio.people.selectors import apprenticeship_list_for_user
from portfolio.reviews.models import ReviewDecision, TagDecision


def review_evidence_list_for_user(*, user: Any) -> QuerySet[Evidence]:
    """Evidence of the apprenticeships the user may see (their own, their employer's, their provider's)."""
    return Evidence.objects.select_related("apprenticeship__apprentice", "author").filter(
        apprenticeship__in=apprenticeship_list_for_user(user=user).values("pk")
    )


# The item with what `review_evidence_list_for_user` joins, for a person in their organisations' scope (neither a
# superuser nor inactive): every decision and review page reads it first, so it is built and compiled once per
# process (`CompiledQuery`); building the scope's subqueries cost more CPU than PostgreSQL spends running them. The
# stand-ins are a person and an id no row has.
_JOINED = RowModels(Evidence, "apprenticeship", "apprenticeship__apprentice", "author")
_VISIBLE = CompiledQuery(
    lambda user_id, public_id: (
        review_evidence_list_for_user(user=User(pk=user_id, is_active=True, is_superuser=False))
        .filter(public_id=public_id)
        .order_by()
        .values_list(*_JOINED.columns)
    ),
    fields={"public_id": Evidence._meta.get_field("public_id")},
    user_id=-7_000_000_411,
    public_id=uuid.UUID("00000000-0000-4000-8000-000000000411"),
)


def review_evidence_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> Evidence:
    try:
        if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
            return review_evidence_list_for_user(user=user).get(public_id=public_id)
        rows = _VISIBLE.rows(user_id=user.pk, public_id=public_id)
    except (Evidence.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc
    if not rows:
        raise Http404("Not found.")
    evidence: Evidence = _JOINED.make(rows[0])
    return evidence


# What a decision's answer shows, each read by a query compiled once per process like the scoped read, the models
# made and left as select_related and prefetch_related leave them: the item by its key with its apprentice; its tags
# with their statements and deciders, in the model's order; the decision's verdicts with their statements, in the
# order the ORM's prefetch reads them (none given: as they were written).
_ANSWERED = RowModels(Evidence, "apprenticeship", "apprenticeship__apprentice")
_BY_KEY = CompiledQuery(
    lambda pk: Evidence.objects.filter(pk=pk).order_by().values_list(*_ANSWERED.columns), pk=-7_000_000_412
)
_TAG = RowModels(EvidenceTag, "statement", "decided_by")
_TAGS = CompiledQuery(
    lambda evidence_id: EvidenceTag.objects.filter(evidence_id=evidence_id).values_list(*_TAG.columns),
    evidence_id=-7_000_000_413,
)
_VERDICT = RowModels(TagDecision, "statement")
_VERDICTS = CompiledQuery(
    lambda decision_id: TagDecision.objects.filter(decision_id=decision_id).values_list(*_VERDICT.columns),
    decision_id=-7_000_000_414,
)


def review_evidence_after_decision(*, decision: ReviewDecision) -> Evidence:
    """The item as the decision left it, with what a decision's answer shows: its apprentice, its tags (each
    with its statement and who decided it) and the decision's per-statement verdicts, in three queries
    whatever the number of tags.

    Read again after the write, since the services change more than the state (a submission its date, an
    acceptance its tags). Read by its key: the person was allowed to see the item before deciding, and a
    decision never moves it to another apprenticeship.
    """
    prefetched(decision, "tag_decisions", [_VERDICT.make(line) for line in _VERDICTS.rows(decision_id=decision.pk)])
    (row,) = _BY_KEY.rows(pk=decision.evidence_id)
    evidence: Evidence = _ANSWERED.make(row)
    prefetched(evidence, "tags", [_TAG.make(line) for line in _TAGS.rows(evidence_id=evidence.pk)])
    return evidence


def decision_list_for_evidence(*, evidence: Evidence) -> QuerySet[ReviewDecision]:
    """Every decision ever taken on the item, oldest first, invalidated ones included: the history."""
    return (
        ReviewDecision.objects.filter(evidence=evidence)
        .select_related("actor")
        .prefetch_related("tag_decisions__statement")
        .order_by("decided_at", "id")
    )
