"""Pages: an apprenticeship's progress, the cohort (table, CSV, heat map) and the readiness feed."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from portfolio.coverage.pages import cohort_filter_choices, cohort_rows, heatmap_for, progress_for
from portfolio.coverage.selectors import coverage_summary_for, readiness_event_list_for_user
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    apprenticeship_list_for_user,
    user_provider_ids,
    user_roles,
)
from portfolio.reviews.roles import employer_reviewer_role
from portfolio.standards.models import Standard

COHORT_FILTERS = ("standard", "option", "employer", "ready", "q", "sort")


def _require_cohort_role(request: HttpRequest) -> None:
    if not {"provider", "employer"} & user_roles(user=request.user):
        raise PermissionDenied("The cohort is for training provider staff and employer contacts.")


@require_GET
@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """An apprentice's own start page: straight to their progress when they have one apprenticeship."""
    mine = list(apprenticeship_list_for_user(user=request.user).filter(apprentice_id=request.user.pk))
    if len(mine) == 1:
        return redirect("progress-page", public_id=mine[0].public_id)
    return render(request, "coverage/mine.html", {"apprenticeships": mine})


@require_GET
@login_required
def progress_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    summary, stale = coverage_summary_for(apprenticeship=apprenticeship)
    route = progress_for(apprenticeship=apprenticeship)
    missing = [row for row in route.statements if not row.covered]
    return render(
        request,
        "coverage/progress.html",
        {
            "apprenticeship": apprenticeship,
            "summary": summary,
            "stale": stale,
            "route": route,
            "missing": missing,
            "is_own": apprenticeship.apprentice_id == request.user.pk,
            "is_provider_staff": apprenticeship.provider_id
            in set(user_provider_ids(user=request.user).values_list("organisation_id", flat=True))
            or request.user.is_superuser,
            # Employer contacts confirm behaviours from the apprentice's page: the link is theirs alone.
            "can_confirm_behaviours": employer_reviewer_role(user=request.user, apprenticeship=apprenticeship)
            is not None,
        },
    )


def _csv_rows(queryset: Any) -> Iterator[list[str]]:
    yield ["apprentice", "email", "employer", "standard", "option", "coverage %", "covered", "mapped", "ready",
           "last activity", "assessment outcomes"]  # fmt: skip
    for a in queryset.iterator(chunk_size=500):
        summary = getattr(a, "coverage_summary", None)
        yield [
            a.apprentice.display_name,
            a.apprentice.email,
            a.employer.name,
            f"{a.standard.reference} v{a.standard.version}",
            a.option.title if a.option else "",
            f"{a.coverage_percent:.1f}",
            str(summary.covered if summary else 0),
            str(summary.mapped if summary else 0),
            "yes" if summary and summary.ready else "no",
            a.last_activity.isoformat() if a.last_activity else "",
            "; ".join(f"{row.outcome.code} {row.percent:.0f}%" for row in a.ao_rows),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
def cohort_page(request: HttpRequest) -> HttpResponseBase:
    _require_cohort_role(request)
    filters = {name: request.GET.get(name, "").strip() for name in COHORT_FILTERS}
    rows = cohort_rows(user=request.user, filters=filters)
    if request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in _csv_rows(rows)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="cohort.csv"'
        return response
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coverage/cohort.html",
        {
            "page": page,
            "filters": filters,
            "choices": cohort_filter_choices(user=request.user),
            "query": query.urlencode(),
        },
    )


@require_GET
@login_required
def heatmap_page(request: HttpRequest) -> HttpResponse:
    _require_cohort_role(request)
    choices = cohort_filter_choices(user=request.user)["standards"]
    chosen = request.GET.get("standard") or (choices[0][0] if choices else "")
    standard = Standard.objects.filter(public_id=chosen).first() if chosen else None
    if standard is not None and chosen not in {value for value, _ in choices}:
        standard = None  # a standard none of this person's apprentices follow: nothing to show
    outcomes, rows = heatmap_for(user=request.user, standard=standard) if standard else ([], [])
    return render(
        request,
        "coverage/heatmap.html",
        {"standard": standard, "choices": choices, "outcomes": outcomes, "rows": rows},
    )


@require_GET
@login_required
def readiness_feed_page(request: HttpRequest) -> HttpResponse:
    events = readiness_event_list_for_user(user=request.user).select_related(
        "apprenticeship__apprentice", "apprenticeship__standard", "apprenticeship__employer"
    )
    page = Paginator(events.order_by("-occurred_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "coverage/readiness.html", {"page": page})
