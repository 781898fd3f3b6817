from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portfolio.core.health import system_health
from portfolio.core.start import admin, apprentice, assessment, employer, staff
from portfolio.people.selectors import request_user_roles


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
    """Signed-in people start on a task list: what to do next, for each role they hold. Everyone else sees
    what this is and where to sign in."""
    roles = request_user_roles(request=request)
    if not roles:
        return render(request, "core/home.html")
    user = request.user
    # Order: one's own work first, then what waits on one as a reviewer, then administration.
    sections = [
        (role, apprentice.tasks(user=user, roles=roles) if module is apprentice else module.tasks(user=user))
        for role, module in (
            ("apprentice", apprentice),
            ("employer", employer),
            ("provider", staff),
            ("provider_admin", admin),
            ("assessment_organisation", assessment),
        )
        if role in roles
    ]
    return render(request, "core/start.html", {"sections": sections})
