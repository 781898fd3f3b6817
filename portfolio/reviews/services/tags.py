"""Setting tag states inside a decision, with their TagDecision record."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.reviews.models import ReviewDecision, TagDecision


def tags_decide(
    *, evidence: Evidence, decision: ReviewDecision, actor: Any, verdicts: dict[int, tuple[bool, str]]
) -> None:
    """verdicts: tag pk -> (accepted, comment). Sets each tag and records it under the decision."""
    now = timezone.now()
    tags = {tag.pk: tag for tag in evidence.tags.select_related("statement")}
    rows = []
    for tag_id, (accepted, comment) in verdicts.items():
        tag = tags[tag_id]
        tag.state = EvidenceTag.State.ACCEPTED if accepted else EvidenceTag.State.DECLINED
        tag.comment = comment
        tag.decided_by = actor
        tag.decided_at = now
        tag.save(update_fields=["state", "comment", "decided_by", "decided_at"])
        rows.append(TagDecision(decision=decision, statement=tag.statement, accepted=accepted, comment=comment))
    TagDecision.objects.bulk_create(rows)


def tags_accept_all(*, evidence: Evidence, decision: ReviewDecision, actor: Any, comment: str) -> None:
    """The policy has no provider step: the item is accepted for every statement it is tagged to."""
    tags_decide(
        evidence=evidence,
        decision=decision,
        actor=actor,
        verdicts=dict.fromkeys(evidence.tags.values_list("pk", flat=True), (True, comment)),
    )


def tags_reset(*, evidence: Evidence) -> bool:
    """Back to pending (a return, a withdrawal): True when some accepted tag stopped counting."""
    had_accepted = evidence.tags.filter(state=EvidenceTag.State.ACCEPTED).exists()
    evidence.tags.exclude(state=EvidenceTag.State.PENDING).update(
        state=EvidenceTag.State.PENDING, decided_by=None, decided_at=None, comment=""
    )
    return had_accepted
