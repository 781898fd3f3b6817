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
from django.utils import timezone
from django.views.decorators.http import require_GET

from portfolio.core.filters import filter_for_page
from portfolio.core.queries import CountingPaginator, with_total
from portfolio.coverage.cohort_rows import attach_page_extras, in_chunks_with_extras, page_ids, rows_of
from portfolio.coverage.filters import PAGE_ORDERINGS, CohortPageFilter
from portfolio.coverage.gates import GATE_NAMES, gates_checklist
from portfolio.coverage.pages import cohort_filter_choices, cohort_rows, heatmap_for, progress_for
from portfolio.coverage.selectors import coverage_summary_for, readiness_event_list_for_user
from portfolio.otj.selectors import otj_figures_for
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    apprenticeship_list_for_user,
    request_user_roles,
    user_provider_ids,
)
from portfolio.progress.selectors import due_by_apprenticeship
from portfolio.reviews.roles import employer_reviewer_role
from portfolio.standards.models import Standard


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
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id, related=PROGRESS_RELATED)
    summary, stale = coverage_summary_for(apprenticeship=apprenticeship)
    route = progress_for(apprenticeship=apprenticeship)
    missing = [row for row in route.statements if not row.covered]
    checklist = gates_checklist(summary.gates) if summary else []
    # The header reads the person's roles anyway: an apprentice (most of this page's readers) holds neither a
    # provider's nor an employer's, and is asked nothing more.
    roles = request_user_roles(request=request)
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


# Rows the CSV reads (and holds) at a time: its memory stays flat whatever the cohort's size.
CSV_CHUNK = 500


def _csv_rows(queryset: Any) -> Iterator[list[str]]:
    yield ["apprentice", "email", "employer", "standard", "option", "coverage %", "covered", "mapped", "ready",
           "gateway", "held back by", "OTJ approved hours", "OTJ required hours", "behind on OTJ", "last activity",
           "assessment outcomes", "next progress review due", "progress review overdue"]  # fmt: skip
    today = timezone.localdate()
    # Every row's next review at once (portfolio/progress/selectors.py: a few queries, whatever the rows).
    reviews = due_by_apprenticeship(apprenticeships=queryset, today=today)
    for a in in_chunks_with_extras(queryset.iterator(chunk_size=CSV_CHUNK), CSV_CHUNK):
        summary = getattr(a, "coverage_summary", None)
        due = reviews.get(a.pk)
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
            summary.get_state_display() if summary else "",
            "; ".join(GATE_NAMES[key] for key in summary.blocking if key in GATE_NAMES) if summary else "",
            *_otj_columns(summary),
            a.last_activity.isoformat() if a.last_activity else "",
            "; ".join(f"{row.outcome.code} {row.percent:.0f}%" for row in a.ao_rows),
            due.due_on.isoformat() if due and due.due_on else (due.explain(today) if due else ""),
            "yes" if due and due.overdue(today) else "no",
        ]


def _otj_columns(summary: Any) -> list[str]:
    otj = (summary.gates.get("otj") if summary else None) or {}
    required = otj.get("required_minutes")
    return [
        f"{otj.get('approved_minutes', 0) / 60:.1f}" if otj else "",
        f"{required / 60:.1f}" if required is not None else "",
        ("yes" if otj.get("behind") else "no") if otj else "",
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
def cohort_page(request: HttpRequest) -> HttpResponseBase:
    _require_cohort_role(request)
    filterset, rows, errors = filter_for_page(
        CohortPageFilter, data=request.GET, queryset=cohort_rows(user=request.user)
    )
    if rows is not None and request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in _csv_rows(rows)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="cohort.csv"'
        return response
    # A value the filters refuse (a stale link, an edited address) is named on the page, above the form
    # that corrects it, instead of the table; the CSV link asks for the same page, so it does the same.
    # The page is cut from the sorted ids (with the count, in one query); then only its rows are read, with their
    # relations, AO figures and last activity.
    page = None
    if rows is not None:
        page = CountingPaginator(with_total(page_ids(rows)), 50).get_page(request.GET.get("page"))
        page.object_list = attach_page_extras(rows_of(rows, page.object_list))
    today = timezone.localdate()
    if page is not None:
        # Each row's next progress review, for the rows of this page only (loaded already: no query for them).
        reviews = due_by_apprenticeship(apprenticeships=list(page.object_list), today=today)
        for a in page.object_list:
            due = reviews.get(a.pk)
            setattr(a, "review_due", due)  # noqa: B010 (a display attribute, not a model field)
            setattr(a, "review_overdue", bool(due and due.overdue(today)))  # noqa: B010
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
            "choices": cohort_filter_choices(user=request.user),
            "sorts": [(value, label) for value, (label, _) in PAGE_ORDERINGS.items()],
            "query": query.urlencode(),
        },
        status=400 if errors else 200,
    )


@require_GET
@login_required
def heatmap_page(request: HttpRequest) -> HttpResponse:
    _require_cohort_role(request)
    choices = cohort_filter_choices(user=request.user)["standards"]
    asked = request.GET.get("standard", "").strip()
    try:
        chosen = str(uuid.UUID(asked)) if asked else (choices[0][0] if choices else "")
    except ValueError:
        chosen = ""
    standard, errors = None, {}
    if chosen in {value for value, _ in choices}:
        standard = Standard.objects.filter(public_id=chosen).first()
    elif asked:
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
    page = Paginator(events.order_by("-occurred_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "coverage/readiness.html", {"page": page})
