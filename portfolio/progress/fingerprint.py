"""What a progress review's signatures cover: the review as a snapshot, and its sha256.

The snapshot holds what the three parties read and sign: when and by whom it was held and against which due
date, the frozen record (figures), each party's words, the actions agreed (what, whose, by when) and the outcomes
this review recorded for the previous review's actions. Lists are sorted by public id, so the order rows were
written in never changes it. The digest is the review decisions' (portfolio/reviews/fingerprint.py).
"""

from __future__ import annotations

from typing import Any

from portfolio.progress.lifecycle import Party
from portfolio.progress.models import ProgressReview, ReviewAction, ReviewContribution
from portfolio.reviews.fingerprint import fingerprint_of

FINGERPRINT_VERSION = 1  # inside the snapshot: a future change of what is covered cannot match an old digest


def review_snapshot(*, review: ProgressReview) -> dict[str, Any]:
    """The covered parts as they are in the database now (not as any cached instance holds them)."""
    row = ProgressReview.objects.values(
        "public_id", "apprenticeship__public_id", "held_on", "due_on", "reviewer__public_id", "record"
    ).get(pk=review.pk)
    words = {c.party: c for c in ReviewContribution.objects.filter(review_id=review.pk)}
    contributions = {
        party.value: {
            "progress": words[party].progress if party in words else "",
            "wellbeing": words[party].wellbeing if party in words else "",
            "next_steps": words[party].next_steps if party in words else "",
        }
        for party in Party
    }
    actions = sorted(
        (
            {"id": str(a.public_id), "description": a.description, "owner": a.owner, "due_on": a.due_on.isoformat()}
            for a in ReviewAction.objects.filter(review_id=review.pk)
        ),
        key=lambda item: item["id"],
    )
    outcomes = sorted(
        (
            {"action": str(a.public_id), "outcome": a.outcome, "note": a.outcome_note}
            for a in ReviewAction.objects.filter(outcome_review_id=review.pk)
        ),
        key=lambda item: item["action"],
    )
    return {
        "fingerprint_version": FINGERPRINT_VERSION,
        "review": str(row["public_id"]),
        "apprenticeship": str(row["apprenticeship__public_id"]),
        "held_on": row["held_on"].isoformat() if row["held_on"] else None,
        "due_on": row["due_on"].isoformat() if row["due_on"] else None,
        "reviewer": str(row["reviewer__public_id"]),
        "record": row["record"],
        "contributions": contributions,
        "actions": actions,
        "outcomes": outcomes,
    }


def review_fingerprint(*, review: ProgressReview) -> tuple[str, dict[str, Any]]:
    snapshot = review_snapshot(review=review)
    return fingerprint_of(snapshot), snapshot
