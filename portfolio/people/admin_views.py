"""The provider admin's pages: create and edit apprenticeships, invite people, revoke invitations, deactivate
memberships. Thin: a form collects input, the same services the API uses decide and write.

Who gets what: anyone who is not a provider admin anywhere gets 403 on every page here; an admin asking for
another provider's record gets 404 from the scoped selectors, exactly as for a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portfolio.people.admin_forms import (
    ApprenticeshipCreateForm,
    ApprenticeshipEditForm,
    BreakEndForm,
    BreakStartForm,
    InvitationForm,
    service_errors_to_form,
)
from portfolio.people.admin_selectors import invitation_list_pending, membership_list_administered_by
from portfolio.people.models import Apprenticeship, BreakInLearning, Invitation
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    invitation_get_for_user,
    invitation_list_for_user,
    membership_get_for_user,
    user_is_admin_of,
    user_is_provider_admin,
)
from portfolio.people.services.apprenticeships import apprenticeship_create, apprenticeship_update
from portfolio.people.services.breaks import break_in_learning_end, break_in_learning_start
from portfolio.people.services.invitations import invitation_create, invitation_revoke
from portfolio.people.services.memberships import membership_set_active

_NOT_ADMIN = "These pages are for a training provider's admin."


def _require_admin(request: HttpRequest) -> None:
    if not user_is_provider_admin(user=request.user):
        raise PermissionDenied(_NOT_ADMIN)


def _admin_apprenticeship(request: HttpRequest, public_id: uuid.UUID) -> Apprenticeship:
    _require_admin(request)
    # Found first through the scoped selector (404 for another provider's), then the right to change it.
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    if not user_is_admin_of(user=request.user, provider=apprenticeship.provider):
        raise PermissionDenied("Only an admin of this apprenticeship's provider can change it.")
    return apprenticeship


@login_required
@require_http_methods(["GET", "POST"])
def apprenticeship_create_page(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = ApprenticeshipCreateForm(
        request.POST or None, user=request.user, initial={"standard": request.GET.get("standard")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            apprenticeship, issued = apprenticeship_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc, renames={"email": "apprentice_email"})
        else:
            if issued is not None:
                messages.success(
                    request, f"Apprenticeship created. We emailed {issued.invitation.email} an invitation."
                )
            else:
                messages.success(
                    request, "Apprenticeship created. The apprentice already has an account: it is linked."
                )
            return redirect("apprenticeship-detail-page", public_id=apprenticeship.public_id)
    return render(request, "people/admin/apprenticeship_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def apprenticeship_edit_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = _admin_apprenticeship(request, public_id)
    form = ApprenticeshipEditForm(request.POST or None, user=request.user, apprenticeship=apprenticeship)
    if request.method == "POST" and form.is_valid():
        try:
            apprenticeship_update(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "Apprenticeship saved.")
            return redirect("apprenticeship-detail-page", public_id=apprenticeship.public_id)
    context = {"form": form, "creating": False, "apprenticeship": apprenticeship}
    return render(request, "people/admin/apprenticeship_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apprenticeship_breaks_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record the start of a break in learning, or the end of the open one (the status follows)."""
    apprenticeship = _admin_apprenticeship(request, public_id)
    breaks = list(BreakInLearning.objects.filter(apprenticeship=apprenticeship).order_by("-started_on"))
    open_break = next((b for b in breaks if b.ended_on is None), None)
    posted = request.POST if request.method == "POST" else None
    start_form = BreakStartForm(posted if open_break is None else None, prefix="start")
    end_form = BreakEndForm(posted if open_break is not None else None, prefix="end")
    form: Any = end_form if open_break is not None else start_form
    if request.method == "POST" and form.is_valid():
        try:
            if open_break is None:
                break_in_learning_start(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
                done = "Break in learning recorded: the status is now break in learning."
            else:
                break_in_learning_end(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
                done = "End of the break recorded: the status is back to in learning."
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("apprenticeship-breaks-page", public_id=apprenticeship.public_id)
    context = {
        "apprenticeship": apprenticeship,
        "breaks": breaks,
        "open_break": open_break,
        "form": form,
    }
    return render(request, "people/admin/breaks.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def invitation_list_page(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    pending = invitation_list_pending(user=request.user).select_related("apprenticeship__standard")[:200]
    recent = (
        invitation_list_for_user(user=request.user)
        .exclude(pk__in=[i.pk for i in pending])
        .select_related("apprenticeship__standard")[:50]
    )
    return render(request, "people/admin/invitation_list.html", {"pending": pending, "recent": recent})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create_page(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    initial = {key: request.GET.get(key) for key in ("role", "organisation", "apprenticeship") if request.GET.get(key)}
    form = InvitationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = invitation_create(
                actor=request.user,
                email=data["email"],
                role=data["role"],
                organisation=data["organisation"],
                apprenticeship=data["apprenticeship"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            invitation = issued.invitation
            messages.success(
                request, f"Invitation sent to {invitation.email} as {invitation.get_role_display().lower()}."
            )
            if invitation.apprenticeship is not None:
                return redirect("apprenticeship-detail-page", public_id=invitation.apprenticeship.public_id)
            return redirect("invitation-list-page")
    context = {
        "form": form,
        "apprenticeship": form.chosen_apprenticeship(),
        "expiry_days": settings.INVITATION_EXPIRY_DAYS,
    }
    return render(request, "people/admin/invitation_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET asks "are you sure?"; POST revokes. The link in the email stops working at once."""
    _require_admin(request)
    invitation: Invitation = invitation_get_for_user(user=request.user, public_id=public_id)
    if request.method == "POST":
        try:
            invitation_revoke(actor=request.user, invitation=invitation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Invitation to {invitation.email} revoked: its link no longer works.")
        return redirect("invitation-list-page")
    return render(request, "people/admin/invitation_revoke.html", {"invitation": invitation})


@login_required
@require_GET
def membership_list_page(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    memberships = list(membership_list_administered_by(user=request.user)[:1000])
    groups: dict[Any, list[Any]] = {}
    for membership in memberships:
        groups.setdefault(membership.organisation, []).append(membership)
    return render(request, "people/admin/membership_list.html", {"groups": list(groups.items())})


@login_required
@require_http_methods(["GET", "POST"])
def membership_deactivate_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET asks "are you sure?"; POST deactivates (memberships are never deleted: history keeps the name)."""
    _require_admin(request)
    membership = membership_get_for_user(user=request.user, public_id=public_id)
    if not user_is_admin_of(user=request.user, provider=membership.organisation):
        raise PermissionDenied("Only an admin of this organisation's provider can change its memberships.")
    if request.method == "POST":
        try:
            membership_set_active(actor=request.user, membership=membership, is_active=False)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{membership.user.display_name} is no longer {membership.get_role_display().lower()} "
                f"at {membership.organisation}.",
            )
        return redirect("membership-list-page")
    return render(request, "people/admin/membership_deactivate.html", {"membership": membership})
