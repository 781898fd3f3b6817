"""Tags: which statements of the apprentice's route an item evidences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.evidence.roles import may_tag
from portfolio.evidence.route import tag_codes_check
from portfolio.evidence.services.common import change_refusal
from portfolio.evidence.signals import evidence_change_announce


@transaction.atomic
def evidence_tags_set(*, actor: Any, evidence: Evidence, codes: Iterable[str]) -> list[EvidenceTag]:
    """Replace the item's tags with these statement codes. Unchanged tags keep their state (and decision).

    Every code must be a K or S statement of the apprentice's route; otherwise nothing changes and the
    refusal names each bad code and why.
    """
    evidence = Evidence.objects.select_for_update().select_related("apprenticeship__standard").get(pk=evidence.pk)
    refusal = change_refusal(evidence, "its tags")
    if refusal is not None:
        raise refusal
    if not may_tag(user=actor, evidence=evidence):
        raise PermissionDenied("Only the apprentice or the author of this evidence can tag it.")
    statements, rejected = tag_codes_check(apprenticeship=evidence.apprenticeship, codes=codes)
    if rejected:
        raise EvidenceRefused(
            "These statements cannot be tagged: " + "; ".join(rejected.values()) + ".",
            code="invalid_tags",
            details={"statements": rejected},
        )
    current = {tag.statement_id: tag for tag in evidence.tags.all()}
    wanted = {statement.pk: statement for statement in statements}
    removed = [tag for statement_id, tag in current.items() if statement_id not in wanted]
    added = [statement for statement_id, statement in wanted.items() if statement_id not in current]
    if not removed and not added:
        return list(evidence.tags.select_related("statement"))
    had_accepted = any(tag.state == EvidenceTag.State.ACCEPTED for tag in current.values())
    EvidenceTag.objects.filter(pk__in=[tag.pk for tag in removed]).delete()
    EvidenceTag.objects.bulk_create([EvidenceTag(evidence=evidence, statement=statement) for statement in added])
    audit_record(
        actor=actor,
        action="evidence.tags_set",
        target=evidence,
        changes={
            "added": sorted(statement.code for statement in added),
            "removed": sorted(tag.statement.code for tag in removed),
        },
    )
    if had_accepted:
        # Accepted tags are a coverage input: the recompute must see the new set.
        coverage_mark_dirty(apprenticeship_ids=[evidence.apprenticeship_id], reason="evidence tags changed")
    evidence_change_announce(evidence=evidence, actor=actor, change="tags")
    return list(evidence.tags.select_related("statement"))
