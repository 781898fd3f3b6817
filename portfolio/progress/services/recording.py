"""Recording a progress review as held (its record frozen, each party's words, the actions agreed, the outcomes of
the previous review's actions), and changing that record afterwards.

A change after a signature ends every live signature (kept, marked `edited`), as a change to evidence ends its
review decisions: the fingerprint covers the whole record, so nobody's signature stands under words they did not
read. The people whose signatures ended are asked to sign again.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.progress.fingerprint import review_fingerprint
from portfolio.progress.lifecycle import Action, Party, Role, State
from portfolio.progress.models import ProgressReview, ReviewAction, ReviewContribution, ReviewSignature
from portfolio.progress.notifications import notify_to_sign
from portfolio.progress.record import previous_held_review, record_build
from portfolio.progress.roles import parties_of, signers_for
from portfolio.progress.selectors import due_for
from portfolio.progress.services.common import check_allowed, check_not_future, check_version, clean_text, locked

WORDS = ("progress", "wellbeing", "next_steps")
MAX_ACTIONS = 30


def _save_words(review: ProgressReview, actor: Any, contributions: Mapping[str, Mapping[str, str]]) -> None:
    for party, words in contributions.items():
        row = ReviewContribution.objects.filter(review=review, party=party).first() or ReviewContribution(
            review=review, party=party
        )
        for name in WORDS:
            if name in words:
                setattr(row, name, clean_text(words[name] or "", field=f"contributions.{party}.{name}"))
        row.updated_by = actor
        row.save()


def _clean_actions(review: ProgressReview, actions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if len(actions) > MAX_ACTIONS:
        raise ValidationError({"actions": f"Agree at most {MAX_ACTIONS} actions at one review."})
    cleaned, errors = [], {}
    for index, action in enumerate(actions):
        description = clean_text(str(action.get("description") or ""), field=f"actions.{index}.description")
        owner, due_on = action.get("owner"), action.get("due_on")
        if not description:
            errors[f"actions.{index}.description"] = "Say what is to be done."
        if owner not in Party.values:
            errors[f"actions.{index}.owner"] = "Say whose action it is: the apprentice, the employer or the provider."
        if not isinstance(due_on, datetime.date):
            errors[f"actions.{index}.due_on"] = "Give the date it is due by."
        elif review.held_on and due_on < review.held_on:
            errors[f"actions.{index}.due_on"] = "An action is due after the review that agrees it."
        cleaned.append({"id": action.get("id"), "description": description, "owner": owner, "due_on": due_on})
    if errors:
        raise ValidationError(errors)
    return cleaned


def _save_actions(review: ProgressReview, actions: Sequence[Mapping[str, Any]]) -> None:
    """Replace the review's actions with these: rows named by id are kept and changed, the others go."""
    cleaned = _clean_actions(review, actions)
    existing = {str(a.public_id): a for a in ReviewAction.objects.filter(review=review)}
    kept = set()
    for position, item in enumerate(cleaned):
        row = existing.get(str(item["id"])) if item["id"] else None
        if item["id"] and row is None:
            raise ValidationError({f"actions.{position}.id": "No action of this review has this id."})
        row = row or ReviewAction(review=review)
        row.description, row.owner, row.due_on, row.position = (
            item["description"],
            item["owner"],
            item["due_on"],
            position,
        )
        row.save()
        kept.add(str(row.public_id))
    ReviewAction.objects.filter(review=review).exclude(public_id__in=kept).delete()


def _save_outcomes(
    review: ProgressReview, outcomes: Sequence[Mapping[str, Any]], previous: ProgressReview | None
) -> None:
    carried = {str(a.public_id): a for a in ReviewAction.objects.filter(review=previous)} if previous else {}
    for index, item in enumerate(outcomes):
        action = carried.get(str(item.get("action")))
        if action is None:
            raise ValidationError({f"outcomes.{index}.action": "Not an action of the previous review."})
        outcome = item.get("outcome") or ""
        if outcome not in ReviewAction.Outcome.values:
            choices = ", ".join(value for value in ReviewAction.Outcome.values if value)
            raise ValidationError({f"outcomes.{index}.outcome": f"Use one of {choices}, or leave it empty."})
        action.outcome = outcome
        action.outcome_note = clean_text(str(item.get("note") or ""), field=f"outcomes.{index}.note", limit=2000)
        action.outcome_review = review
        action.save(update_fields=["outcome", "outcome_note", "outcome_review"])


def _stamp(review: ProgressReview) -> bool:
    """Fingerprint the review as it is now; True when that differs from what was stamped before."""
    fingerprint, snapshot = review_fingerprint(review=review)
    if fingerprint == review.fingerprint:
        return False
    review.fingerprint, review.snapshot = fingerprint, snapshot
    return True


@transaction.atomic
def progress_review_hold(
    *,
    actor: Any,
    review: ProgressReview,
    held_on: datetime.date,
    contributions: Mapping[str, Mapping[str, str]] | None = None,
    actions: Sequence[Mapping[str, Any]] = (),
    outcomes: Sequence[Mapping[str, Any]] = (),
) -> ProgressReview:
    """The assessor or tutor records the review as held on `held_on` (becoming its reviewer): the record is
    frozen as it stands now, and the three parties are asked to sign. At the meeting the reviewer may write every
    party's words as said there; afterwards each party changes only their own."""
    review = locked(review)
    apprenticeship = review.apprenticeship
    check_allowed(actor=actor, apprenticeship=apprenticeship, review=review, action=Action.HOLD)
    check_not_future(held_on, field="held_on", what="The day it was held")
    if held_on < apprenticeship.start_date:
        raise ValidationError({"held_on": "A review is held on or after the apprenticeship's start date."})
    previous = previous_held_review(apprenticeship=apprenticeship, before=review)
    if previous is not None and previous.held_on and held_on < previous.held_on:
        raise ValidationError(
            {"held_on": f"The previous review was held on {previous.held_on:%d %b %Y}: this one is held after it."}
        )
    # The due date this review answers to, worked out before it counts as held itself.
    review.due_on = due_for(apprenticeship=apprenticeship).due_on
    review.held_on = held_on
    review.reviewer = actor
    review.state = State.AWAITING_SIGNATURES
    review.record = record_build(apprenticeship=apprenticeship, previous=previous)
    review.save()
    _save_words(review, actor, {party: (contributions or {}).get(party, {}) for party in Party.values})
    _save_actions(review, actions)
    _save_outcomes(review, outcomes, previous)
    _stamp(review)
    review.save(update_fields=["fingerprint", "snapshot", "updated_at"])
    audit_record(
        actor=actor,
        action="progress_review.held",
        target=review,
        target_repr=f"progress review of {apprenticeship}",
        changes={"held_on": held_on, "due_on": review.due_on, "fingerprint": review.fingerprint},
    )
    waiting = [person for party in Party for person in signers_for(review=review, party=party) if person.pk != actor.pk]
    notify_to_sign(review=review, recipients=waiting, kind="progress_review.to_sign")
    return review


@transaction.atomic
def progress_review_update(
    *,
    actor: Any,
    review: ProgressReview,
    expected_version: int | None = None,
    contributions: Mapping[str, Mapping[str, str]] | None = None,
    actions: Sequence[Mapping[str, Any]] | None = None,
    outcomes: Sequence[Mapping[str, Any]] | None = None,
) -> ProgressReview:
    """Change a held review's record: each party their own words; the reviewer also the actions and the outcomes.
    A change ends every live signature and the record waits for all three again."""
    review = locked(review)
    apprenticeship = review.apprenticeship
    _, roles = check_allowed(actor=actor, apprenticeship=apprenticeship, review=review, action=Action.EDIT)
    check_version(review, expected_version)
    own = {party.value for party in parties_of(roles)}
    foreign = sorted(set(contributions or {}) - own)
    if foreign:
        raise PermissionDenied(
            f"You write only your own words ({', '.join(sorted(own)) or 'none'}), not the {', '.join(foreign)}'s."
        )
    if (actions is not None or outcomes is not None) and Role.REVIEWER not in roles:
        raise PermissionDenied("The actions and their outcomes are recorded by the review's reviewer.")
    if contributions:
        _save_words(review, actor, contributions)
    if actions is not None:
        _save_actions(review, actions)
    if outcomes is not None:
        _save_outcomes(review, outcomes, previous_held_review(apprenticeship=apprenticeship, before=review))
    if not _stamp(review):
        return review
    review.version += 1
    ended = list(ReviewSignature.objects.filter(review=review, invalidated_at__isnull=True).select_related("signed_by"))
    ReviewSignature.objects.filter(pk__in=[s.pk for s in ended]).update(
        invalidated_at=timezone.now(), invalidation_reason=ReviewSignature.Invalidation.EDITED
    )
    review.state = State.AWAITING_SIGNATURES
    review.completed_at = None
    review.save()
    audit_record(
        actor=actor,
        action="progress_review.edited",
        target=review,
        target_repr=str(review),
        changes={
            "version": review.version,
            "fingerprint": review.fingerprint,
            "signatures_ended": [s.party for s in ended],
        },
    )
    again = [s.signed_by for s in ended if s.signed_by_id != actor.pk]
    if again:
        notify_to_sign(review=review, recipients=again, kind="progress_review.signatures_ended", again=True)
    return review
