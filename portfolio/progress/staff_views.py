"""Provider staff's pages: the reviews overdue, due soon and awaiting signatures (filtered by tutor and employer,
with `ReviewScheduleFilter`, the API's own filters), and the provider admin's review interval."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portfolio.core.filters import filter_for_page
from portfolio.people.admin_forms import service_errors_to_form
from portfolio.people.admin_selectors import provider_list_administered_by
from portfolio.people.models import Membership, Organisation, User
from portfolio.people.selectors import request_user_roles, user_provider_ids
from portfolio.progress.filters import ReviewScheduleFilter
from portfolio.progress.forms import PolicyForm
from portfolio.progress.selectors import policy_for, schedule_rows, staff_apprenticeships
from portfolio.progress.services.intervals import progress_policy_update
from portfolio.reviews.roles import PROVIDER_REVIEWER_ROLES

DUE_SOON_DAYS = 30
SHOWN = 100  # rows per section; the count says how many there are


def _filter_choices(user: Any) -> dict[str, list[tuple[str, str]]]:
    providers = user_provider_ids(user=user)
    tutors = (
        User.objects.filter(
            memberships__organisation_id__in=providers,
            memberships__role__in=PROVIDER_REVIEWER_ROLES,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )
    employers = Organisation.objects.filter(kind="employer", provider_id__in=providers).order_by("name")
    return {
        "tutors": [(str(t.public_id), t.display_name) for t in tutors],
        "employers": [(str(e.public_id), e.name) for e in employers],
    }


@login_required
@require_GET
def review_list_page(request: HttpRequest) -> HttpResponse:
    if "provider" not in request_user_roles(request=request):
        raise PermissionDenied("The list of progress reviews is for a training provider's staff.")
    filterset, rows, errors = filter_for_page(
        ReviewScheduleFilter, data=request.GET, queryset=staff_apprenticeships(user=request.user)
    )
    today = timezone.localdate()
    found = schedule_rows(apprenticeships=rows, today=today) if rows is not None else []
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    overdue = [row for row in found if row.overdue(today)]
    due_soon = [row for row in found if row.due.due_on is not None and today <= row.due.due_on <= soon]
    awaiting = [(row, review, missing) for row in found for review, missing in row.awaiting]
    return render(
        request,
        "progress/list.html",
        {
            "overdue": overdue[:SHOWN],
            "overdue_count": len(overdue),
            "due_soon": due_soon[:SHOWN],
            "due_soon_count": len(due_soon),
            "awaiting": awaiting[:SHOWN],
            "awaiting_count": len(awaiting),
            "days": DUE_SOON_DAYS,
            "today": today,
            "filters": {name: str(filterset.data.get(name, "")).strip() for name in filterset.filters},
            "choices": _filter_choices(request.user),
            "errors": {f"f-{name}": message for name, message in errors.items()},
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    providers = list(provider_list_administered_by(user=request.user).order_by("name"))
    if not providers:
        raise PermissionDenied("The review interval is set by a training provider's admin.")
    chosen = request.GET.get("provider") or request.POST.get("provider")
    provider = next((p for p in providers if str(p.public_id) == chosen), providers[0])
    form = PolicyForm(initial={"interval_months": policy_for(provider=provider).interval_months})
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                progress_policy_update(actor=request.user, provider=provider, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, "Saved: every apprentice's next due date follows the new interval.")
                url = reverse("progress-review-settings-page")
                return redirect(url if len(providers) == 1 else f"{url}?provider={provider.public_id}")
    return render(
        request,
        "progress/settings.html",
        {"form": form, "provider": provider, "providers": providers, "roles": Membership.Role},
        status=400 if form.errors else 200,
    )
