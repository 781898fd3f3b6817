"""Signing a held progress review: the apprentice, an employer contact and the provider's reviewer, each once.

Each signature stores who, in which role, when, the version and the fingerprint of the record signed (with the
snapshot it covers). The last of the three completes the review and, after commit, its PDF is made by a task.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.dispatch import task_send_on_commit
from portfolio.core.errors import Conflict
from portfolio.progress import lifecycle
from portfolio.progress.lifecycle import Action, Party, State
from portfolio.progress.models import ProgressReview, ReviewSignature
from portfolio.progress.notifications import notify_complete
from portfolio.progress.roles import parties_of, signer_role_name
from portfolio.progress.services.common import check_allowed, check_version, locked

DECLARATION = (
    "I have read the record of this progress review, held on {held_on}, and agree that it is a fair account of the "
    "apprentice's progress and of what was agreed."
)


@transaction.atomic
def progress_review_sign(
    *, actor: Any, review: ProgressReview, party: str | None = None, expected_version: int | None = None
) -> ReviewSignature:
    """Sign for `party` (needed only by someone who signs for more than one)."""
    review = locked(review)
    apprenticeship = review.apprenticeship
    _, roles = check_allowed(actor=actor, apprenticeship=apprenticeship, review=review, action=Action.SIGN)
    check_version(review, expected_version)
    mine = parties_of(roles)
    if party is not None:
        if party not in Party.values:
            raise ValidationError({"party": "Sign for the apprentice, the employer or the provider."})
        if Party(party) not in mine:
            raise PermissionDenied(f"The {Party(party).label.lower()}'s signature is not yours to give.")
        chosen = Party(party)
    elif len(mine) == 1:
        chosen = mine[0]
    else:
        raise ValidationError({"party": "You sign for more than one party here: say which (`party`)."})
    live = {s.party: s for s in ReviewSignature.objects.filter(review=review, invalidated_at__isnull=True)}
    if chosen in live:
        signed = live[chosen]
        raise Conflict(
            f"The {chosen.label.lower()} has already signed this review "
            f"({timezone.localtime(signed.signed_at):%d %b %Y %H:%M}).",
            code="already_signed",
            details={"party": chosen.value, "signature": str(signed.public_id)},
        )
    signature = ReviewSignature.objects.create(
        review=review,
        party=chosen,
        signed_by=actor,
        signer_role=signer_role_name(user=actor, apprenticeship=apprenticeship, party=chosen),
        signed_at=timezone.now(),
        review_version=review.version,
        fingerprint=review.fingerprint,
        snapshot=review.snapshot or {},
    )
    audit_record(
        actor=actor,
        action="progress_review.signed",
        target=review,
        target_repr=str(review),
        changes={"party": chosen.value, "fingerprint": review.fingerprint, "version": review.version},
    )
    if lifecycle.after_sign([*live, chosen]) == State.COMPLETE:
        review.state = State.COMPLETE
        review.completed_at = timezone.now()
        review.save(update_fields=["state", "completed_at", "updated_at"])
        signers = [s.signed_by for s in live.values()]
        notify_complete(review=review, actor=actor, recipients=signers)
        task_send_on_commit("progress.build_pdf", review.pk)
    return signature
