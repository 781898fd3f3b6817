"""Provider staff's OTJ pages: the approval queue (filters, select all, bulk approve) and the provider admin's
minimum hours per standard version (edit, CSV import)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portfolio.otj.forms import MinimumsForm, MinimumsImportForm
from portfolio.otj.lifecycle import STAFF_ROLES
from portfolio.otj.selectors import otj_activity_get_for_user, otj_minimum_rows_for_provider, otj_queue_for_user
from portfolio.otj.services.decisions import otj_activity_approve_many
from portfolio.otj.services.minimums import MinimumImportRefused, otj_minimums_import, otj_minimums_save
from portfolio.people.admin_forms import service_errors_to_form
from portfolio.people.admin_selectors import provider_list_administered_by
from portfolio.people.models import Apprenticeship, Membership, User, display_name
from portfolio.people.selectors import (
    apprenticeship_list_for_user,
    user_holds_role,
    user_is_provider_admin,
    user_organisation_ids,
)

QUEUE_LIMIT = 200  # oldest first: the rest show once these are decided
MAX_IMPORT_BYTES = 1_000_000


def _posted(request: HttpRequest) -> Any:
    """The POST data on a POST (even an empty one: the form then says what is missing), else None."""
    return request.POST if request.method == "POST" else None


def _require_staff(request: HttpRequest) -> None:
    if not user_holds_role(user=request.user, roles=STAFF_ROLES):
        raise PermissionDenied("The approval queue is for a training provider's tutors, assessors and admins.")


def _queue_filters(request: HttpRequest) -> tuple[User | None, Apprenticeship | None, list[Any], list[tuple[str, str]]]:
    """The tutor and apprenticeship filters: choices from the user's own providers, unknown values ignored. The
    apprentices' choices are (public id, label) read as plain values: a provider has thousands of apprentices,
    and building each one's models cost most of the page."""
    user: Any = request.user
    providers = user_organisation_ids(user=user, roles=STAFF_ROLES)
    mine = apprenticeship_list_for_user(user=request.user).filter(provider_id__in=providers)
    apprenticeships = [
        (str(public_id), f"{display_name(first_name, last_name, email)} ({reference})")
        for public_id, first_name, last_name, email, reference in mine.order_by(
            "apprentice__first_name", "apprentice__last_name", "apprentice__email"
        ).values_list(
            "public_id", "apprentice__first_name", "apprentice__last_name", "apprentice__email", "standard__reference"
        )
    ]
    tutors = list(
        User.objects.filter(
            memberships__organisation_id__in=providers,
            memberships__role__in=[Membership.Role.TUTOR, Membership.Role.ASSESSOR],
            memberships__is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )
    tutor = next((t for t in tutors if str(t.public_id) == request.GET.get("tutor")), None)
    wanted = request.GET.get("apprenticeship")
    apprenticeship = (
        mine.get(public_id=wanted) if wanted and any(value == wanted for value, _ in apprenticeships) else None
    )
    return tutor, apprenticeship, tutors, apprenticeships


@login_required
@require_http_methods(["GET", "POST"])
def otj_queue(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    if request.method == "POST":
        items: list[tuple[uuid.UUID, int | None]] = []
        for value in request.POST.getlist("item"):
            # Each box carries the id and the version shown: an entry changed since is reported, not approved.
            public_id, _, version = value.partition(":")
            try:
                items.append((uuid.UUID(public_id), int(version)))
            except ValueError:
                continue
        if not items:
            messages.warning(request, "Select the entries you want to approve, or select all.")
        else:
            results = otj_activity_approve_many(
                actor=request.user,
                items=items,
                find=lambda pid: otj_activity_get_for_user(user=request.user, public_id=pid),
            )
            done = sum(1 for r in results if r.outcome == "done")
            messages.success(request, f"Approved {done} of {len(results)}.")
            for result in results:
                if result.outcome != "done":
                    messages.error(request, result.message)
        return redirect(request.get_full_path())
    tutor, apprenticeship, tutors, apprenticeships = _queue_filters(request)
    queue = otj_queue_for_user(user=request.user, tutor=tutor, apprenticeship=apprenticeship)
    shown = list(queue[:QUEUE_LIMIT])
    context = {
        "queue": shown,
        "total": queue.count() if len(shown) == QUEUE_LIMIT else len(shown),
        "select_all": request.GET.get("select") == "all",
        "tutor": tutor,
        "apprenticeship": apprenticeship,
        "tutors": tutors,
        "apprenticeships": apprenticeships,
        "apprenticeship_value": str(apprenticeship.public_id) if apprenticeship else None,
        "minutes": sum(a.minutes for a in shown),
    }
    return render(request, "otj/queue.html", context)


def _admin_provider(request: HttpRequest) -> Any:
    if not user_is_provider_admin(user=request.user):
        raise PermissionDenied("Minimum hours are set by a training provider's admin.")
    providers = list(provider_list_administered_by(user=request.user))
    chosen = request.GET.get("provider") or request.POST.get("provider")
    provider = next((p for p in providers if str(p.public_id) == chosen), providers[0] if providers else None)
    if provider is None:
        raise PermissionDenied("There is no training provider for you to administer yet.")
    return provider, providers


@login_required
@require_http_methods(["GET", "POST"])
def otj_minimums(request: HttpRequest) -> HttpResponse:
    provider, providers = _admin_provider(request)
    rows = otj_minimum_rows_for_provider(provider=provider)
    form = MinimumsForm(_posted(request), rows=rows)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = otj_minimums_save(actor=request.user, provider=provider, minimums=form.minimums())
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Saved: {changed} minimum{'s' if changed != 1 else ''} changed.")
                return redirect(f"{request.path}?provider={provider.public_id}")
        status = 400
    context = {"provider": provider, "providers": providers, "form": form, "import_form": MinimumsImportForm()}
    return render(request, "otj/minimums.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def otj_minimums_import_page(request: HttpRequest) -> HttpResponse:
    provider, providers = _admin_provider(request)
    form = MinimumsImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    row_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_IMPORT_BYTES:
                form.add_error("file", f"The file is {upload.size:,} bytes; a minimums CSV is at most 1 MB.")
            else:
                try:
                    result = otj_minimums_import(actor=request.user, provider=provider, content=upload.read())
                except MinimumImportRefused as exc:
                    row_errors = exc.row_errors
                    form.add_error("file", "Nothing was imported: correct the lines listed below and try again.")
                except ValidationError as exc:
                    service_errors_to_form(form, exc)
                else:
                    messages.success(
                        request,
                        f"Imported {result.rows} line{'s' if result.rows != 1 else ''}: {result.changed} changed.",
                    )
                    return redirect(f"{reverse('otj-minimums-page')}?provider={provider.public_id}")
        status = 400
    context = {"provider": provider, "providers": providers, "import_form": form, "row_errors": row_errors}
    return render(request, "otj/minimums_import.html", context, status=status)
