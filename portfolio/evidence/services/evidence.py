"""Evidence items: create, change, and delete while still a draft."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.dispatch import task_send_on_commit
from portfolio.evidence import lifecycle
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import Evidence
from portfolio.evidence.roles import author_role_for, kinds_for
from portfolio.evidence.services.common import edit_check
from portfolio.evidence.services.deletions import file_objects_owe_deletion
from portfolio.evidence.signals import evidence_change_announce
from portfolio.people.models import Apprenticeship

_CLOSED = {Apprenticeship.Status.COMPLETED, Apprenticeship.Status.WITHDRAWN}
EDITABLE_FIELDS = ("title", "kind", "occurred_on", "reflection")
# Statement suggestions are made from an item's title, reflection and file texts: each change of those sends
# this task (portfolio/suggestions), by name, after the commit.
SUGGESTIONS_REFRESH = "suggestions.refresh"


def _fields_check(*, kind: str, title: str, occurred_on: datetime.date, allowed_kinds: list[str]) -> None:
    errors: dict[str, str] = {}
    if kind not in allowed_kinds:
        labels = ", ".join(str(Evidence.Kind(k).label).lower() for k in allowed_kinds)
        errors["kind"] = f"You can add only these kinds of evidence for this apprentice: {labels}."
    if not title.strip():
        errors["title"] = "Give the evidence a title."
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date it happened cannot be in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def evidence_create(
    *,
    actor: Any,
    apprenticeship: Apprenticeship,
    kind: str,
    title: str,
    occurred_on: datetime.date,
    reflection: str = "",
) -> Evidence:
    """A draft item in `apprenticeship`'s portfolio, written by `actor` in the role they hold there."""
    role = author_role_for(user=actor, apprenticeship=apprenticeship)
    if role is None:
        raise PermissionDenied(
            "Only the apprentice, their employer's contacts or their provider's staff can add evidence."
        )
    if apprenticeship.status in _CLOSED:
        raise EvidenceRefused(
            f"This apprenticeship is {apprenticeship.get_status_display().lower()}: evidence can no longer be added.",
            code="apprenticeship_closed",
            status=409,
        )
    _fields_check(kind=kind, title=title, occurred_on=occurred_on, allowed_kinds=kinds_for(role))
    evidence = Evidence.objects.create(
        apprenticeship=apprenticeship,
        author=actor,
        author_role=role,
        kind=kind,
        title=title.strip(),
        occurred_on=occurred_on,
        reflection=reflection,
    )
    audit_record(
        actor=actor,
        action="evidence.created",
        target=evidence,
        changes={"kind": kind, "title": evidence.title, "occurred_on": occurred_on, "author_role": role},
    )
    task_send_on_commit(SUGGESTIONS_REFRESH, evidence.pk)
    return evidence


@transaction.atomic
def evidence_update(
    *,
    actor: Any,
    evidence: Evidence,
    **fields: Any,
) -> Evidence:
    """Change title, kind, occurred_on or reflection. After submission the change reopens the item."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"evidence_update() cannot change {sorted(unknown)}")
    evidence = Evidence.objects.select_for_update().select_related("apprenticeship").get(pk=evidence.pk)
    edit_check(actor=actor, evidence=evidence)
    changes = {name: value for name, value in fields.items() if getattr(evidence, name) != value}
    if not changes:
        return evidence
    merged = {name: changes.get(name, getattr(evidence, name)) for name in EDITABLE_FIELDS}
    allowed = kinds_for(evidence.author_role)
    if "kind" not in changes and evidence.kind not in allowed:
        allowed = [*allowed, evidence.kind]  # an unchanged kind stays valid
    _fields_check(kind=merged["kind"], title=merged["title"], occurred_on=merged["occurred_on"], allowed_kinds=allowed)
    for name, value in changes.items():
        setattr(evidence, name, value.strip() if name == "title" else value)
    evidence.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=actor, action="evidence.updated", target=evidence, changes=changes)
    evidence_change_announce(evidence=evidence, actor=actor, change="fields: " + ", ".join(sorted(changes)))
    if {"title", "reflection"} & set(changes):
        task_send_on_commit(SUGGESTIONS_REFRESH, evidence.pk)
    evidence.refresh_from_db()
    return evidence


@transaction.atomic
def evidence_delete_draft(*, actor: Any, evidence: Evidence) -> None:
    """Delete a draft that was never submitted, with its files; their objects leave storage after commit."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.author_id != actor.pk:
        raise PermissionDenied("Only the author of this evidence can delete it.")
    if evidence.ever_submitted or lifecycle.decided(evidence.state):
        # The review trail must survive: evidence someone may have looked at is withdrawn, never deleted.
        raise EvidenceRefused(
            f"“{evidence.title}” was submitted, so it cannot be deleted: withdraw it instead.",
            code="evidence_was_submitted",
            status=409,
        )
    files = list(evidence.files.values_list("object_key", "verified_key", "slot_expires_at"))
    # The debt is written with the deletion, so a lost task cannot leave the objects behind for good.
    keys = file_objects_owe_deletion(files=files, reason="draft deleted")
    audit_record(
        actor=actor,
        action="evidence.deleted",
        target=evidence,
        changes={"title": evidence.title, "files": len(files)},
    )
    evidence.delete()
    if keys:
        task_send_on_commit("evidence.delete_objects", keys)
