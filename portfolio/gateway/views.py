"""Pages: the gateway of one apprenticeship (checklist, manual ticks, the two signatures, the referral) and the
provider admin's gateway settings. Thin: forms collect input, the services decide and write, as for the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portfolio.core.errors import Conflict
from portfolio.gateway.forms import GatewayPolicyForm, ManualGateForm, ReferralForm, SignForm, TickForm
from portfolio.gateway.models import GatewaySignature, ManualGate
from portfolio.gateway.selectors import (
    gateway_policy_for,
    gateway_status_for,
    manual_gate_get_for_admin,
    manual_gate_list,
    manual_tick_get,
)
from portfolio.gateway.services.policy import gateway_policy_update, manual_gate_create, manual_gate_update
from portfolio.gateway.services.signatures import gateway_declaration, gateway_refer, gateway_sign
from portfolio.gateway.services.ticks import manual_gate_tick, manual_gate_tick_withdraw
from portfolio.people.admin_forms import service_errors_to_form
from portfolio.people.admin_selectors import provider_list_administered_by
from portfolio.people.models import Apprenticeship, Organisation
from portfolio.people.selectors import apprenticeship_get_for_user

# An action answers a message (done: back to the page) or a bound form with its errors (shown on the page).
Outcome = str | tuple[str, forms.Form]


def _sign(request: HttpRequest, apprenticeship: Apprenticeship) -> Outcome:
    form = SignForm(request.POST)
    side = request.POST.get("side", "")
    if not form.is_valid():
        return f"sign-{side}", form
    signature = gateway_sign(actor=request.user, apprenticeship=apprenticeship, side=side)
    return f"You signed the gateway declaration for the {signature.get_side_display().lower()}."


def _tick(request: HttpRequest, apprenticeship: Apprenticeship) -> Outcome:
    gate = ManualGate.objects.filter(provider_id=apprenticeship.provider_id, public_id=_uuid(request, "gate")).first()
    if gate is None:
        raise Http404("Not found.")
    form = TickForm(request.POST)
    if form.is_valid():
        try:
            manual_gate_tick(
                actor=request.user, apprenticeship=apprenticeship, gate=gate, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            return f"“{gate.name}” ticked."
    return f"tick-{gate.public_id}", form


def _withdraw_tick(request: HttpRequest, apprenticeship: Apprenticeship) -> Outcome:
    tick = manual_tick_get(apprenticeship=apprenticeship, public_id=_uuid(request, "tick"))
    manual_gate_tick_withdraw(actor=request.user, tick=tick)
    return f"Tick of “{tick.gate.name}” withdrawn."


def _refer(request: HttpRequest, apprenticeship: Apprenticeship) -> Outcome:
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            referral = gateway_refer(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            return f"Recorded: with {referral.assessment_organisation}."
    return "refer", form


ACTIONS: dict[str, Callable[[HttpRequest, Apprenticeship], Outcome]] = {
    "sign": _sign,
    "tick": _tick,
    "withdraw_tick": _withdraw_tick,
    "refer": _refer,
}


def _uuid(request: HttpRequest, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get(name, ""))
    except ValueError as exc:
        raise Http404("Not found.") from exc


@login_required
@require_http_methods(["GET", "POST"])
def gateway_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return render(request, "400.html", status=400)
        try:
            outcome = action(request, apprenticeship)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("gateway-page", public_id=apprenticeship.public_id)
        except ValidationError as exc:  # a refusal that names no field of a form on the page
            messages.error(request, " ".join(exc.messages))
            return redirect("gateway-page", public_id=apprenticeship.public_id)
        if isinstance(outcome, str):
            messages.success(request, outcome)
            return redirect("gateway-page", public_id=apprenticeship.public_id)
        key, form = outcome
        bound[key] = form
    status = gateway_status_for(apprenticeship=apprenticeship, user=request.user)
    sides = [
        {
            "side": side,
            "label": label,
            "signature": status.signatures.get(side),
            "declaration": gateway_declaration(apprenticeship=apprenticeship, side=side),
            "form": bound.get(f"sign-{side}") or SignForm(auto_id=f"sign-{side}-%s"),
            "can_sign": side in status.can_sign,
        }
        for side, label in GatewaySignature.Side.choices
    ]
    manual = [
        {"row": row, "form": bound.get(f"tick-{row.gate.public_id}") or TickForm(auto_id=f"tick-{row.gate.pk}-%s")}
        for row in status.manual
    ]
    error_form = next(iter(bound.values()), None)
    return render(
        request,
        "gateway/page.html",
        {
            "apprenticeship": apprenticeship,
            "status": status,
            "sides": sides,
            "manual": manual,
            "referral_form": bound.get("refer") or ReferralForm(),
            "error_form": error_form,
            "is_own": apprenticeship.apprentice_id == request.user.pk,
        },
    )


def _providers(request: HttpRequest) -> list[Organisation]:
    providers = list(provider_list_administered_by(user=request.user).order_by("name"))
    if not providers:
        raise PermissionDenied("The gateway settings are for a training provider's admin.")
    return providers


def _chosen(providers: list[Organisation], public_id: str | None) -> Organisation:
    if not public_id:
        return providers[0]
    chosen = next((p for p in providers if str(p.public_id) == public_id), None)
    if chosen is None:
        raise Http404("Not found.")
    return chosen


def _policy_initial(provider: Organisation) -> dict[str, Any]:
    policy = gateway_policy_for(provider=provider)
    return {name: getattr(policy, name) for name in GatewayPolicyForm.base_fields}


@login_required
@require_http_methods(["GET", "POST"])
def gateway_settings_page(request: HttpRequest) -> HttpResponse:
    providers = _providers(request)
    provider = _chosen(providers, request.GET.get("provider") or request.POST.get("provider"))
    policy_form = GatewayPolicyForm(initial=_policy_initial(provider))
    gate_form = ManualGateForm()
    error_form: forms.Form | None = None
    if request.method == "POST":
        if request.POST.get("action") == "add_gate":
            gate_form = ManualGateForm(request.POST)
            if gate_form.is_valid():
                try:
                    gate = manual_gate_create(actor=request.user, provider=provider, **gate_form.cleaned_data)
                except ValidationError as exc:
                    service_errors_to_form(gate_form, exc)
                else:
                    messages.success(request, f"Manual gate “{gate.name}” added: every apprentice needs it ticked.")
                    return redirect(_settings_url(provider, providers))
            error_form = gate_form
        else:
            policy_form = GatewayPolicyForm(request.POST)
            if policy_form.is_valid():
                try:
                    gateway_policy_update(actor=request.user, provider=provider, **policy_form.cleaned_data)
                except ValidationError as exc:
                    service_errors_to_form(policy_form, exc)
                else:
                    messages.success(request, "Gateway settings saved: every apprentice is being checked again.")
                    return redirect(_settings_url(provider, providers))
            error_form = policy_form
    return render(
        request,
        "gateway/settings.html",
        {
            "provider": provider,
            "providers": providers,
            "policy_form": policy_form,
            "gate_form": gate_form,
            "error_form": error_form,
            "gates": manual_gate_list(provider=provider, include_retired=True),
        },
    )


def _settings_url(provider: Organisation, providers: list[Organisation]) -> str:
    url = reverse("gateway-settings-page")
    return url if len(providers) == 1 else f"{url}?provider={provider.public_id}"


@login_required
@require_http_methods(["GET", "POST"])
def manual_gate_retire_page(request: HttpRequest, gate_id: uuid.UUID) -> HttpResponse:
    """Retiring a manual gate asks first, on a page of its own: it frees every apprentice it held back."""
    providers = _providers(request)
    gate = manual_gate_get_for_admin(provider_ids=[p.pk for p in providers], public_id=gate_id)
    if request.method == "POST":
        try:
            manual_gate_update(actor=request.user, gate=gate, active=False)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Manual gate “{gate.name}” retired.")
        return redirect(_settings_url(gate.provider, providers))
    return render(request, "gateway/retire_confirm.html", {"gate": gate, "providers": providers})
