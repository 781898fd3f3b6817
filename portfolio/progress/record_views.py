"""The review form: an assessor or tutor records a scheduled review as held (the pre-filled record, what each party
said, the outcomes of the previous review's actions, the new actions); once held, each party changes their own
words and the reviewer the actions. Every change after a signature ends the signatures (the page says so first)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from portfolio.core.errors import Conflict
from portfolio.people.admin_forms import service_errors_to_form
from portfolio.progress.forms import WORD_FIELDS, ActionFormSet, HoldForm, OutcomeFormSet, WordsForm
from portfolio.progress.lifecycle import Action, Party, Role, State
from portfolio.progress.pages import ReviewView, review_view
from portfolio.progress.roles import roles_towards
from portfolio.progress.selectors import review_get_for_user
from portfolio.progress.services.recording import progress_review_hold, progress_review_update


def _actions(formset: BaseFormSet[Any]) -> list[dict[str, Any]]:
    kept = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("description"):
            continue
        kept.append({key: data.get(key) for key in ("id", "description", "owner", "due_on")})
    return kept


def _outcomes(formset: BaseFormSet[Any]) -> list[dict[str, Any]]:
    return [
        {
            "action": f.cleaned_data["action"],
            "outcome": f.cleaned_data.get("outcome", ""),
            "note": f.cleaned_data.get("note", ""),
        }
        for f in formset.forms
        if f.cleaned_data
    ]


def _word_initial(view: ReviewView, parties: list[Party]) -> dict[str, str]:
    by_party = {w.party: w for w in view.words}
    return {
        f"{p.value}_{name}": getattr(by_party[p], name) for p in parties for name, _, _ in WORD_FIELDS if p in by_party
    }


def _formsets(view: ReviewView, data: Any = None) -> tuple[BaseFormSet[Any], BaseFormSet[Any]]:
    actions = ActionFormSet(
        data, prefix="actions",
        initial=[{"id": a.public_id, "description": a.description, "owner": a.owner, "due_on": a.due_on}
                 for a in view.actions] or None,
    )  # fmt: skip
    outcomes = OutcomeFormSet(
        data, prefix="outcomes",
        initial=[{"action": a.public_id, "outcome": a.outcome, "note": a.outcome_note} for a in view.previous_actions],
    )  # fmt: skip
    return actions, outcomes


def _rows(outcomes: BaseFormSet[Any], view: ReviewView) -> list[tuple[Any, Any]]:
    return list(zip(view.previous_actions, outcomes.forms, strict=False))


@login_required
@require_http_methods(["GET", "POST"])
def record_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = review_get_for_user(user=request.user, public_id=public_id)
    view = review_view(review=review, user=request.user)
    holding = Action.HOLD in view.can
    editing = Action.EDIT in view.can
    if not holding and not editing:
        # The right person at the wrong time is told why and sent back to the review; anyone else is refused.
        if view.my_parties and review.state in (State.SCHEDULED, State.CANCELLED):
            why = (
                "it was cancelled"
                if review.state == State.CANCELLED
                else "an assessor or tutor records it at the meeting; you can change your words once it is held"
            )
            messages.error(request, f"This review has no record to change yet: {why}.")
            return redirect("progress-review-page", public_id=review.public_id)
        raise PermissionDenied(
            "The record is written by the reviewer at the meeting, then by each party for their own words."
        )
    reviewer = holding or Role.REVIEWER in roles_of(request, view)
    data = request.POST if request.method == "POST" else None
    if holding:
        form: Any = HoldForm(
            data, initial={"held_on": min(timezone.localdate(), timezone.localdate(review.scheduled_for))}
        )
    else:
        initial = {"expected_version": review.version, **_word_initial(view, view.my_parties)}
        form = WordsForm(data, parties=view.my_parties, initial=initial)
    actions, outcomes = _formsets(view, data if reviewer else None)
    if data is not None:
        valid = form.is_valid() & (not reviewer or (actions.is_valid() & outcomes.is_valid()))
        if valid:
            try:
                if holding:
                    progress_review_hold(
                        actor=request.user, review=review, held_on=form.cleaned_data["held_on"],
                        contributions=form.contributions(), actions=_actions(actions), outcomes=_outcomes(outcomes),
                    )  # fmt: skip
                    messages.success(
                        request,
                        "Review recorded as held. Sign it below; the apprentice and the employer are asked to sign.",
                    )
                    return redirect("progress-review-sign-page", public_id=review.public_id)
                progress_review_update(
                    actor=request.user, review=review, expected_version=form.cleaned_data["expected_version"],
                    contributions=form.contributions() or None,
                    actions=_actions(actions) if reviewer else None,
                    outcomes=_outcomes(outcomes) if reviewer else None,
                )  # fmt: skip
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("progress-review-page", public_id=review.public_id)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(
                    request, "Saved. Where the record changed, everyone who had signed is asked to sign again."
                )
                return redirect("progress-review-page", public_id=review.public_id)
    signed = list(view.signatures.values())
    return render(
        request,
        "progress/record_form.html",
        {
            "view": view,
            "review": review,
            "apprenticeship": review.apprenticeship,
            "form": form,
            "holding": holding,
            "reviewer": reviewer,
            "actions": actions,
            "outcome_rows": _rows(outcomes, view),
            "outcomes": outcomes,
            "signed": signed,
            "word_groups": _word_groups(form, view.my_parties if not holding else list(Party)),
        },
        status=400 if data is not None else 200,
    )


def roles_of(request: HttpRequest, view: ReviewView) -> set[Role]:
    return roles_towards(user=request.user, apprenticeship=view.review.apprenticeship, review=view.review)


def _word_groups(form: Any, parties: list[Party]) -> list[tuple[Party, list[Any]]]:
    return [
        (p, [form[f"{p.value}_{name}"] for name, _, _ in WORD_FIELDS if f"{p.value}_{name}" in form.fields])
        for p in parties
    ]
