"""Read-only pages of the catalogue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portfolio.people.selectors import user_is_provider_admin
from portfolio.standards.forms import PlanImportForm
from portfolio.standards.selectors import standard_get, standard_list
from portfolio.standards.services import standard_import
from portfolio.standards.uploads import UploadedPlanError, read_uploaded_api_document, read_uploaded_plan


@login_required
def standard_list_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "standards/list.html",
        {"standards": standard_list(), "can_import": user_is_provider_admin(user=request.user)},
    )


@login_required
def standard_import_page(request: HttpRequest) -> HttpResponse:
    if not user_is_provider_admin(user=request.user):
        raise PermissionDenied("Only a training provider's admin can import assessment plans.")
    result = None
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = standard_import(
                plan=read_uploaded_plan(data["plan"]),
                api_document=read_uploaded_api_document(data.get("api_document")),
                reference=data["reference"] or None,
                version=data["version"] or None,
                replace=data["replace"],
                dry_run=data["dry_run"],
                actor=request.user,
            )
        except UploadedPlanError as exc:
            form.add_error(exc.field, str(exc))
    status = 400 if request.method == "POST" and (result is None or not result.ok) else 200
    return render(request, "standards/import.html", {"form": form, "result": result}, status=status)


@login_required
def standard_detail_page(request: HttpRequest, reference: str, version: str) -> HttpResponse:
    standard = standard_get(reference=reference, version=version)
    outcomes = list(standard.outcomes.all())
    routes = [("Core", [o for o in outcomes if o.option_id is None])] + [
        (
            option.title + (f" ({option.code})" if option.code else ""),
            [o for o in outcomes if o.option_id == option.id],
        )
        for option in standard.options.all()
    ]
    methods = list(standard.assessment_methods.all())
    return render(
        request,
        "standards/detail.html",
        {
            "standard": standard,
            "routes": routes,
            "behaviours": [s for s in standard.statements.all() if s.kind == "B"],
            "required_methods": [m for m in methods if m.required],
            "additional_methods": [m for m in methods if not m.required],
        },
    )
