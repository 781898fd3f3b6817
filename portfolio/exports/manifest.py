"""`manifest.json`: every file's path, size and sha256, every decision's fingerprint, and the manifest's own
sha256, taken over its canonical JSON without that field. Nothing in it depends on when it was built, so the
same portfolio always gives the same manifest; and `verify_export` checks a ZIP against it."""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from portfolio.audit.services import canonical_json
from portfolio.reviews.models import ReviewDecision

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def manifest_build(
    *, apprenticeship_id: str, files: list[tuple[str, int, str]], decisions: list[dict[str, Any]]
) -> dict[str, Any]:
    """`files`: (path, size, sha256) of every member but the manifest itself."""
    body: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "apprenticeship": apprenticeship_id,
        "files": [{"path": path, "size": size, "sha256": sha} for path, size, sha in sorted(files)],
        "decisions": sorted(decisions, key=lambda d: d["id"]),
    }
    body["manifest_sha256"] = manifest_digest(body)
    return body


def manifest_digest(manifest: dict[str, Any]) -> str:
    return hashlib.sha256(
        canonical_json({k: v for k, v in manifest.items() if k != "manifest_sha256"}).encode()
    ).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class Difference:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def export_verify(source: str | IO[bytes]) -> list[Difference]:
    """Every way the ZIP differs from its manifest, and the manifest from the decisions stored; [] when
    it is intact. A file that is not a ZIP, or a ZIP without a readable manifest, is one difference."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        return [Difference("(the file)", f"not a readable ZIP: {exc}")]
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST_NAME))
            listed = {entry["path"]: entry for entry in manifest["files"]}
            decisions = list(manifest["decisions"])
        except (KeyError, ValueError, TypeError) as exc:
            return [Difference(MANIFEST_NAME, f"missing or unreadable: {exc}")]
        differences: list[Difference] = []
        if manifest.get("manifest_sha256") != manifest_digest(manifest):
            differences.append(Difference(MANIFEST_NAME, "its sha256 does not match its content: it was edited"))
        members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        for path, entry in sorted(listed.items()):
            info = members.get(path)
            if info is None:
                differences.append(Difference(path, "listed in the manifest but missing from the ZIP"))
                continue
            digest = hashlib.sha256()
            try:
                with archive.open(info) as member:
                    while chunk := member.read(1024 * 1024):
                        digest.update(chunk)
            except (zipfile.BadZipFile, OSError) as exc:  # a CRC error: the bytes were changed in the ZIP
                differences.append(Difference(path, f"cannot be read back: {exc}"))
                continue
            if info.file_size != entry["size"]:
                differences.append(Difference(path, f"size {info.file_size}, the manifest says {entry['size']}"))
            if digest.hexdigest() != entry["sha256"]:
                differences.append(Difference(path, "its sha256 differs from the manifest: the file was changed"))
        for path in sorted(set(members) - set(listed) - {MANIFEST_NAME}):
            differences.append(Difference(path, "in the ZIP but not in the manifest"))
    stored = {
        str(public_id): (fingerprint, invalidated_at)
        for public_id, fingerprint, invalidated_at in ReviewDecision.objects.filter(
            public_id__in=[d.get("id") for d in decisions if _is_uuid(d.get("id"))]
        ).values_list("public_id", "fingerprint", "invalidated_at")
    }
    for decision in decisions:
        found = stored.get(str(decision.get("id")))
        where = f"decision {decision.get('id')}"
        if found is None:
            differences.append(Difference(where, "no such decision is stored"))
        elif found[0] != decision.get("fingerprint"):
            differences.append(Difference(where, "its fingerprint differs from the decision stored"))
        elif found[1] is not None and decision.get("valid"):
            differences.append(Difference(where, "the decision stored has been invalidated since the export"))
    return differences


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
