from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portfolio.core.health import system_health
from portfolio.people.selectors import user_roles


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = system_health()
    failed = [name for name, part in parts.items() if not part.ok]
    body = {
        "status": "ok" if not failed else "unavailable",
        "failed": failed,
        **{name: {"ok": part.ok, "detail": part.detail} for name, part in parts.items()},
    }
    return JsonResponse(body, status=503 if failed else 200)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people start where their work is: staff and employers at the cohort, apprentices at their
    progress. Everyone else sees what this is and where to sign in."""
    roles = user_roles(user=request.user)
    if {"provider", "employer"} & roles:
        return redirect("cohort-page")
    if "apprentice" in roles:
        return redirect("my-progress-page")
    return render(request, "core/home.html")
