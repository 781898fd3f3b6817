"""What a sign-off covers: the evidence's counted parts, as a snapshot and its sha256.

Counted parts: the fields a reviewer reads (title, kind, date, reflection), the content of every file (its
sha256, not its name or key: renaming a file changes nothing a reviewer saw) and the statements it is tagged
to (by code). Lists are sorted, so the order rows were added in never changes the fingerprint.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Value

from portfolio.audit.services import canonical_json
from portfolio.core.compiled import CompiledQuery
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag

FINGERPRINT_VERSION = 1  # inside the snapshot: a future change of what is counted cannot match an old digest

# Every decision reads the counted parts, so their two queries are built and compiled once per process
# (`CompiledQuery`): building them cost more CPU than PostgreSQL spends running them. The stand-ins are ids no
# row has.
_FIELDS = CompiledQuery(
    lambda evidence_id: (
        Evidence.objects.filter(pk=evidence_id).order_by().values_list("title", "kind", "occurred_on", "reflection")
    ),
    evidence_id=-7_000_000_401,
)
# The files' hashes and the tags' codes in one statement: (True, sha256) for each file, (False, code) for each tag.
_FILES_AND_TAGS = CompiledQuery(
    lambda evidence_id: (
        EvidenceFile.objects.filter(evidence_id=evidence_id)
        .order_by()
        .values_list(Value(True), "sha256")
        .union(
            EvidenceTag.objects.filter(evidence_id=evidence_id).order_by().values_list(Value(False), "statement__code"),
            all=True,
        )
    ),
    evidence_id=-7_000_000_402,
)


def evidence_snapshot(*, evidence: Evidence) -> dict[str, Any]:
    """The counted parts as they are in the database now (not as any cached instance holds them)."""
    fields = _FIELDS.rows(evidence_id=evidence.pk)
    if not fields:
        raise Evidence.DoesNotExist("Evidence matching query does not exist.")
    title, kind, occurred_on, reflection = fields[0]
    parts = _FILES_AND_TAGS.rows(evidence_id=evidence.pk)
    # A file not yet hashed counts as "": adding one still changes the fingerprint, and so does its hash later.
    files = sorted(value or "" for is_file, value in parts if is_file)
    tags = sorted(value for is_file, value in parts if not is_file)
    return {
        "fingerprint_version": FINGERPRINT_VERSION,
        "title": title,
        "kind": kind,
        "occurred_on": occurred_on.isoformat(),
        "reflection": reflection,
        "files": files,
        "tags": tags,
    }


def fingerprint_of(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode()).hexdigest()


def evidence_fingerprint(*, evidence: Evidence) -> tuple[str, dict[str, Any]]:
    snapshot = evidence_snapshot(evidence=evidence)
    return fingerprint_of(snapshot), snapshot
