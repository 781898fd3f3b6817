"""What a progress review shows, gathered once for its pages, its PDF and its API answer: the record, each
party's words, the actions agreed, the previous review's actions with their outcomes, the signatures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from portfolio.progress.lifecycle import Action, Party, State, actions_open, missing_parties
from portfolio.progress.models import ProgressReview, ReviewAction, ReviewContribution, ReviewSignature
from portfolio.progress.record import previous_held_review, record_build
from portfolio.progress.roles import parties_of, roles_towards

# The sections of a review, in order: the page, the PDF and its test read them from here.
SECTIONS = (
    ("coverage", "Coverage by assessment outcome"),
    ("evidence", "Evidence accepted since the last review"),
    ("otj", "Off-the-job training"),
    ("gates", "Gateway requirements still to meet"),
    ("previous_actions", "Actions from the previous review"),
    ("progress", "Progress"),
    ("wellbeing", "Wellbeing and support"),
    ("next_steps", "Next steps"),
    ("actions", "Actions agreed"),
    ("signatures", "Signatures"),
)
SECTION_TITLES = dict(SECTIONS)
WORDS = (("progress", "Progress"), ("wellbeing", "Wellbeing and support"), ("next_steps", "Next steps"))


@dataclass
class PartyWords:
    party: Party
    progress: str = ""
    wellbeing: str = ""
    next_steps: str = ""


@dataclass
class ReviewView:
    review: ProgressReview
    record: dict[str, Any]
    live_record: bool  # pre-filled now (a scheduled review), not frozen
    words: list[PartyWords]
    actions: list[ReviewAction]
    previous: ProgressReview | None
    previous_actions: list[ReviewAction]
    signatures: dict[str, ReviewSignature]
    ended_signatures: list[ReviewSignature]
    missing: list[Party]
    can: list[Action] = field(default_factory=list)
    my_parties: list[Party] = field(default_factory=list)

    def words_of(self, name: str) -> list[tuple[Party, str]]:
        """One section's words, party by party (progress, wellbeing, next_steps)."""
        return [(w.party, getattr(w, name)) for w in self.words]

    @property
    def sections(self) -> dict[str, str]:
        return SECTION_TITLES

    @property
    def word_sections(self) -> list[tuple[str, str, list[tuple[Party, str]]]]:
        return [(name, title, self.words_of(name)) for name, title in WORDS]

    @property
    def can_sign_now(self) -> list[Party]:
        return [party for party in self.my_parties if party in self.missing] if Action.SIGN in self.can else []

    @property
    def signature_rows(self) -> list[tuple[Party, ReviewSignature | None]]:
        return [(party, self.signatures.get(party.value)) for party in Party]


def review_view(*, review: ProgressReview, user: Any = None, today: datetime.date | None = None) -> ReviewView:
    apprenticeship = review.apprenticeship
    previous = previous_held_review(apprenticeship=apprenticeship, before=review)
    live_record = review.record is None
    record = review.record if review.record is not None else record_build(
        apprenticeship=apprenticeship, previous=previous, today=today or timezone.localdate()
    )  # fmt: skip
    by_party = {c.party: c for c in ReviewContribution.objects.filter(review=review)}
    words = [
        PartyWords(party, *(getattr(by_party[party], name) for name, _ in WORDS))
        if party in by_party
        else PartyWords(party)
        for party in Party
    ]
    signatures = list(ReviewSignature.objects.filter(review=review).select_related("signed_by").order_by("signed_at"))
    live = {s.party: s for s in signatures if s.invalidated_at is None}
    view = ReviewView(
        review=review,
        record=record,
        live_record=live_record,
        words=words,
        actions=list(ReviewAction.objects.filter(review=review)),
        previous=previous,
        previous_actions=list(ReviewAction.objects.filter(review=previous)) if previous else [],
        signatures=live,
        ended_signatures=[s for s in signatures if s.invalidated_at is not None],
        missing=missing_parties(review.state, live),
    )
    if user is not None:
        roles = roles_towards(user=user, apprenticeship=apprenticeship, review=review)
        view.can = actions_open(review.state, roles)
        view.my_parties = parties_of(roles)
    return view


def state_label(review: ProgressReview) -> str:
    return str(State(review.state).label)
