from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from portfolio.core.compiled import CompiledQuery, prefetched
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
_VISIBLE = CompiledQuery(
    lambda user_id, public_id: (
        review_evidence_list_for_user(user=User(pk=user_id, is_active=True, is_superuser=False))
        .filter(public_id=public_id)
        .order_by()
    ),
    fields={"public_id": Evidence._meta.get_field("public_id")},
    user_id=-7_000_000_411,
    public_id=uuid.UUID("00000000-0000-4000-8000-000000000411"),
)


def review_evidence_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> Evidence:
    try:
        if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
            return review_evidence_list_for_user(user=user).get(public_id=public_id)
        found = _VISIBLE.objects(user_id=user.pk, public_id=public_id)
    except (Evidence.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc
    if not found:
        raise Http404("Not found.")
    evidence: Evidence = found[0]  # type: ignore[assignment]
    return evidence


# What a decision's answer shows, each read by a query compiled once per process like the scoped read, the models
# made and left as select_related and prefetch_related leave them: the item by its key with its apprentice; its tags
# with their statements and deciders, in the model's order; the decision's verdicts with their statements, in the
# order the ORM's prefetch reads them (none given: as they were written).
_BY_KEY = CompiledQuery(
    lambda pk: Evidence.objects.select_related("apprenticeship__apprentice").filter(pk=pk).order_by(),
    pk=-7_000_000_412,
)
_TAGS = CompiledQuery(
    lambda evidence_id: EvidenceTag.objects.select_related("statement", "decided_by").filter(evidence_id=evidence_id),
    evidence_id=-7_000_000_413,
)
_VERDICTS = CompiledQuery(
    lambda decision_id: TagDecision.objects.select_related("statement").filter(decision_id=decision_id),
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
    prefetched(decision, "tag_decisions", _VERDICTS.objects(decision_id=decision.pk))
    (evidence,) = _BY_KEY.objects(pk=decision.evidence_id)
    prefetched(evidence, "tags", _TAGS.objects(evidence_id=evidence.pk))
    return evidence  # type: ignore[return-value]


def decision_list_for_evidence(*, evidence: Evidence) -> QuerySet[ReviewDecision]:
    """Every decision ever taken on the item, oldest first, invalidated ones included: the history."""
    return (
        ReviewDecision.objects.filter(evidence=evidence)
        .select_related("actor")
        .prefetch_related("tag_decisions__statement")
        .order_by("decided_at", "id")
    )
