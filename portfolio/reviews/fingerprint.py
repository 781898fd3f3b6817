"""What a sign-off covers: the evidence's counted parts, as a snapshot and its sha256.

Counted parts: the fields a reviewer reads (title, kind, date, reflection), the content of every file (its
sha256, not its name or key: renaming a file changes nothing a reviewer saw) and the statements it is tagged
to (by code). Lists are sorted, so the order rows were added in never changes the fingerprint.
"""

from __future__ import annotations

import hashlib
from typing import Any

from portfolio.audit.services import canonical_json
from portfolio.evidence.models import Evidence

FINGERPRINT_VERSION = 1  # inside the snapshot: a future change of what is counted cannot match an old digest


def evidence_snapshot(*, evidence: Evidence) -> dict[str, Any]:
    """The counted parts as they are in the database now (not as any cached instance holds them)."""
    fields = Evidence.objects.values("title", "kind", "occurred_on", "reflection").get(pk=evidence.pk)
    # A file not yet hashed counts as "": adding one still changes the fingerprint, and so does its hash later.
    files = sorted(sha or "" for sha in evidence.files.values_list("sha256", flat=True))
    tags = sorted(evidence.tags.values_list("statement__code", flat=True))
    return {
        "fingerprint_version": FINGERPRINT_VERSION,
        "title": fields["title"],
        "kind": fields["kind"],
        "occurred_on": fields["occurred_on"].isoformat(),
        "reflection": fields["reflection"],
        "files": files,
        "tags": tags,
    }


def fingerprint_of(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode()).hexdigest()


def evidence_fingerprint(*, evidence: Evidence) -> tuple[str, dict[str, Any]]:
    snapshot = evidence_snapshot(evidence=evidence)
    return fingerprint_of(snapshot), snapshot
