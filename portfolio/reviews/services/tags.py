"""Setting tag states inside a decision, with their TagDecision record."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from portfolio.core.compiled import CompiledQuery
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.reviews.models import ReviewDecision, TagDecision

# The tags of one item with their statements, in the model's order (the statements' positions): read by a query
# compiled once per process, the models made as select_related makes them. The stand-in is an id no row has.
_TAGS = CompiledQuery(
    lambda evidence_id: EvidenceTag.objects.select_related("statement").filter(evidence_id=evidence_id),
    evidence_id=-7_000_000_451,
)


def tags_with_statements(*, evidence: Evidence) -> list[EvidenceTag]:
    """The item's tags with their statements, read once for a decision: to check verdicts and to decide them."""
    tags: list[EvidenceTag] = _TAGS.objects(evidence_id=evidence.pk)  # type: ignore[assignment]
    return tags


def tags_decide(
    *,
    tags: list[EvidenceTag],
    decision: ReviewDecision,
    actor: Any,
    verdicts: dict[int, tuple[bool, str]],
) -> list[TagDecision]:
    """`tags`: the item's (`tags_with_statements`); verdicts: tag pk -> (accepted, comment). Sets each tag and
    records it under the decision; the records, in the order of the verdicts."""
    now = timezone.now()
    by_pk = {tag.pk: tag for tag in tags}
    rows = []
    same_verdict: dict[tuple[bool, str], list[int]] = {}
    for tag_id, (accepted, comment) in verdicts.items():
        tag = by_pk[tag_id]
        tag.state = EvidenceTag.State.ACCEPTED if accepted else EvidenceTag.State.DECLINED
        tag.comment = comment
        tag.decided_by = actor
        tag.decided_at = now
        same_verdict.setdefault((accepted, comment), []).append(tag_id)
        rows.append(TagDecision(decision=decision, statement=tag.statement, accepted=accepted, comment=comment))
    # One update for the tags given the same verdict (all of them, when every statement is accepted without a
    # comment), not one per tag.
    for (accepted, comment), tag_ids in same_verdict.items():
        EvidenceTag.objects.filter(pk__in=tag_ids).update(
            state=EvidenceTag.State.ACCEPTED if accepted else EvidenceTag.State.DECLINED,
            comment=comment,
            decided_by=actor,
            decided_at=now,
        )
    return TagDecision.objects.bulk_create(rows)


def tags_accept_all(*, evidence: Evidence, decision: ReviewDecision, actor: Any, comment: str) -> list[TagDecision]:
    """The policy has no provider step: the item is accepted for every statement it is tagged to."""
    tags = tags_with_statements(evidence=evidence)
    verdicts = dict.fromkeys((tag.pk for tag in tags), (True, comment))
    return tags_decide(tags=tags, decision=decision, actor=actor, verdicts=verdicts)


def tags_reset(*, evidence: Evidence) -> bool:
    """Back to pending (a return, a withdrawal): True when some accepted tag stopped counting."""
    had_accepted = evidence.tags.filter(state=EvidenceTag.State.ACCEPTED).exists()
    evidence.tags.exclude(state=EvidenceTag.State.PENDING).update(
        state=EvidenceTag.State.PENDING, decided_by=None, decided_at=None, comment=""
    )
    return had_accepted
