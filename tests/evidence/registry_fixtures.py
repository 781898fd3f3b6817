"""Objects the permission matrix needs for the evidence routes, made in the "own" world."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from portfolio.evidence.models import EvidenceFile
from portfolio.evidence.services.files import evidence_file_slot_open
from portfolio.storage import verified_key_for
from tests.evidence.helpers import make_evidence
from tests.factories import World


def evidence_kwargs(w: World) -> dict[str, Any]:
    return {"public_id": make_evidence(w).public_id}


def evidence_file_kwargs(w: World) -> dict[str, Any]:
    evidence = make_evidence(w)
    opened = evidence_file_slot_open(
        actor=w.apprentice, evidence=evidence, file_name="a.pdf", content_type="application/pdf", size=10
    )
    return {"public_id": evidence.public_id, "file_id": opened.file.public_id}


def verified_file_kwargs(w: World) -> dict[str, Any]:
    kwargs = evidence_file_kwargs(w)
    file = EvidenceFile.objects.get(public_id=kwargs["file_id"])
    EvidenceFile.objects.filter(pk=file.pk).update(
        state=EvidenceFile.State.VERIFIED,
        sha256="0" * 64,
        size=10,
        verified_at=timezone.now(),
        verified_key=verified_key_for(file.object_key),
    )
    return kwargs
