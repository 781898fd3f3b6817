"""Pages of the hand-over: the provider grants access and builds exports; the assessment organisation reads
the granted portfolio, downloads its files and its export, and checks an export it was given."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portfolio.evidence.models import EvidenceFile
from portfolio.evidence.services.files import evidence_file_download_link
from portfolio.exports.contents import portfolio_contents
from portfolio.exports.manifest import export_verify
from portfolio.exports.models import PortfolioExport
from portfolio.exports.services import export_download_link, export_request
from portfolio.handover.forms import AssessmentOrganisationForm, GrantForm, VerifyExportForm
from portfolio.handover.models import PortfolioGrant
from portfolio.handover.pages import handover_context
from portfolio.handover.selectors import (
    export_get_for_user,
    grant_list_for_assessment_user,
    granted_apprenticeship_get,
    staff_apprenticeship_get,
    user_is_staff_of,
)
from portfolio.handover.services import GRANTING_ROLES, grant_create, grant_revoke, handover_access_record
from portfolio.people.models import Apprenticeship, Membership, Organisation
from portfolio.people.selectors import request_user_roles, user_holds_role
from portfolio.people.services.organisations import organisation_create


def _as_staff(request: HttpRequest, public_id: uuid.UUID) -> Apprenticeship:
    return staff_apprenticeship_get(user=request.user, public_id=public_id)


def _at_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@require_http_methods(["GET", "POST"])
@login_required
def handover_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = _as_staff(request, public_id)
    context = handover_context(apprenticeship=apprenticeship)
    may_grant = user_is_staff_of(user=request.user, provider_id=apprenticeship.provider_id, roles=GRANTING_ROLES)
    is_admin = request.user.is_superuser or user_holds_role(user=request.user, roles=[Membership.Role.PROVIDER_ADMIN])
    grant_form = GrantForm(organisations=context["organisations"])
    organisation_form = AssessmentOrganisationForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "grant":
                grant_form = GrantForm(request.POST, organisations=context["organisations"])
                if grant_form.is_valid():
                    data = grant_form.cleaned_data
                    grant = grant_create(
                        actor=request.user,
                        apprenticeship=apprenticeship,
                        organisation=data["organisation"],
                        starts_at=_at_day_start(data["starts_on"]),
                        expires_at=_at_day_start(data["expires_on"]),
                        note=data["note"],
                    )
                    messages.success(
                        request, f"{grant.organisation} can see this portfolio until {data['expires_on']:%d %b %Y}."
                    )
                    return redirect("handover-page", public_id=apprenticeship.public_id)
            elif action == "revoke":
                grant = _grant_of(apprenticeship, request.POST.get("grant", ""))
                grant_revoke(actor=request.user, grant=grant)
                messages.success(request, f"{grant.organisation} can no longer see this portfolio.")
                return redirect("handover-page", public_id=apprenticeship.public_id)
            elif action == "add_organisation":
                organisation_form = AssessmentOrganisationForm(request.POST)
                if organisation_form.is_valid():
                    added = organisation_create(
                        actor=request.user,
                        kind=Organisation.Kind.ASSESSMENT_ORGANISATION,
                        name=organisation_form.cleaned_data["name"],
                        provider=apprenticeship.provider,
                    )
                    messages.success(request, f"{added} added. Invite its end-point assessors from People.")
                    return redirect("handover-page", public_id=apprenticeship.public_id)
            elif action == "export":
                export_request(actor=request.user, apprenticeship=apprenticeship)
                messages.success(request, "The export is being built: this page shows its progress.")
                return redirect("handover-page", public_id=apprenticeship.public_id)
            else:
                messages.error(request, "That action is not known here.")
        except PermissionDenied as exc:
            messages.error(request, str(exc) or "You may not do that.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "handover/handover.html",
        {
            "apprenticeship": apprenticeship,
            **context,
            "now": timezone.now(),
            "may_grant": may_grant,
            "is_admin": is_admin,
            "grant_form": grant_form,
            "organisation_form": organisation_form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _grant_of(apprenticeship: Apprenticeship, raw: str) -> PortfolioGrant:
    try:
        return PortfolioGrant.objects.get(apprenticeship=apprenticeship, public_id=uuid.UUID(raw))
    except (ValueError, PortfolioGrant.DoesNotExist) as exc:
        raise ValidationError("That access was not found on this portfolio.") from exc


def _require_assessment_role(request: HttpRequest) -> None:
    if "assessment_organisation" not in request_user_roles(request=request):
        raise Http404


@require_GET
@login_required
def assessment_list_page(request: HttpRequest) -> HttpResponse:
    _require_assessment_role(request)
    grants = grant_list_for_assessment_user(user=request.user).order_by("expires_at")
    return render(request, "handover/assessment_list.html", {"grants": grants})


@require_http_methods(["GET", "POST"])
@login_required
def assessment_portfolio_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = granted_apprenticeship_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        export_request(actor=request.user, apprenticeship=apprenticeship)
        messages.success(request, "The export is being built: this page shows its progress.")
        return redirect("assessment-portfolio-page", public_id=apprenticeship.public_id)
    handover_access_record(actor=request.user, apprenticeship=apprenticeship, what="view")
    grant = (
        grant_list_for_assessment_user(user=request.user)
        .filter(apprenticeship=apprenticeship)
        .order_by("-expires_at")
        .first()
    )
    exports = PortfolioExport.objects.filter(apprenticeship=apprenticeship, requested_by_id=request.user.pk or 0)[:1]
    return render(
        request,
        "handover/assessment_portfolio.html",
        {
            "apprenticeship": apprenticeship,
            "c": portfolio_contents(apprenticeship=apprenticeship),
            "grant": grant,
            "exports": exports,
        },
    )


@require_GET
@login_required
def assessment_file_download(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID) -> HttpResponse:
    apprenticeship = granted_apprenticeship_get(user=request.user, public_id=public_id)
    keys = {packed.key for packed in portfolio_contents(apprenticeship=apprenticeship).files}
    file = EvidenceFile.objects.filter(public_id=file_id, evidence__apprenticeship=apprenticeship).first()
    if file is None or file.verified_key not in keys:  # only the files of counted evidence are handed over
        raise Http404
    handover_access_record(actor=request.user, apprenticeship=apprenticeship, what="download", target=file)
    return redirect(evidence_file_download_link(file=file).url)


def _export_for(request: HttpRequest, public_id: uuid.UUID) -> PortfolioExport:
    return export_get_for_user(user=request.user, public_id=public_id)


@require_GET
@login_required
def export_progress(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    export = _export_for(request, public_id)
    return render(request, "handover/_export.html", {"export": export})


@require_GET
@login_required
def export_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    export = _export_for(request, public_id)
    if export.state != PortfolioExport.State.READY:
        raise Http404
    handover_access_record(actor=request.user, apprenticeship=export.apprenticeship, what="export", target=export)
    return redirect(export_download_link(export=export))


@require_http_methods(["GET", "POST"])
@login_required
def verify_export_page(request: HttpRequest) -> HttpResponse:
    if not {"assessment_organisation", "provider"} & request_user_roles(request=request):
        raise Http404
    form = VerifyExportForm()
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        form = VerifyExportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            differences = export_verify(upload)
            result = {"name": upload.name, "differences": [str(d) for d in differences]}
        else:
            status = 400
    return render(request, "handover/verify.html", {"form": form, "result": result}, status=status)
