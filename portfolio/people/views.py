"""Pages: sign-in is Django's views with our form and templates; the rest read through scoped selectors."""

from __future__ import annotations

import uuid

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portfolio.core.client import client_ip
from portfolio.otj.lifecycle import logger_role
from portfolio.otj.selectors import otj_figures_for
from portfolio.people.admin_selectors import apprenticeship_list_missing, invitation_list_pending
from portfolio.people.forms import InvitationAcceptForm
from portfolio.people.models import BreakInLearning
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    apprenticeship_list_for_user,
    user_is_admin_of,
    user_is_provider_admin,
)
from portfolio.people.services.invitations import InvitationInvalid, invitation_accept, invitation_peek
from portfolio.reviews.roles import employer_reviewer_role

MISSING_SLOTS = {"assessor": "without an assessor", "line_manager": "without a line manager"}


@require_GET
@login_required
def apprenticeship_list(request: HttpRequest) -> HttpResponse:
    # ?missing=assessor|line_manager: the admin start page's "without an assessor / line manager" links.
    missing = request.GET.get("missing", "")
    if missing in MISSING_SLOTS:
        queryset = apprenticeship_list_missing(user=request.user, slot=missing)
    else:
        missing, queryset = "", apprenticeship_list_for_user(user=request.user)
    context = {
        "apprenticeships": queryset[:500],
        "missing": MISSING_SLOTS.get(missing, ""),
        "is_admin": user_is_provider_admin(user=request.user),
    }
    return render(request, "people/apprenticeship_list.html", context)


@require_GET
@login_required
def apprenticeship_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    context = {
        "apprenticeship": apprenticeship,
        "can_administer": user_is_admin_of(user=request.user, provider=apprenticeship.provider),
        "can_confirm_behaviours": employer_reviewer_role(user=request.user, apprenticeship=apprenticeship) is not None,
        "pending_invitations": invitation_list_pending(user=request.user).filter(apprenticeship=apprenticeship),
        "otj": otj_figures_for(apprenticeship=apprenticeship),
        "can_log_otj": logger_role(user=request.user, apprenticeship=apprenticeship) is not None,
        "breaks": BreakInLearning.objects.filter(apprenticeship=apprenticeship).order_by("-started_on"),
    }
    return render(request, "people/apprenticeship_detail.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_peek(token=token)
    except InvitationInvalid as exc:
        return render(request, "registration/invitation_invalid.html", {"reason": str(exc)}, status=400)
    existing = invitation.user.has_usable_password()
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, ip=client_ip(request), **form.cleaned_data)
        except InvitationInvalid as exc:
            return render(request, "registration/invitation_invalid.html", {"reason": str(exc)}, status=400)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            login(request, user, backend="portfolio.people.backends.LockoutAwareBackend")
            # Their start page says what to do first, whatever the role they were invited to.
            return redirect("home")
    context = {"form": form, "invitation": invitation, "existing": existing}
    return render(request, "registration/invitation_accept.html", context)
