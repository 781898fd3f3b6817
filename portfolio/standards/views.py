"""Read-only pages of the catalogue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portfolio.standards.selectors import standard_get, standard_list


@login_required
def standard_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "standards/list.html", {"standards": standard_list()})


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
