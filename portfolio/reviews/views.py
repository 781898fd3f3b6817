"""Review pages: the employer's confirmation queue, the acceptance queue and page, returned items, behaviours.

Same rules as the API: whatever the user may not see is a 404; a page for another role is a 403. Decisions
go through the same services, so a page shows the same conflicts the API answers with 409.
"""

from __future__ import annotations

import datetime
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portfolio.core.errors import Conflict
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.lifecycle import Role
from portfolio.evidence.models import Evidence
from portfolio.evidence.previews import evidence_file_preview_link, file_preview_kind
from portfolio.evidence.roles import submitter_role
from portfolio.evidence.selectors import evidence_file_get_for_user
from portfolio.people.selectors import apprenticeship_get_for_user, request_user_roles
from portfolio.reviews.review_page import EMPLOYER, Outcome, review_decide, reviewer_for, statement_rows
from portfolio.reviews.roles import employer_reviewer_role
from portfolio.reviews.selectors.behaviours import behaviour_confirmation_get, behaviour_list_for_apprenticeship
from portfolio.reviews.selectors.evidence import decision_list_for_evidence, review_evidence_get_for_user
from portfolio.reviews.selectors.queue_pages import queue_page_for_user
from portfolio.reviews.selectors.queues import returned_list_for_user
from portfolio.reviews.services.behaviours import behaviour_confirm, behaviour_confirmation_withdraw
from portfolio.reviews.services.bulk import evidence_confirm_many
from portfolio.reviews.services.submit import evidence_submit

# What happens next, by the state the provider's policy sent the item to.
_SUBMITTED_NEXT: dict[str, str] = {
    Evidence.State.SUBMITTED: "Submitted for review: your employer confirms it next, then your assessor.",
    Evidence.State.CONFIRMED: "Submitted for review: your assessor accepts it next.",
    Evidence.State.ACCEPTED: "Submitted and accepted: your provider needs no review for it.",
}


def _require_access(request: HttpRequest, kind: str, message: str) -> None:
    """The queues' role check, by the kinds of access the page's header reads anyway (one read per request,
    people.selectors.request_user_roles): "employer" is an active line manager's or mentor's membership
    (EMPLOYER_REVIEWER_ROLES), "reviewer" an assessor's or tutor's (PROVIDER_REVIEWER_ROLES)."""
    # login_required runs first, so the user is a signed-in account here.
    if kind not in request_user_roles(request=request):
        raise PermissionDenied(message)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def confirmation_queue(request: HttpRequest) -> HttpResponse:
    _require_access(request, "employer", "Only employer contacts confirm evidence.")
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
            messages.warning(request, "Select the evidence you want to confirm, or select all.")
        else:
            results = evidence_confirm_many(actor=request.user, items=items)
            done = sum(1 for r in results if r.outcome == "done")
            messages.success(request, f"Confirmed {done} of {len(results)}.")
            for result in results:
                if result.outcome != "done":
                    messages.error(request, result.message)
        # Back to the same page of the queue: the confirmed items have left it, the next ones move up.
        return redirect(_queue_url("review-confirmation-page", request.GET.get("after")))
    page = queue_page_for_user(role=Role.EMPLOYER, user=request.user, after=request.GET.get("after"))
    # "Select all" without JavaScript: the link reloads the page with every box ticked (with JavaScript it
    # ticks them in place); nothing is confirmed until the person presses "Confirm the selected evidence". It
    # selects the items shown on this page only.
    select_all = request.GET.get("select") == "all"
    context = {"page": page, "queue": page.items, "select_all": select_all}
    return render(request, "reviews/confirmation_queue.html", context)


@login_required
@require_GET
def acceptance_queue(request: HttpRequest) -> HttpResponse:
    _require_access(request, "reviewer", "Only assessors and tutors accept evidence.")
    page = queue_page_for_user(role=Role.PROVIDER, user=request.user, after=request.GET.get("after"))
    return render(request, "reviews/acceptance_queue.html", {"page": page, "queue": page.items})


def _queue_url(name: str, after: str | None) -> str:
    """A queue's address, at the page that starts after the position `after` when there is one."""
    url = reverse(name)
    return f"{url}?{urlencode({'after': after})}" if after else url


@login_required
@require_http_methods(["GET", "POST"])
def evidence_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Both reviewers decide here with the evidence open: its files (previewed), reflection and statements."""
    evidence = review_evidence_get_for_user(user=request.user, public_id=public_id)
    reviewer = reviewer_for(user=request.user, evidence=evidence)
    tags = list(evidence.tags.select_related("statement").order_by("statement__position", "statement__code"))
    outcome = Outcome()
    if request.method == "POST":
        outcome = review_decide(request=request, reviewer=reviewer, evidence=evidence, tags=tags)
        if not outcome.errors:
            messages.success(request, outcome.message)
            queue = "review-confirmation-page" if reviewer.side == EMPLOYER else "review-acceptance-page"
            return redirect(queue)
        evidence.refresh_from_db()
        reviewer = reviewer_for(user=request.user, evidence=evidence)
    files = list(evidence.files.order_by("created_at", "id"))
    context = {
        "evidence": evidence,
        "reviewer": reviewer,
        "rows": statement_rows(tags=tags, outcome=outcome, post=request.POST if request.method == "POST" else None),
        "errors": outcome.errors,
        "posted": request.POST if request.method == "POST" else {},
        "decisions": decision_list_for_evidence(evidence=evidence),
        "files": [(f, file_preview_kind(file=f)) for f in files],
    }
    return render(request, "reviews/evidence_review.html", context, status=400 if outcome.errors else 200)


@login_required
@require_GET
def evidence_file_preview(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID) -> HttpResponse:
    """The file shown in the browser (images, PDFs) or, for any other type, downloaded: a redirect to a
    short-lived storage link. Used as the source of the previews on the review page."""
    file = evidence_file_get_for_user(user=request.user, evidence_public_id=public_id, file_public_id=file_id)
    try:
        link = evidence_file_preview_link(file=file)
    except EvidenceRefused as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    return HttpResponseRedirect(link.url)


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
    # Errors are keyed by the id of the field to fix, for the error summary; the form keeps what was entered.
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            confirmed_on = datetime.date.fromisoformat(request.POST.get("confirmed_on", ""))
            behaviour_confirm(
                actor=request.user, apprenticeship=apprenticeship,
                statement_codes=request.POST.getlist("statement"), confirmed_on=confirmed_on,
                comment=request.POST.get("comment", ""),
            )  # fmt: skip
        except ValueError:
            errors["confirmed_on"] = "Enter the date you saw them, for example 1 October 2025."
        except ValidationError as exc:
            # The service names the fields as the form does: statements, confirmed_on, comment.
            errors = {name: " ".join(texts) for name, texts in exc.message_dict.items()}
        else:
            messages.success(request, "Behaviours confirmed.")
            return redirect("behaviour-page", public_id=apprenticeship.public_id)
    behaviours = behaviour_list_for_apprenticeship(apprenticeship=apprenticeship)
    context = {
        "errors": errors,
        "posted": request.POST if request.method == "POST" else None,
        "ticked": request.POST.getlist("statement") if request.method == "POST" else [],
        "apprenticeship": apprenticeship,
        "to_confirm": [b for b in behaviours if b.confirmation is None],
        "confirmed": [b for b in behaviours if b.confirmation is not None],
        "total": len(behaviours),
        "today": timezone.localdate(),
    }
    return render(request, "reviews/behaviours.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def behaviour_withdraw(request: HttpRequest, public_id: uuid.UUID, confirmation_id: uuid.UUID) -> HttpResponse:
    """Withdrawing asks first (GET shows what it undoes); only the POST from that page withdraws."""
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    confirmation = behaviour_confirmation_get(apprenticeship=apprenticeship, public_id=confirmation_id)
    if employer_reviewer_role(user=request.user, apprenticeship=apprenticeship) is None:
        raise PermissionDenied("Only the apprentice's line manager or mentor withdraws a behaviour confirmation.")
    if request.method == "GET":
        if confirmation.withdrawn_at is not None:
            messages.info(request, f"The confirmation of {confirmation.statement.code} was already withdrawn.")
            return redirect("behaviour-page", public_id=apprenticeship.public_id)
        context = {"apprenticeship": apprenticeship, "confirmation": confirmation}
        return render(request, "reviews/behaviour_withdraw.html", context)
    try:
        behaviour_confirmation_withdraw(actor=request.user, confirmation=confirmation)
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
        evidence_submit(actor=request.user, evidence=evidence, expected_version=version)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        evidence.refresh_from_db()
        messages.success(request, _SUBMITTED_NEXT.get(evidence.state, "Submitted."))
    return redirect("evidence-detail-page", public_id=public_id)
