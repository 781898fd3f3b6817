"""The webhook settings page for provider admins: endpoints, their secret (shown once), deliveries, re-send."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portfolio.people.models import Organisation
from portfolio.webhooks.models import WebhookDelivery
from portfolio.webhooks.selectors import (
    webhook_admin_providers_for_user,
    webhook_delivery_get_for_user,
    webhook_endpoint_get_for_user,
    webhook_endpoint_list_for_user,
)
from portfolio.webhooks.services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)


def _admin_providers(request: HttpRequest) -> list[Organisation]:
    providers = webhook_admin_providers_for_user(user=request.user)
    if not providers:
        raise PermissionDenied("Webhooks are set up by a training provider's admin.")
    return providers


@login_required
@require_http_methods(["GET", "POST"])
def webhook_settings_page(request: HttpRequest) -> HttpResponse:
    providers = _admin_providers(request)
    new_secret = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "create":
                chosen = request.POST.get("provider") or str(providers[0].public_id)
                provider = next(p for p in providers if str(p.public_id) == chosen)
                created = webhook_endpoint_create(
                    actor=request.user, provider=provider, url=request.POST.get("url", ""),
                    description=request.POST.get("description", ""),
                )  # fmt: skip
                # Shown in this response only: it is never displayed again.
                new_secret = (created.endpoint, created.secret)
                messages.success(request, "Endpoint added. Copy its signing secret now: it is shown only once.")
            elif action in {"pause", "resume", "delete"}:
                endpoint = webhook_endpoint_get_for_user(user=request.user, public_id=request.POST.get("endpoint", ""))
                if action == "delete" and request.POST.get("confirmed") != "yes":
                    # Deleting drops the endpoint's delivery log too: ask first, on a page of its own.
                    return render(request, "webhooks/confirm_delete.html", {"endpoint": endpoint})
                if action == "delete":
                    webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
                    messages.success(request, f"Endpoint {endpoint.url} deleted.")
                else:
                    webhook_endpoint_update(actor=request.user, endpoint=endpoint, active=action == "resume")
                return redirect("webhook-settings-page")
            elif action == "resend":
                delivery = webhook_delivery_get_for_user(user=request.user, public_id=request.POST.get("delivery", ""))
                webhook_delivery_resend(actor=request.user, delivery=delivery)
                messages.success(request, "Sent again: the new delivery is at the top of the log.")
                return redirect("webhook-settings-page")
        except (StopIteration, ValueError):
            messages.error(request, "Choose one of your providers.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    endpoints = webhook_endpoint_list_for_user(user=request.user).prefetch_related(
        Prefetch("deliveries", queryset=WebhookDelivery.objects.order_by("-created_at")[:10], to_attr="recent")
    )
    return render(
        request,
        "webhooks/settings.html",
        {"endpoints": endpoints, "providers": providers, "new_secret": new_secret},
    )
