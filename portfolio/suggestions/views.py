"""The provider admin's page to turn statement suggestions on or off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portfolio.suggestions.encoder import model_info
from portfolio.suggestions.selectors import suggestion_admin_providers_for_user, suggestions_enabled
from portfolio.suggestions.services.settings import suggestion_setting_update


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_settings_page(request: HttpRequest) -> HttpResponse:
    providers = suggestion_admin_providers_for_user(user=request.user)
    if not providers:
        raise PermissionDenied("Statement suggestions are turned on or off by a training provider's admin.")
    error = ""
    if request.method == "POST":
        chosen = next((p for p in providers if str(p.public_id) == request.POST.get("provider", "")), None)
        choice = request.POST.get("enabled", "")
        if chosen is None:
            error = "Choose one of your providers."
        elif choice not in {"on", "off"}:
            error = f"Choose whether {chosen.name} suggests statements: on or off."
        else:
            suggestion_setting_update(actor=request.user, provider=chosen, enabled=choice == "on")
            messages.success(
                request, f"Statement suggestions are {'on' if choice == 'on' else 'off'} for {chosen.name}."
            )
            return redirect("suggestion-settings-page")
    rows = [{"provider": p, "enabled": suggestions_enabled(provider_id=p.pk)} for p in providers]
    return render(
        request,
        "suggestions/settings.html",
        {"rows": rows, "model": model_info(), "error": error},
        status=400 if error else 200,
    )
