"""What goes into a portfolio export, read once from the database: the same portfolio gives the same contents.

Files: every verified file of every evidence item that counts towards coverage, under a folder per item,
with the original names made safe. Everything else (coverage per AO, the statements with the evidence that
covers them, decisions with their fingerprints, behaviours) is data for `index.html`, `summary.pdf` and
`manifest.json`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from portfolio.coverage.gates import gate_explain, gates_checklist
from portfolio.coverage.selectors import coverage_explain, coverage_summary_for
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.gateway.models import GatewaySignature
from portfolio.people.models import Apprenticeship
from portfolio.reviews.models import BehaviourConfirmation, ReviewDecision

_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+-]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(name: str, *, limit: int = 80, title: bool = False) -> str:
    """A name every unzip tool and file system takes: ASCII letters, digits, spaces and a few marks; no
    path (a file name keeps its last segment; a `title` has its slashes replaced), no leading dot, no
    reserved device name; the extension kept when the name is cut."""
    name = name.replace("\\", "/")
    name = name.replace("/", " ") if title else name.rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot or title or not stem.strip(" ."):
        stem, ext = name, ""
    stem, ext = _clean(stem), _UNSAFE.sub("", _clean(ext))[:10]
    if stem.upper() in _RESERVED:
        stem = f"{stem}-file"
    stem = stem[: max(1, limit - len(ext) - 1)].rstrip(" .-") or "file"
    return f"{stem}.{ext}" if ext else stem


def _clean(text: str) -> str:
    # Accents are dropped from their letters (é -> e); any other character outside the safe set is a dash,
    # except beside a space, where the space is enough.
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", text))
    text = re.sub(r"\s*-\s+|\s+-\s*", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .-")


@dataclass(frozen=True)
class PackedFile:
    path: str  # inside the ZIP
    key: str  # the verified copy in the object store
    size: int
    sha256: str
    original_name: str
    public_id: str = ""  # the evidence file's, for links on pages; not part of the manifest


@dataclass
class EvidenceEntry:
    public_id: str
    title: str
    kind: str
    occurred_on: str
    reflection: str
    state: str
    folder: str
    files: list[PackedFile] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PortfolioContents:
    apprenticeship: dict[str, Any]
    coverage: list[dict[str, Any]]
    ready: bool
    behaviours: list[dict[str, Any]]
    evidence: list[EvidenceEntry]
    state: str = ""
    gates: list[dict[str, Any]] = field(default_factory=list)
    otj: dict[str, Any] = field(default_factory=dict)
    signatures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def files(self) -> list[PackedFile]:
        return [packed for entry in self.evidence for packed in entry.files]

    @property
    def bytes_total(self) -> int:
        return sum(packed.size for packed in self.files)


def portfolio_contents(*, apprenticeship: Apprenticeship) -> PortfolioContents:
    """The caller has checked the user may export this apprenticeship."""
    coverage = coverage_explain(apprenticeship=apprenticeship)
    counted_ids = sorted({item["id"] for ao in coverage for st in ao["statements"] for item in st["evidence"]})
    items = list(
        Evidence.objects.filter(apprenticeship=apprenticeship, public_id__in=counted_ids).order_by("occurred_on", "id")
    )
    files_of: dict[int, list[EvidenceFile]] = {}
    for stored in (
        EvidenceFile.objects.filter(evidence__in=items, state=EvidenceFile.State.VERIFIED)
        .exclude(verified_key="")
        .order_by("created_at", "id")
    ):
        files_of.setdefault(stored.evidence_id, []).append(stored)
    decisions_of: dict[int, list[dict[str, Any]]] = {}
    for decision in (
        ReviewDecision.objects.filter(evidence__in=items).select_related("actor").order_by("decided_at", "id")
    ):
        decisions_of.setdefault(decision.evidence_id, []).append(
            {
                "id": str(decision.public_id),
                "action": decision.action,
                "by": decision.actor.get_full_name() or decision.actor.email,
                "role": decision.actor_role,
                "decided_at": decision.decided_at.isoformat(),
                "evidence_version": decision.evidence_version,
                "fingerprint": decision.fingerprint,
                "valid": decision.invalidated_at is None,
                "comment": decision.comment,
            }
        )
    entries = []
    for number, item in enumerate(items, start=1):
        folder = f"evidence/{number:03d} {safe_name(item.title, limit=50, title=True)}"
        entry = EvidenceEntry(
            public_id=str(item.public_id),
            title=item.title,
            kind=item.get_kind_display(),
            occurred_on=item.occurred_on.isoformat(),
            reflection=item.reflection,
            state=item.get_state_display(),
            folder=folder,
            decisions=decisions_of.get(item.pk, []),
        )
        taken: set[str] = set()
        for stored in files_of.get(item.pk, []):
            name = safe_name(stored.original_name)
            stem, dot, ext = name.rpartition(".")
            counter = 2
            while name.lower() in taken:  # two files of one item with the same safe name
                name = f"{stem}-{counter}.{ext}" if dot else f"{stem}-{counter}"
                counter += 1
            taken.add(name.lower())
            entry.files.append(
                PackedFile(
                    path=f"{folder}/{name}",
                    key=stored.verified_key,
                    size=int(stored.size or 0),
                    sha256=stored.sha256,
                    original_name=stored.original_name,
                    public_id=str(stored.public_id),
                )
            )
        entries.append(entry)
    behaviours = [
        {
            "code": row.statement.code,
            "text": row.statement.text,
            "confirmed_by": row.confirmed_by.get_full_name() or row.confirmed_by.email,
            "confirmed_on": row.confirmed_on.isoformat(),
        }
        for row in BehaviourConfirmation.objects.filter(apprenticeship=apprenticeship, withdrawn_at__isnull=True)
        .select_related("statement", "confirmed_by")
        .order_by("statement__code", "id")
    ]
    summary, _stale = coverage_summary_for(apprenticeship=apprenticeship)
    stored_gates = (summary.gates if summary else None) or {}
    otj = stored_gates.get("otj") or {}
    signatures = [
        {
            "id": str(signature.public_id),
            "side": signature.get_side_display(),
            "by": signature.signed_by.get_full_name() or signature.signed_by.email,
            "role": signature.signer_role,
            "signed_at": signature.signed_at.isoformat(),
            "declaration": signature.declaration,
            "fingerprint": signature.fingerprint,
            "valid": signature.invalidated_at is None,
        }
        for signature in GatewaySignature.objects.filter(apprenticeship=apprenticeship)
        .select_related("signed_by")
        .order_by("signed_at", "id")
    ]
    apprentice, standard = apprenticeship.apprentice, apprenticeship.standard
    return PortfolioContents(
        apprenticeship={
            "id": str(apprenticeship.public_id),
            "apprentice": apprentice.get_full_name() or apprentice.email,
            "standard": f"{standard.reference} v{standard.version} {standard.title}",
            "option": apprenticeship.option.title if apprenticeship.option else None,
            "provider": apprenticeship.provider.name,
            "employer": apprenticeship.employer.name,
            "start_date": apprenticeship.start_date.isoformat(),
            "planned_end_date": apprenticeship.planned_end_date.isoformat(),
        },
        coverage=coverage,
        ready=bool(summary and summary.ready),
        behaviours=behaviours,
        evidence=entries,
        state=summary.get_state_display() if summary else "",
        gates=gates_checklist(stored_gates) if stored_gates else [],
        otj={"summary": gate_explain("otj", otj), "behind": bool(otj.get("behind"))} if otj else {},
        signatures=signatures,
    )
