"""Demo evidence for `make run`: each demo apprentice somewhere different on the way to readiness.

Everything goes through the real services (files are written to storage and verified, tags set, items
submitted, confirmed and accepted), so the demo has review histories, notifications and an audit trail.
Idempotent: an apprenticeship that already has evidence is left alone. It lives here, downstream of evidence
and reviews, because it drives both (portfolio/evidence imports nothing of reviews).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence
from portfolio.evidence.route import route_outcomes
from portfolio.evidence.services.evidence import evidence_create
from portfolio.evidence.services.files import evidence_file_complete, evidence_file_slot_open
from portfolio.evidence.services.tags import evidence_tags_set
from portfolio.evidence.services.verification import evidence_file_verify
from portfolio.people.models import Apprenticeship
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.behaviours import behaviour_confirm
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from portfolio.storage import get_store

TITLES = (
    "Call sheet for the location shoot", "Budget tracker for the winter season", "Risk assessment: night filming",
    "Reflective account: my first get-in", "Witnessed: running the production meeting", "Stage plan for the tour",
    "Supplier comparison and booking", "Observation: managing the crew briefing", "Health and safety induction notes",
    "Schedule change log", "Post-production delivery checklist", "Professional discussion notes: copyright",
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """How far along an apprentice is: the share of the route accepted, and what is in the queues."""

    accepted_share: float
    behaviours_confirmed: bool
    awaiting_confirmation: int = 0
    awaiting_acceptance: int = 0
    returned: int = 0
    drafts: int = 0


PROFILES = (
    Profile(1.0, True),  # ready for assessment
    Profile(1.0, True, awaiting_acceptance=1),  # the last statement waits for the assessor (see below)
    Profile(0.6, True, awaiting_confirmation=1, drafts=1),
    Profile(0.35, False, returned=1),
    Profile(1.0, True, awaiting_confirmation=1),  # fully covered: held back only by its OTJ hours (otj/demo.py)
    Profile(0.1, False, drafts=1),
)


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF naming the evidence: real bytes for the verifier to check."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _route_codes(apprenticeship: Apprenticeship) -> list[str]:
    """The taggable statements of the route, core AOs first, each in plan order."""
    outcomes = route_outcomes(apprenticeship=apprenticeship)
    return list(dict.fromkeys(statement.code for outcome in outcomes for statement in outcome.statements))


def _item(apprenticeship: Apprenticeship, number: int, codes: list[str]) -> Evidence:
    apprentice = apprenticeship.apprentice
    title = TITLES[number % len(TITLES)]
    evidence = evidence_create(
        actor=apprentice,
        apprenticeship=apprenticeship,
        kind=Evidence.Kind.DOCUMENT,
        title=title,
        occurred_on=datetime.date(2025, 9, 15) + datetime.timedelta(days=7 * number),
        reflection=f"What I did for “{title.lower()}”, what went well, and what I would change next time.",
    )
    content = _pdf(title)
    opened = evidence_file_slot_open(
        actor=apprentice, evidence=evidence, file_name=f"{title[:40]}.pdf", content_type="application/pdf",
        size=len(content),
    )  # fmt: skip
    get_store().put(opened.file.object_key, content, content_type="application/pdf")
    evidence_file_complete(actor=apprentice, file=opened.file)
    # Completing also enqueues a verification; the demo verifies now, so it is ready with or without a worker
    # (the queued run then finds the file verified and does nothing).
    evidence_file_verify(file_id=opened.file.pk)
    evidence_tags_set(actor=apprentice, evidence=evidence, codes=codes)
    evidence.refresh_from_db()
    return evidence


def _submit(evidence: Evidence) -> Evidence:
    evidence_submit(actor=evidence.apprenticeship.apprentice, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    return evidence


def _confirm(evidence: Evidence) -> Evidence:
    manager = evidence.apprenticeship.line_manager
    evidence_confirm(actor=manager, evidence=evidence, expected_version=evidence.version, comment="Seen it done.")
    evidence.refresh_from_db()
    return evidence


def _accept(evidence: Evidence) -> None:
    verdicts = [TagVerdict(tag.statement.code, True) for tag in evidence.tags.select_related("statement")]
    evidence_accept(
        actor=evidence.apprenticeship.assessor, evidence=evidence, expected_version=evidence.version, tags=verdicts
    )


def demo_evidence_load(*, apprenticeships: list[Apprenticeship]) -> int:
    """Evidence for each demo apprenticeship without any; returns how many items were made."""
    made = 0
    for index, apprenticeship in enumerate(apprenticeships):
        if Evidence.objects.filter(apprenticeship=apprenticeship).exists():
            continue
        profile = PROFILES[index % len(PROFILES)]
        codes = _route_codes(apprenticeship)
        if not codes:
            continue  # a standard without a mapped plan: nothing to evidence
        accepted = codes[: round(len(codes) * profile.accepted_share)]
        # The second profile keeps its last statement for an item that waits for the assessor.
        waiting = accepted[-1:] if profile.awaiting_acceptance else []
        accepted = accepted[: len(accepted) - len(waiting)]
        number = 0
        for start in range(0, len(accepted), 4):
            _accept(_confirm(_submit(_item(apprenticeship, number, accepted[start : start + 4]))))
            number += 1
        rest = codes[len(accepted) + len(waiting) :] or codes[:1]
        if waiting:
            _confirm(_submit(_item(apprenticeship, number, waiting)))
            number += 1
        for _ in range(profile.awaiting_confirmation):
            _submit(_item(apprenticeship, number, rest[:2]))
            number += 1
        for _ in range(profile.returned):
            evidence = _submit(_item(apprenticeship, number, rest[:3]))
            evidence_return(
                actor=apprenticeship.line_manager, evidence=evidence, expected_version=evidence.version,
                comment="Add a photo of the finished plan and say which parts you did yourself.",
            )  # fmt: skip
            number += 1
        for _ in range(profile.drafts):
            _item(apprenticeship, number, rest[-2:])
            number += 1
        behaviours = list(apprenticeship.standard.statements.filter(kind="B").values_list("code", flat=True))
        if profile.behaviours_confirmed and behaviours:
            behaviour_confirm(
                actor=apprenticeship.line_manager, apprenticeship=apprenticeship, statement_codes=behaviours,
                confirmed_on=datetime.date(2026, 3, 1), comment="Consistently shown on every production.",
            )  # fmt: skip
        made += number
    coverage_recompute(apprenticeship_ids=[a.pk for a in apprenticeships])
    return made
