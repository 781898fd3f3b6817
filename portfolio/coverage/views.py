"""Pages: an apprenticeship's progress, the cohort (table, CSV, heat map) and the readiness feed."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portfolio.core.filters import filter_for_page
from portfolio.core.queries import CountingPaginator, with_total
from portfolio.coverage.cohort_compiled import unfiltered_ids
from portfolio.coverage.cohort_csv import csv_parts
from portfolio.coverage.cohort_rows import (
    SHOWN_VALUES,
    cohort_values_of,
    page_ids,
    page_row,
    review_subjects,
    with_ao_rows,
)
from portfolio.coverage.filters import PAGE_ORDERINGS, CohortPageFilter
from portfolio.coverage.gates import gates_checklist
from portfolio.coverage.pages import (
    cohort_filter_choices,
    cohort_rows,
    cohort_standards_for,
    heatmap_for,
    progress_for,
    standard_label,
)
from portfolio.coverage.selectors import (
    cohort_list_for_user,
    coverage_summary_for,
    readiness_event_list_for_user,
    readiness_events_after,
)
from portfolio.otj.selectors import otj_figures_for
from portfolio.people.models import Apprenticeship
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    apprenticeship_list_for_user,
    request_user_roles,
    user_held_organisations,
    user_provider_ids,
)
from portfolio.progress.selectors import due_by_apprenticeship
from portfolio.reviews.roles import employer_reviewer_role


def _require_cohort_role(request: HttpRequest) -> None:
    if not {"provider", "employer"} & request_user_roles(request=request):
        raise PermissionDenied("The cohort is for training provider staff and employer contacts.")


@require_GET
@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """An apprentice's own start page: straight to their progress when they have one apprenticeship."""
    mine = list(apprenticeship_list_for_user(user=request.user).filter(apprentice_id=request.user.pk))
    if len(mine) == 1:
        return redirect("progress-page", public_id=mine[0].public_id)
    return render(request, "coverage/mine.html", {"apprenticeships": mine})


# What the progress page shows of the apprenticeship besides itself.
PROGRESS_RELATED = ("apprentice", "employer", "standard", "option")


@require_GET
@login_required
def progress_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    # The header reads the person's roles anyway: an apprentice (most of this page's readers) holds neither a
    # provider's nor an employer's, so is asked for their own apprenticeship alone, and nothing more.
    roles = request_user_roles(request=request)
    apprenticeship = apprenticeship_get_for_user(
        user=request.user, public_id=public_id, related=PROGRESS_RELATED, roles=roles
    )
    summary, stale = coverage_summary_for(apprenticeship=apprenticeship)
    route = progress_for(apprenticeship=apprenticeship)
    missing = [row for row in route.statements if not row.covered]
    checklist = gates_checklist(summary.gates) if summary else []
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
            "checklist": checklist,
            "is_provider_staff": request.user.is_superuser
            or (
                "provider" in roles
                and apprenticeship.provider_id
                in set(user_provider_ids(user=request.user).values_list("organisation_id", flat=True))
            ),
            # Employer contacts confirm behaviours from the apprentice's page: the link is theirs alone.
            "can_confirm_behaviours": "employer" in roles
            and employer_reviewer_role(user=request.user, apprenticeship=apprenticeship) is not None,
            "otj": otj_figures_for(apprenticeship=apprenticeship),
        },
    )


@require_GET
@login_required
def cohort_page(request: HttpRequest) -> HttpResponseBase:
    _require_cohort_role(request)
    held = user_held_organisations(user=request.user)  # the scope as ids, read once
    as_csv = request.GET.get("format") == "csv"
    # Opened without a filter (how staff open it), the page's sorted ids come from a query compiled once per
    # process (`unfiltered_ids`): the filters then only check the form, on no rows, and the person's cohort is not
    # built as a queryset at all.
    sorted_ids: Any = (
        None
        if as_csv
        else unfiltered_ids(filterset_class=CohortPageFilter, data=request.GET, user=request.user, held=held)
    )
    scope = (
        cohort_rows(user=request.user, cohort=cohort_list_for_user(user=request.user, held=held))
        if sorted_ids is None
        else Apprenticeship.objects.none()
    )
    filterset, rows, errors = filter_for_page(
        CohortPageFilter, data=request.GET, queryset=scope, filtered=sorted_ids is None
    )
    if rows is not None and as_csv:
        response = StreamingHttpResponse(csv_parts(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cohort.csv"'
        return response
    # A value the filters refuse (a stale link, an edited address) is named on the page, above the form
    # that corrects it, instead of the table; the CSV link asks for the same page, so it does the same.
    # The page is cut from the sorted ids (with the count, in one query); then only its rows are read, as plain
    # values with their relations and last activity, and their AO figures (portfolio/coverage/cohort_rows.py).
    page = None
    if rows is not None:
        if sorted_ids is None:
            sorted_ids = with_total(page_ids(rows))
        page = CountingPaginator(sorted_ids, 50).get_page(request.GET.get("page"))
        values = with_ao_rows(cohort_values_of(page.object_list, last_activity=True, columns=SHOWN_VALUES))
        # Each row's next progress review, for the rows of this page only (their dates read already).
        today = timezone.localdate()
        reviews = due_by_apprenticeship(apprenticeships=review_subjects(values), today=today)
        page.object_list = [page_row(v) for v in values]
        for row in page.object_list:
            row.review_due = due = reviews.get(row.pk)
            row.review_overdue = bool(due and due.overdue(today))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coverage/cohort.html",
        {
            "page": page,
            "filters": {name: str(filterset.data.get(name, "")).strip() for name in filterset.filters},
            "ready": filterset.form.cleaned_data.get("ready"),
            "review_overdue": filterset.form.cleaned_data.get("review_overdue"),
            "errors": {f"f-{name}": message for name, message in errors.items()},
            "choices": cohort_filter_choices(user=request.user, held=held),
            "sorts": [(value, label) for value, (label, _) in PAGE_ORDERINGS.items()],
            "query": query.urlencode(),
        },
        status=400 if errors else 200,
    )


@require_GET
@login_required
def heatmap_page(request: HttpRequest) -> HttpResponse:
    _require_cohort_role(request)
    # The cohort filter's choice of standards (`cohort_filter_choices`), without its other lists.
    standards = {str(standard.public_id): standard for standard in cohort_standards_for(user=request.user)}
    choices = [(value, standard_label(standard.reference, standard.version)) for value, standard in standards.items()]
    asked = request.GET.get("standard", "").strip()
    try:
        chosen = str(uuid.UUID(asked)) if asked else (choices[0][0] if choices else "")
    except ValueError:
        chosen = ""
    standard, errors = standards.get(chosen), {}
    if standard is None and asked:
        # The same answer for a malformed id, a standard nobody follows and one only others' apprentices follow.
        errors = {
            "h-standard": "Standard: none of the apprentices you can see follows this one. Choose one from the list."
        }
    outcomes, rows = heatmap_for(user=request.user, standard=standard) if standard else ([], [])
    return render(
        request,
        "coverage/heatmap.html",
        {"standard": standard, "choices": choices, "outcomes": outcomes, "rows": rows, "errors": errors},
        status=400 if errors else 200,
    )


@require_GET
@login_required
def readiness_feed_page(request: HttpRequest) -> HttpResponse:
    events = readiness_event_list_for_user(user=request.user).select_related(
        "apprenticeship__apprentice", "apprenticeship__standard", "apprenticeship__employer"
    )
    page = readiness_events_after(events, after=request.GET.get("after"))
    return render(request, "coverage/readiness.html", {"page": page})
