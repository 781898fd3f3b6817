"""Pages: an apprenticeship's review schedule (schedule one, the agreed interval), a review (change or cancel it
while scheduled; the record and its signatures once held), the signing page, and the signed PDF.

Thin: forms collect input, the services decide. A review or apprenticeship you may not see is a 404; a refusal
for your role is a 403; a review that moved on meanwhile is named in a message.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portfolio.core.errors import Conflict
from portfolio.people.admin_forms import service_errors_to_form
from portfolio.people.models import Apprenticeship
from portfolio.people.selectors import apprenticeship_get_for_user
from portfolio.progress.forms import CancelForm, IntervalForm, ScheduleForm, SignForm
from portfolio.progress.lifecycle import Action, Role, State
from portfolio.progress.models import AgreedReviewInterval, ProgressReview
from portfolio.progress.pages import review_view
from portfolio.progress.roles import employer_contacts, provider_assessors, roles_towards
from portfolio.progress.schedule import day_text
from portfolio.progress.selectors import due_for, policy_for, review_get_for_user, signed_parties
from portfolio.progress.services.intervals import agreed_interval_clear, agreed_interval_set
from portfolio.progress.services.pdf import progress_review_pdf_link
from portfolio.progress.services.scheduling import (
    progress_review_cancel,
    progress_review_reschedule,
    progress_review_schedule,
)
from portfolio.progress.services.signatures import DECLARATION, progress_review_sign


def _schedule_form(apprenticeship: Apprenticeship, data: Any = None, **kwargs: Any) -> ScheduleForm:
    return ScheduleForm(
        data,
        reviewers=provider_assessors(apprenticeship=apprenticeship),
        contacts=employer_contacts(apprenticeship=apprenticeship),
        **kwargs,
    )


def _schedule_initial(apprenticeship: Apprenticeship, user: Any) -> dict[str, Any]:
    reviewers = {u.pk for u in provider_assessors(apprenticeship=apprenticeship)}
    reviewer = next((p for p in (user, apprenticeship.tutor, apprenticeship.assessor) if p and p.pk in reviewers), None)
    contacts = {u.pk for u in employer_contacts(apprenticeship=apprenticeship)}
    contact = next((p for p in (apprenticeship.line_manager, apprenticeship.mentor) if p and p.pk in contacts), None)
    return {"reviewer": reviewer, "employer_contact": contact, "time": "10:00"}


def _refused(request: HttpRequest, exc: Conflict | ValidationError) -> None:
    messages.error(request, exc.message if isinstance(exc, Conflict) else " ".join(exc.messages))


@login_required
@require_http_methods(["GET", "POST"])
def schedule_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    roles = roles_towards(user=request.user, apprenticeship=apprenticeship)
    is_staff = Role.STAFF in roles
    schedule_form = _schedule_form(apprenticeship, initial=_schedule_initial(apprenticeship, request.user))
    agreed = AgreedReviewInterval.objects.filter(apprenticeship=apprenticeship).first()
    interval_form = IntervalForm(
        initial={"interval_months": agreed.interval_months, "reason": agreed.reason} if agreed else None
    )
    error_form: forms.Form | None = None
    if request.method == "POST":
        if not is_staff:
            raise PermissionDenied("Progress reviews are scheduled by the apprentice's provider staff.")
        action = request.POST.get("action")
        try:
            if action == "schedule":
                schedule_form = _schedule_form(apprenticeship, request.POST)
                if schedule_form.is_valid():
                    try:
                        review = progress_review_schedule(
                            actor=request.user, apprenticeship=apprenticeship,
                            scheduled_for=schedule_form.scheduled_for(),
                            location=schedule_form.cleaned_data["location"],
                            reviewer=schedule_form.cleaned_data["reviewer"],
                            employer_contact=schedule_form.cleaned_data["employer_contact"],
                        )  # fmt: skip
                    except ValidationError as exc:
                        service_errors_to_form(schedule_form, exc, renames={"scheduled_for": "date"})
                    else:
                        messages.success(request, "Review scheduled: the apprentice and the employer contact are told.")
                        return redirect("progress-review-page", public_id=review.public_id)
                error_form = schedule_form
            elif action == "interval":
                interval_form = IntervalForm(request.POST)
                if interval_form.is_valid():
                    try:
                        agreed_interval_set(
                            actor=request.user, apprenticeship=apprenticeship, **interval_form.cleaned_data
                        )
                    except ValidationError as exc:
                        service_errors_to_form(interval_form, exc)
                    else:
                        messages.success(request, "Agreed interval saved: the next due date follows it.")
                        return redirect("progress-review-schedule-page", public_id=apprenticeship.public_id)
                error_form = interval_form
            elif action == "clear_interval":
                agreed_interval_clear(actor=request.user, apprenticeship=apprenticeship)
                messages.success(request, "Agreed interval removed: the provider's interval applies again.")
                return redirect("progress-review-schedule-page", public_id=apprenticeship.public_id)
            else:
                return render(request, "400.html", status=400)
        except Conflict as exc:
            _refused(request, exc)
            return redirect("progress-review-schedule-page", public_id=apprenticeship.public_id)
    today = timezone.localdate()
    reviews = list(
        ProgressReview.objects.filter(apprenticeship=apprenticeship)
        .select_related("reviewer")
        .order_by("-scheduled_for")
    )
    signed = signed_parties(reviews=reviews)
    scheduled = next((r for r in reviews if r.state == State.SCHEDULED), None)
    return render(
        request,
        "progress/schedule.html",
        {
            "apprenticeship": apprenticeship,
            "due": due_for(apprenticeship=apprenticeship, today=today),
            "today": today,
            "provider_interval": policy_for(provider=apprenticeship.provider).interval_months,
            "agreed": agreed,
            "reviews": [(r, len(signed.get(r.pk, ()))) for r in reviews],
            "scheduled": scheduled,
            "is_staff": is_staff,
            "is_own": apprenticeship.apprentice_id == request.user.pk,
            "schedule_form": schedule_form,
            "interval_form": interval_form,
            "error_form": error_form,
        },
        status=400 if error_form is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = review_get_for_user(user=request.user, public_id=public_id)
    apprenticeship = review.apprenticeship
    view = review_view(review=review, user=request.user)
    local = timezone.localtime(review.scheduled_for)
    initial = {"date": local.date(), "time": local.strftime("%H:%M"), "location": review.location,
               "reviewer": review.reviewer, "employer_contact": review.employer_contact}  # fmt: skip
    reschedule_form = _schedule_form(apprenticeship, initial=initial)
    cancel_form = CancelForm()
    error_form: forms.Form | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reschedule":
                reschedule_form = _schedule_form(apprenticeship, request.POST)
                if reschedule_form.is_valid():
                    try:
                        progress_review_reschedule(
                            actor=request.user, review=review, scheduled_for=reschedule_form.scheduled_for(),
                            location=reschedule_form.cleaned_data["location"],
                            reviewer=reschedule_form.cleaned_data["reviewer"],
                            employer_contact=reschedule_form.cleaned_data["employer_contact"],
                        )  # fmt: skip
                    except ValidationError as exc:
                        service_errors_to_form(reschedule_form, exc, renames={"scheduled_for": "date"})
                    else:
                        messages.success(request, "Changed: the attendees are told.")
                        return redirect("progress-review-page", public_id=review.public_id)
                error_form = reschedule_form
            elif action == "cancel":
                cancel_form = CancelForm(request.POST)
                if cancel_form.is_valid():
                    progress_review_cancel(actor=request.user, review=review, reason=cancel_form.cleaned_data["reason"])
                    messages.success(request, "Review cancelled: the attendees are told.")
                    return redirect("progress-review-schedule-page", public_id=apprenticeship.public_id)
                error_form = cancel_form
            else:
                return render(request, "400.html", status=400)
        except Conflict as exc:
            _refused(request, exc)
            return redirect("progress-review-page", public_id=review.public_id)
    return render(
        request,
        "progress/review.html",
        {
            "view": view,
            "review": review,
            "apprenticeship": apprenticeship,
            "reschedule_form": reschedule_form,
            "cancel_form": cancel_form,
            "error_form": error_form,
            "is_own": apprenticeship.apprentice_id == request.user.pk,
            "Action": Action,
        },
        status=400 if error_form is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Where a reminder's link lands: the record to read, and the signature this person may give now."""
    review = review_get_for_user(user=request.user, public_id=public_id)
    view = review_view(review=review, user=request.user)
    form = SignForm(initial={"expected_version": review.version})
    if request.method == "POST":
        if not view.my_parties:
            raise PermissionDenied("Only the apprentice, an employer contact and the reviewer sign a progress review.")
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                signature = progress_review_sign(
                    actor=request.user, review=review, expected_version=form.cleaned_data["expected_version"],
                    party=request.POST.get("party") or None,
                )  # fmt: skip
            except (Conflict, ValidationError) as exc:
                _refused(request, exc)
                return redirect("progress-review-sign-page", public_id=review.public_id)
            review.refresh_from_db()
            done = " It is now complete: signed by all three." if review.state == State.COMPLETE else ""
            messages.success(
                request, f"You signed the progress review for the {signature.get_party_display().lower()}.{done}"
            )
            return redirect("progress-review-page", public_id=review.public_id)
    return render(
        request,
        "progress/sign.html",
        {
            "view": view,
            "review": review,
            "apprenticeship": review.apprenticeship,
            "form": form,
            "declaration": DECLARATION.format(held_on=day_text(review.held_on) if review.held_on else "(not held yet)"),
            "is_own": review.apprenticeship.apprentice_id == request.user.pk,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def pdf_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = review_get_for_user(user=request.user, public_id=public_id)
    if not review.pdf_current:
        raise Http404("This review has no PDF of its current record yet.")
    return redirect(progress_review_pdf_link(review=review))
