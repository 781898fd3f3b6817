"""Evidence pages. Reads go through the scoped selectors (404 when not yours), writes through the services;
the upload widget (static/js/evidence-upload.js) uses the same API as every other client. Destructive actions
(remove a file, delete a draft) ask on a page of their own first, so one stray tap on a phone does nothing."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from portfolio.core.filters import filter_for_page
from portfolio.evidence import lifecycle
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.filters import EvidenceFilter
from portfolio.evidence.forms import EvidenceForm
from portfolio.evidence.models import Evidence
from portfolio.evidence.roles import author_role_for, kinds_for, may_edit, may_submit, may_tag
from portfolio.evidence.route import route_outcomes
from portfolio.evidence.selectors import (
    evidence_file_get_for_user,
    evidence_get_for_user,
    evidence_list_for_user,
    evidence_list_of,
    evidence_list_rows,
    evidence_rows_of,
)
from portfolio.evidence.services.evidence import evidence_create, evidence_delete_draft, evidence_update
from portfolio.evidence.services.files import evidence_file_download_link, evidence_file_remove
from portfolio.evidence.services.tags import evidence_tags_set
from portfolio.people.selectors import apprenticeship_get_for_user, apprenticeship_list_for_user, request_user_roles
from portfolio.suggestions.encoder import ModelUnavailable
from portfolio.suggestions.services.suggestions import ItemSuggestions, evidence_suggestions_current

logger = logging.getLogger(__name__)
# Suggestions shown at the top of the tag picker; the API answers all that are stored.
SUGGESTIONS_SHOWN = 5


def _form_errors(form: EvidenceForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


ROWS_SHOWN = 500


@require_GET
@login_required
def evidence_list(request: HttpRequest, public_id: uuid.UUID | None = None) -> HttpResponse:
    apprenticeship = None
    if public_id is not None:
        # Only what the page shows of it joined: the full join took longer to plan than the list's own queries. The
        # header reads the person's roles anyway: an apprentice is asked for their own apprenticeship alone.
        apprenticeship = apprenticeship_get_for_user(
            user=request.user,
            public_id=public_id,
            related=("apprentice", "employer", "standard", "option"),
            roles=request_user_roles(request=request),
        )
    rows = None
    data: Any = request.GET
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if apprenticeship is not None and not data:
        # One apprenticeship's whole list, nothing asked of the filters (the page opened from its progress page): by
        # queries compiled once. The filterset (its form's fields copied for each request) would have nothing to check.
        rows = evidence_rows_of(apprenticeship=apprenticeship, limit=ROWS_SHOWN)
    else:
        if apprenticeship is None:
            items = evidence_list_for_user(user=request.user)
        else:
            items = evidence_list_of(apprenticeship=apprenticeship)
        filterset, filtered, errors = filter_for_page(EvidenceFilter, data=data, queryset=items)
        data, cleaned = filterset.data, filterset.form.cleaned_data
        if filtered is not None and apprenticeship is not None and not any(cleaned.values()):
            rows = evidence_rows_of(apprenticeship=apprenticeship, limit=ROWS_SHOWN)
        elif filtered is not None:
            rows = evidence_list_rows(queryset=filtered, limit=ROWS_SHOWN)
    if apprenticeship is not None:
        may_add = [apprenticeship] if author_role_for(user=request.user, apprenticeship=apprenticeship) else []
    else:
        # Across portfolios, only an apprentice's own get a shortcut; others add from one apprenticeship's page.
        may_add = list(apprenticeship_list_for_user(user=request.user).filter(apprentice_id=request.user.pk))
    context = {
        "apprenticeship": apprenticeship,
        # A refused filter value is named above the form instead of a list filtered by only part of the request.
        "items": rows,
        "may_add": may_add,
        "states": Evidence.State.choices,
        "kinds": Evidence.Kind.choices,
        "state": data.get("state", ""),
        "kind": data.get("kind", ""),
        # The form carries a valid `?apprenticeship=` along (refused, it is named above and not carried on).
        "apprenticeship_filter": cleaned.get("apprenticeship"),
        "errors": {f"filter-{name}": message for name, message in errors.items()},
    }
    return render(request, "evidence/list.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def evidence_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
    role = author_role_for(user=request.user, apprenticeship=apprenticeship)
    if role is None:
        raise PermissionDenied("You cannot add evidence to this apprenticeship.")
    form = EvidenceForm(request.POST or None, kinds=kinds_for(role))
    if request.method == "POST" and form.is_valid():
        try:
            evidence = evidence_create(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except EvidenceRefused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("evidence-detail-page", public_id=evidence.public_id)
    return render(request, "evidence/form.html", {"form": form, "apprenticeship": apprenticeship, "evidence": None})


@require_GET
@login_required
@vary_on_headers("HX-Request")
def evidence_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The item; to htmx (after uploads) only the part that changes with its files: the file table and the
    submit form together, so the form always carries the version the files made. Its review trail (the
    decisions, the comment of a return) comes from the reviews' template tag, `review_trail`."""
    evidence = evidence_get_for_user(user=request.user, public_id=public_id)
    files = list(evidence.files.all())
    context = {
        "evidence": evidence,
        "apprenticeship": evidence.apprenticeship,
        "files": files,
        "rejected_files": [file for file in files if file.state == file.State.REJECTED],
        "tags": evidence.tags.all(),
        "can_edit": may_edit(user=request.user, evidence=evidence),
        "can_tag": may_tag(user=request.user, evidence=evidence),
        "can_delete": evidence.author_id == request.user.pk and not evidence.ever_submitted,
        "can_submit": may_submit(user=request.user, evidence=evidence),
    }
    if getattr(request, "htmx", False):  # django-htmx's middleware: true for htmx's own requests
        return render(request, "evidence/_files_and_submit.html", context)
    return render(request, "evidence/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def evidence_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    evidence = evidence_get_for_user(user=request.user, public_id=public_id)
    if not may_edit(user=request.user, evidence=evidence):
        raise PermissionDenied("Only the author of this evidence can change it.")
    kinds = kinds_for(evidence.author_role)
    initial = {name: getattr(evidence, name) for name in ("title", "kind", "occurred_on", "reflection")}
    form = EvidenceForm(request.POST or None, initial=initial, kinds=sorted({*kinds, evidence.kind}))
    if request.method == "POST" and form.is_valid():
        try:
            evidence_update(actor=request.user, evidence=evidence, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except EvidenceRefused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("evidence-detail-page", public_id=evidence.public_id)
    context = {
        "form": form,
        "apprenticeship": evidence.apprenticeship,
        "evidence": evidence,
        # Once decided on, a saved change ends the current review round (and any sign-off).
        "change_ends_review": lifecycle.decided(evidence.state),
    }
    return render(request, "evidence/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def evidence_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET asks "are you sure?"; POST deletes the draft."""
    evidence = evidence_get_for_user(user=request.user, public_id=public_id)
    if evidence.author_id != request.user.pk:
        raise PermissionDenied("Only the author of this evidence can delete it.")
    if request.method == "GET":
        if evidence.ever_submitted:
            messages.error(request, f"“{evidence.title}” was submitted, so it cannot be deleted: withdraw it instead.")
            return redirect("evidence-detail-page", public_id=evidence.public_id)
        return render(request, "evidence/delete_confirm.html", {"evidence": evidence, "files": evidence.files.all()})
    try:
        evidence_delete_draft(actor=request.user, evidence=evidence)
    except EvidenceRefused as exc:
        messages.error(request, exc.message)
        return redirect("evidence-detail-page", public_id=evidence.public_id)
    messages.success(request, f"“{evidence.title}” was deleted.")
    return redirect("apprenticeship-evidence-page", public_id=evidence.apprenticeship.public_id)


@require_http_methods(["GET", "POST"])
@login_required
def evidence_file_remove_page(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID) -> HttpResponse:
    """GET asks "are you sure?" (and says what removing does to a submitted item); POST removes the file."""
    file = evidence_file_get_for_user(user=request.user, evidence_public_id=public_id, file_public_id=file_id)
    evidence = file.evidence
    if not may_edit(user=request.user, evidence=evidence):
        raise PermissionDenied("Only the author of this evidence can remove its files.")
    if request.method == "GET":
        context = {
            "evidence": evidence,
            "file": file,
            "reopens": lifecycle.change_reopens(evidence.state),  # signed off: back for a fresh sign-off
            "in_review": lifecycle.in_review(evidence.state),  # waiting for a sign-off
        }
        return render(request, "evidence/file_remove_confirm.html", context)
    try:
        evidence = evidence_file_remove(actor=request.user, file=file)
    except EvidenceRefused as exc:
        messages.error(request, exc.message)
    else:
        follow = (
            " Upload a corrected file below, then submit it again."
            if may_submit(user=request.user, evidence=evidence)
            else ""
        )
        messages.success(request, f"{file.original_name} was removed.{follow}")
    return redirect("evidence-detail-page", public_id=evidence.public_id)


@require_http_methods(["GET", "POST"])
@login_required
def evidence_tags(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    evidence = evidence_get_for_user(user=request.user, public_id=public_id)
    if not may_tag(user=request.user, evidence=evidence):
        raise PermissionDenied("Only the apprentice or the author of this evidence can tag it.")
    selected = {tag.statement.code for tag in evidence.tags.all()}
    rejected: dict[str, str] = {}
    if request.method == "POST":
        codes = request.POST.getlist("statements")
        try:
            evidence_tags_set(actor=request.user, evidence=evidence, codes=codes)
        except EvidenceRefused as exc:
            rejected = exc.details.get("statements", {}) or {"": exc.message}
            selected = set(codes)
        else:
            messages.success(request, "Tags saved.")
            return redirect("evidence-detail-page", public_id=evidence.public_id)
    outcomes = route_outcomes(apprenticeship=evidence.apprenticeship)
    suggestions = _suggestions(evidence)
    shown = suggestions.suggestions[:SUGGESTIONS_SHOWN] if suggestions else []
    context = {
        "evidence": evidence,
        "core": [outcome for outcome in outcomes if outcome.option is None],
        "option_outcomes": [outcome for outcome in outcomes if outcome.option is not None],
        "option": evidence.apprenticeship.option,
        "selected": selected,
        "rejected": rejected,
        "suggested": shown,
        "suggested_codes": {suggestion.statement.code for suggestion in shown},
        "covered": suggestions.covered if suggestions else frozenset(),
    }
    return render(request, "evidence/tags.html", context, status=400 if rejected else 200)


def _suggestions(evidence: Evidence) -> ItemSuggestions | None:
    # A convenience: the picker works without them when the model cannot be loaded.
    try:
        return evidence_suggestions_current(evidence=evidence)
    except ModelUnavailable:
        logger.exception("statement suggestions for evidence %s could not be made", evidence.pk)
        return None


@require_GET
@login_required
def evidence_file_download(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID) -> HttpResponse:
    file = evidence_file_get_for_user(user=request.user, evidence_public_id=public_id, file_public_id=file_id)
    try:
        link = evidence_file_download_link(file=file)
    except EvidenceRefused as exc:
        messages.error(request, exc.message)
        return redirect(reverse("evidence-detail-page", kwargs={"public_id": public_id}))
    return HttpResponseRedirect(link.url)
