"""The OTJ log pages: an apprenticeship's log with the quick entry form, one entry (with the staff's decisions),
editing and deleting a pending entry.

Same rules as the API: whatever the user may not see is a 404 (scoped selectors); an action their role may not
take is a 403 or the service's message. Writes go through the same services.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portfolio.core.errors import Conflict
from portfolio.otj.forms import PRESETS, DecisionForm, OtjEntryForm, quick_defaults
from portfolio.otj.lifecycle import decisions_open, logger_role, may_change, may_decide
from portfolio.otj.models import OtjActivity
from portfolio.otj.selectors import (
    otj_activity_get_for_user,
    otj_activity_list_for_apprenticeship,
    otj_day_totals,
    otj_figures_for,
    otj_last_activity_type,
)
from portfolio.otj.services.activities import otj_activity_create, otj_activity_delete, otj_activity_update
from portfolio.otj.services.checks import describe_minutes
from portfolio.otj.services.decisions import otj_activity_approve, otj_activity_decline, otj_activity_reverse
from portfolio.people.admin_forms import service_errors_to_form
from portfolio.people.selectors import apprenticeship_get_for_user, apprenticeship_list_for_user

LOG_SHOWN = 200  # newest first; the totals cover every entry


def _posted(request: HttpRequest) -> Any:
    """The POST data on a POST (even an empty one: the form then says what is missing), else None."""
    return request.POST if request.method == "POST" else None


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    # The service says "minutes"; the form asks for hours and minutes: show a duration error on the hours.
    service_errors_to_form(form, exc, renames={"minutes": "hours"})


@login_required
@require_GET
def otj_mine(request: HttpRequest) -> HttpResponse:
    """ "Log off-the-job hours" from the start page and the menu: the apprentice's log, or a choice of them."""
    mine = list(apprenticeship_list_for_user(user=request.user).filter(apprentice_id=request.user.pk))
    if not mine:
        raise PermissionDenied("Off-the-job hours are logged by apprentices, on their apprenticeship's log.")
    if len(mine) == 1:
        return redirect("otj-log-page", public_id=mine[0].public_id)
    return render(request, "otj/mine.html", {"apprenticeships": mine})


@login_required
@require_http_methods(["GET", "POST"])
def otj_log(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    can_log = logger_role(user=request.user, apprenticeship=apprenticeship) is not None
    if request.method == "POST" and not can_log:
        raise PermissionDenied("Only the apprentice, or their provider's tutor, assessor or admin, logs hours here.")
    last_type = otj_last_activity_type(apprenticeship=apprenticeship, user=request.user)
    form = OtjEntryForm(_posted(request), apprenticeship=apprenticeship, initial=quick_defaults(last_type=last_type))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                activity = otj_activity_create(
                    actor=request.user, apprenticeship=apprenticeship, **form.service_kwargs()
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    f"Logged: {activity.get_activity_type_display().lower()} on {activity.date:%-d %b %Y}, "
                    f"{describe_minutes(activity.minutes)}. It counts once your tutor or assessor approves it.",
                )
                return redirect("otj-log-page", public_id=apprenticeship.public_id)
        status = 400
    entries = list(otj_activity_list_for_apprenticeship(user=request.user, apprenticeship=apprenticeship)[:LOG_SHOWN])
    totals = otj_day_totals(apprenticeship=apprenticeship, dates=sorted({e.date for e in entries}))
    days: list[dict[str, Any]] = []
    for entry in entries:  # newest first, so one day's entries are together
        if not days or days[-1]["date"] != entry.date:
            days.append({"date": entry.date, "total": totals.get(entry.date, 0), "entries": []})
        days[-1]["entries"].append(entry)
    context = {
        "apprenticeship": apprenticeship,
        "is_own": apprenticeship.apprentice_id == request.user.pk,
        "can_log": can_log,
        "form": form,
        "presets": PRESETS,
        "days": days,
        "shown_count": len(entries),
        "figures": otj_figures_for(apprenticeship=apprenticeship),
        "shown": LOG_SHOWN,
    }
    return render(request, "otj/log.html", context, status=status)


_DECIDE = {"approve": otj_activity_approve, "decline": otj_activity_decline, "reverse": otj_activity_reverse}
_DONE = {"approve": "Approved.", "decline": "Declined.", "reverse": "Decision reversed."}


@login_required
@require_http_methods(["GET", "POST"])
def otj_entry(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One entry with its decision; provider staff approve, decline or reverse here."""
    activity = otj_activity_get_for_user(user=request.user, public_id=public_id)
    can_decide = may_decide(user=request.user, activity=activity)
    form = DecisionForm(_posted(request))
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied(
                "Only a tutor, assessor or admin of the apprentice's provider decides entries, and not on one "
                "they logged themselves."
            )
        action = request.POST.get("action", "")
        if action not in decisions_open(activity=activity):
            form.add_error(None, "Choose one of the buttons: this entry cannot be decided that way now.")
        if form.is_valid():
            try:
                version = int(request.POST.get("expected_version", ""))
            except ValueError:
                version = None
            try:
                _DECIDE[action](
                    actor=request.user,
                    activity=activity,
                    comment=form.cleaned_data["comment"],
                    expected_version=version,
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("otj-entry-page", public_id=activity.public_id)
            else:
                messages.success(request, _DONE[action])
                if request.POST.get("next") == "queue":
                    return redirect("otj-queue-page")
                return redirect("otj-entry-page", public_id=activity.public_id)
        status = 400
    context = {
        "activity": activity,
        "apprenticeship": activity.apprenticeship,
        "can_decide": can_decide,
        "can_change": may_change(user=request.user, activity=activity),
        "decisions": decisions_open(activity=activity) if can_decide else [],
        "form": form,
        "next": request.GET.get("next", request.POST.get("next", "")),
    }
    return render(request, "otj/entry.html", context, status=status)


def _own_pending(request: HttpRequest, public_id: uuid.UUID) -> OtjActivity:
    activity = otj_activity_get_for_user(user=request.user, public_id=public_id)
    if activity.logged_by_id != request.user.pk:
        raise PermissionDenied("Only the person who logged an entry can change or delete it.")
    return activity


@login_required
@require_http_methods(["GET", "POST"])
def otj_entry_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    activity = _own_pending(request, public_id)
    if activity.state != OtjActivity.State.PENDING:
        messages.error(request, f"This entry is {activity.get_state_display().lower()}: it can no longer be changed.")
        return redirect("otj-entry-page", public_id=activity.public_id)
    form = OtjEntryForm(
        _posted(request),
        apprenticeship=activity.apprenticeship,
        activity=activity,
        initial=OtjEntryForm.initial_for(activity),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                otj_activity_update(
                    actor=request.user,
                    activity=activity,
                    expected_version=activity.version,
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("otj-entry-page", public_id=activity.public_id)
            else:
                messages.success(request, "Entry saved.")
                return redirect("otj-log-page", public_id=activity.apprenticeship.public_id)
        status = 400
    context = {"activity": activity, "apprenticeship": activity.apprenticeship, "form": form, "presets": PRESETS}
    return render(request, "otj/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def otj_entry_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET asks first; only the POST from that page deletes."""
    activity = _own_pending(request, public_id)
    apprenticeship = activity.apprenticeship
    if request.method == "GET":
        return render(request, "otj/delete.html", {"activity": activity, "apprenticeship": apprenticeship})
    try:
        otj_activity_delete(actor=request.user, activity=activity)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("otj-entry-page", public_id=activity.public_id)
    messages.success(request, "Entry deleted.")
    return redirect("otj-log-page", public_id=apprenticeship.public_id)
