"""Objects the permission matrix needs for the evidence routes, made in the "own" world."""

from __future__ import annotations

from typing import Any

from portfolio.evidence.models import Evidence, EvidenceFile
from tests.factories import EvidenceFactory, EvidenceFileFactory, World


def _draft(w: World) -> Evidence:
    return EvidenceFactory.create(apprenticeship=w.apprenticeship, title="Site visit report", tags=(), files=0)


def evidence_kwargs(w: World) -> dict[str, Any]:
    return {"public_id": _draft(w).public_id}


def _file_kwargs(w: World, state: str) -> dict[str, Any]:
    file = EvidenceFileFactory.create(
        evidence=_draft(w), original_name="a.pdf", declared_type="application/pdf", content=b"%PDF-1.4 a", state=state
    )
    return {"public_id": file.evidence.public_id, "file_id": file.public_id}


def evidence_file_kwargs(w: World) -> dict[str, Any]:
    """A draft with a file whose upload slot is open."""
    return _file_kwargs(w, EvidenceFile.State.AWAITING_UPLOAD)


def verified_file_kwargs(w: World) -> dict[str, Any]:
    """A draft with a verified file."""
    return _file_kwargs(w, EvidenceFile.State.VERIFIED)
