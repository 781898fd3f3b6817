"""Review pages: the employer's confirmation queue, the acceptance queue and page, returned items, behaviours.

Same rules as the API: whatever the user may not see is a 404; a page for another role is a 403. Decisions
go through the same services, so a page shows the same conflicts the API answers with 409.
"""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portfolio.core.errors import Conflict
from portfolio.evidence.models import Evidence
from portfolio.people.selectors import apprenticeship_get_for_user, user_holds_role
from portfolio.reviews.roles import (
    EMPLOYER_REVIEWER_ROLES,
    PROVIDER_REVIEWER_ROLES,
    employer_reviewer_role,
    provider_reviewer_role,
    submitter_role,
)
from portfolio.reviews.selectors.behaviours import behaviour_confirmation_get, behaviour_list_for_apprenticeship
from portfolio.reviews.selectors.evidence import decision_list_for_evidence, review_evidence_get_for_user
from portfolio.reviews.selectors.queues import (
    acceptance_queue_for_user,
    confirmation_queue_for_user,
    returned_list_for_user,
)
from portfolio.reviews.services.accept import TagVerdict, TagVerdictsInvalid, evidence_accept
from portfolio.reviews.services.behaviours import behaviour_confirm, behaviour_confirmation_withdraw
from portfolio.reviews.services.bulk import evidence_confirm_many
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit

# What happens next, by the state the provider's policy sent the item to.
_SUBMITTED_NEXT: dict[str, str] = {
    Evidence.State.SUBMITTED: "Submitted for review: your employer confirms it next, then your assessor.",
    Evidence.State.CONFIRMED: "Submitted for review: your assessor accepts it next.",
    Evidence.State.ACCEPTED: "Submitted and accepted: your provider needs no review for it.",
}


def _require_role(request: HttpRequest, roles: tuple[str, ...], message: str) -> None:
    # login_required runs first, so the user is a signed-in account here.
    if not user_holds_role(user=request.user, roles=roles):
        raise PermissionDenied(message)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def confirmation_queue(request: HttpRequest) -> HttpResponse:
    _require_role(request, EMPLOYER_REVIEWER_ROLES, "Only employer contacts confirm evidence.")
    if request.method == "POST":
        items = []
        for value in request.POST.getlist("item"):
            # Each checkbox carries the id and the version shown, so a change since is reported, not confirmed.
            public_id, _, version = value.partition(":")
            try:
                items.append((uuid.UUID(public_id), int(version)))
            except ValueError:
                continue
        if not items:
            messages.warning(request, "Tick the evidence you want to confirm.")
        else:
            results = evidence_confirm_many(actor=request.user, items=items, request=request)
            done = sum(1 for r in results if r.outcome == "done")
            messages.success(request, f"Confirmed {done} of {len(results)}.")
            for result in results:
                if result.outcome != "done":
                    messages.error(request, result.message)
        return redirect("review-confirmation-page")
    queue = confirmation_queue_for_user(user=request.user)[:200]
    return render(request, "reviews/confirmation_queue.html", {"queue": queue})


@login_required
@require_GET
def acceptance_queue(request: HttpRequest) -> HttpResponse:
    _require_role(request, PROVIDER_REVIEWER_ROLES, "Only assessors and tutors accept evidence.")
    queue = acceptance_queue_for_user(user=request.user)[:200]
    return render(request, "reviews/acceptance_queue.html", {"queue": queue})


@login_required
@require_http_methods(["GET", "POST"])
def evidence_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    evidence = review_evidence_get_for_user(user=request.user, public_id=public_id)
    if provider_reviewer_role(user=request.user, apprenticeship=evidence.apprenticeship) is None:
        raise PermissionDenied("Only the provider's assessors and tutors accept evidence.")
    tags = list(evidence.tags.select_related("statement"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            version = int(request.POST.get("expected_version", ""))
        except ValueError:
            version = 0
        try:
            if request.POST.get("action") == "return":
                evidence_return(
                    actor=request.user, evidence=evidence, expected_version=version,
                    comment=request.POST.get("return_comment", ""), request=request,
                )  # fmt: skip
                messages.success(request, "Returned to the apprentice.")
            else:
                verdicts = [
                    TagVerdict(
                        tag.statement.code,
                        request.POST.get(f"verdict-{tag.statement.code}") == "accept",
                        request.POST.get(f"comment-{tag.statement.code}", ""),
                    )
                    for tag in tags
                ]
                evidence_accept(
                    actor=request.user, evidence=evidence, expected_version=version, tags=verdicts,
                    comment=request.POST.get("comment", ""), request=request,
                )  # fmt: skip
                messages.success(request, "Accepted.")
            return redirect("review-acceptance-page")
        except TagVerdictsInvalid as exc:
            errors = exc.per_tag
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
        evidence.refresh_from_db()
    context = {
        "evidence": evidence,
        "tags": tags,
        "errors": errors,
        "decisions": decision_list_for_evidence(evidence=evidence),
        "files": evidence.files.all(),
    }
    return render(request, "reviews/evidence_review.html", context, status=400 if errors else 200)


@login_required
@require_GET
def returned_list(request: HttpRequest) -> HttpResponse:
    if not request.user.apprenticeships.exists():  # type: ignore[union-attr]
        raise PermissionDenied("Only apprentices have returned evidence.")
    return render(request, "reviews/returned.html", {"items": returned_list_for_user(user=request.user)[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def behaviours(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    if employer_reviewer_role(user=request.user, apprenticeship=apprenticeship) is None:
        raise PermissionDenied("Only the apprentice's line manager or mentor confirms behaviours.")
    if request.method == "POST":
        try:
            confirmed_on = datetime.date.fromisoformat(request.POST.get("confirmed_on", ""))
        except ValueError:
            messages.error(request, "Give the date as YYYY-MM-DD.")
        else:
            try:
                behaviour_confirm(
                    actor=request.user, apprenticeship=apprenticeship,
                    statement_codes=request.POST.getlist("statement"), confirmed_on=confirmed_on,
                    comment=request.POST.get("comment", ""), request=request,
                )  # fmt: skip
                messages.success(request, "Behaviours confirmed.")
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
        return redirect("behaviour-page", public_id=apprenticeship.public_id)
    context = {
        "apprenticeship": apprenticeship,
        "behaviours": behaviour_list_for_apprenticeship(apprenticeship=apprenticeship),
    }
    return render(request, "reviews/behaviours.html", context)


@login_required
@require_POST
def behaviour_withdraw(request: HttpRequest, public_id: uuid.UUID, confirmation_id: uuid.UUID) -> HttpResponse:
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    confirmation = behaviour_confirmation_get(apprenticeship=apprenticeship, public_id=confirmation_id)
    try:
        behaviour_confirmation_withdraw(actor=request.user, confirmation=confirmation, request=request)
        messages.success(request, f"Confirmation of {confirmation.statement.code} withdrawn.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("behaviour-page", public_id=apprenticeship.public_id)


@login_required
@require_POST
def evidence_submit_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The apprentice's "Submit for review" button on the evidence page: the same service as the API."""
    evidence = review_evidence_get_for_user(user=request.user, public_id=public_id)
    if submitter_role(user=request.user, evidence=evidence) is None:
        raise PermissionDenied("Only the apprentice (or the author of a witness statement) submits this evidence.")
    try:
        version = int(request.POST.get("expected_version", ""))
    except ValueError:
        version = 0
    try:
        evidence_submit(actor=request.user, evidence=evidence, expected_version=version, request=request)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        evidence.refresh_from_db()
        messages.success(request, _SUBMITTED_NEXT.get(evidence.state, "Submitted."))
    return redirect("evidence-detail-page", public_id=public_id)
