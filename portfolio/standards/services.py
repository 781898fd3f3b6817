"""Writes to the catalogue. The one way in is `standard_import`: read a plan, write all of it or nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.dispatch import task_send_on_commit
from portfolio.coverage.services.dirty import coverage_mark_standard_dirty
from portfolio.standards.models import (
    AssessmentMethod,
    AssessmentOutcome,
    Option,
    OutcomeStatement,
    PerformanceDescriptor,
    Standard,
    Statement,
)
from portfolio.standards.plan import PlanReport, read_plan

ImportStatus = Literal["created", "unchanged", "replaced", "invalid", "refused", "preview"]


@dataclass(frozen=True)
class ImportResult:
    status: ImportStatus
    report: PlanReport
    standard: Standard | None = None
    message: str = ""
    # Catalogue items that a replacement would remove although records point at them.
    in_use: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in {"created", "unchanged", "replaced", "preview"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "in_use": self.in_use,
            "report": self.report.to_dict(),
        }


def _content(report: PlanReport, *, status: str) -> dict[str, Any]:
    """Everything the import writes, in a canonical form: equal content means an unchanged standard."""
    return {
        **{k: v for k, v in report.to_dict().items() if k not in {"errors", "warnings"}},
        "status": status,
        "option_names": [[o.title, o.code, list(o.other_names)] for o in report.options],
        "ao_details": [[a.code, a.option, a.title, a.description] for a in report.aos],
        "methods": [list(report.assessment_methods.required), list(report.assessment_methods.additional)],
        "descriptors": [[d.category, d.pass_text, d.distinction_text] for d in report.performance_descriptors],
    }


def _digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def standard_import(
    *,
    plan: str | bytes,
    api_document: dict[str, Any] | None = None,
    reference: str | None = None,
    version: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
    actor: Any = None,
) -> ImportResult:
    """Import one assessment plan as a standard version.

    Any error in the report: nothing is written. The same document again: nothing changes. A different
    document for a version already loaded: refused unless `replace`, and refused even then when a record
    (an apprenticeship, an evidence tag) points at an option, AO or statement that would disappear.
    """
    report = read_plan(plan, api_document=api_document, reference=reference, version=version)
    if not report.ok or report.reference is None or report.version is None:
        return ImportResult(status="invalid", report=report, message="The plan has errors: nothing was imported.")
    if dry_run:
        return ImportResult(status="preview", report=report, message="Preview only: nothing was written.")
    status = str((api_document or {}).get("status") or "")
    digest = _digest(_content(report, status=status))
    try:
        with transaction.atomic():
            result = _write(report, digest=digest, status=status, replace=replace, actor=actor)
    except IntegrityError:
        # Two imports of a new version raced; the loser re-reads the winner's row and compares.
        with transaction.atomic():
            result = _write(report, digest=digest, status=status, replace=replace, actor=actor)
    if result.standard is not None and result.status in {"created", "replaced", "unchanged"}:
        # Statement embeddings for suggestions, once per version: the task embeds only statements whose text
        # (or the model) changed, so an unchanged import costs it one query, and a database that predates
        # suggestions gets them.
        task_send_on_commit("suggestions.embed_standard", result.standard.pk)
    return result


def _write(report: PlanReport, *, digest: str, status: str, replace: bool, actor: Any) -> ImportResult:
    if report.reference is None or report.version is None:  # the caller checked; this is for the type checker
        raise ValueError("a plan without reference or version cannot be written")
    now = timezone.now()
    # Lock the version's row so two imports of the same version cannot interleave their writes.
    existing = Standard.objects.select_for_update().filter(reference=report.reference, version=report.version).first()
    label = f"{report.reference} v{report.version}"
    if existing is not None and existing.source_digest == digest:
        return ImportResult(
            status="unchanged",
            report=report,
            standard=existing,
            message=f"{label} is already loaded, unchanged.",
        )
    if existing is not None and not replace:
        return ImportResult(
            status="refused",
            report=report,
            standard=existing,
            message=f"{label} is already loaded from a different document. Use replace to update it.",
        )
    if existing is None:
        standard = Standard.objects.create(
            reference=report.reference,
            version=report.version,
            title=report.title or report.reference,
            level=report.level,
            status=status,
            source_digest=digest,
            imported_at=now,
            updated_at=now,
        )
    else:
        standard = existing
        standard.title = report.title or report.reference
        standard.level = report.level
        standard.status = status
        standard.source_digest = digest
        standard.updated_at = now
        standard.save()

    options = _sync_options(standard, report)
    statements = _sync_statements(standard, report)
    outcomes = _sync_outcomes(standard, report, options)
    removed = _removals(standard, options=options, statements=statements, outcomes=outcomes)
    in_use = _in_use(removed)
    if in_use:
        transaction.set_rollback(True)
        return ImportResult(
            status="refused",
            report=report,
            standard=existing,
            message=f"{label} was not replaced: records still point at items the new document removes.",
            in_use=in_use,
        )
    for queryset in removed:
        queryset.delete()
    _sync_mappings(report, outcomes, statements)
    _sync_rules(standard, report)
    if existing is not None:
        # The mapping may have changed: every apprenticeship on this version is recomputed, in batches.
        coverage_mark_standard_dirty(standard_id=standard.pk, reason="standard replaced")
    _audit(actor, standard, created=existing is None)
    return ImportResult(
        status="created" if existing is None else "replaced",
        report=report,
        standard=standard,
        message=f"{label} {'imported' if existing is None else 'replaced'}: {len(report.options)} options, "
        f"{len(report.aos)} assessment outcomes, {len(report.statements)} statements.",
    )


def _sync_options(standard: Standard, report: PlanReport) -> dict[str, Option]:
    current = {option.title: option for option in standard.options.all()}
    by_code = {option.code: option for option in current.values() if option.code}
    result: dict[str, Option] = {}
    for position, parsed in enumerate(report.options, start=1):
        # Matched by title, else by short code, so a renamed option keeps its id (and its apprentices).
        option = current.get(parsed.title) or (by_code.get(parsed.code) if parsed.code else None)
        if option is None:
            option = Option(standard=standard)
        option.title = parsed.title
        option.code = parsed.code or ""
        option.other_names = list(parsed.other_names)
        option.position = position
        # Positions and titles swap during a replacement; park them out of the way of the unique constraint.
        if option.pk is not None:
            Option.objects.filter(pk=option.pk).update(title=f"(renaming {option.pk})")
        option.save()
        result[parsed.title] = option
    return result


def _sync_statements(standard: Standard, report: PlanReport) -> dict[str, Statement]:
    current = {statement.code: statement for statement in standard.statements.all()}
    result: dict[str, Statement] = {}
    for position, parsed in enumerate(report.statements, start=1):
        statement = current.get(parsed.code) or Statement(standard=standard, code=parsed.code)
        statement.kind = parsed.kind
        statement.text = parsed.text
        statement.mandatory = parsed.mandatory
        statement.functional_skills = parsed.functional_skills
        statement.position = position
        statement.save()
        result[parsed.code] = statement
    return result


def _sync_outcomes(
    standard: Standard, report: PlanReport, options: dict[str, Option]
) -> dict[tuple[str | None, str], AssessmentOutcome]:
    current = {
        (ao.option.title if ao.option else None, ao.code): ao for ao in standard.outcomes.select_related("option")
    }
    result: dict[tuple[str | None, str], AssessmentOutcome] = {}
    for position, parsed in enumerate(report.aos, start=1):
        key = (parsed.option, parsed.code)
        outcome = current.get(key) or AssessmentOutcome(standard=standard, code=parsed.code)
        outcome.option = options[parsed.option] if parsed.option else None
        outcome.title = parsed.title
        outcome.description = parsed.description
        outcome.position = position
        outcome.save()
        result[key] = outcome
    return result


def _removals(
    standard: Standard,
    *,
    options: dict[str, Option],
    statements: dict[str, Statement],
    outcomes: dict[tuple[str | None, str], AssessmentOutcome],
) -> list[models.QuerySet[Any]]:
    return [
        standard.outcomes.exclude(pk__in=[o.pk for o in outcomes.values()]),
        standard.statements.exclude(pk__in=[s.pk for s in statements.values()]),
        standard.options.exclude(pk__in=[o.pk for o in options.values()]),
    ]


def _in_use(removed: list[models.QuerySet[Any]]) -> list[str]:
    """Name each removed catalogue item that a record outside the catalogue still points at.

    Found through the model relations rather than a fixed list, so apprenticeships, evidence tags and any
    later model that references the catalogue are all covered.
    """
    blocked: list[str] = []
    for queryset in removed:
        model = queryset.model
        for relation in model._meta.related_objects:
            related = relation.related_model
            if related._meta.app_label == "standards":
                continue
            # A reverse relation's name is the lookup from the catalogue row to its users (FK or M2M alike).
            referenced = queryset.filter(**{f"{relation.name}__isnull": False}).distinct()
            for item in referenced:
                blocked.append(f"{model._meta.verbose_name} {item} (used by {related._meta.verbose_name_plural})")
    return sorted(set(blocked))


def _sync_mappings(
    report: PlanReport,
    outcomes: dict[tuple[str | None, str], AssessmentOutcome],
    statements: dict[str, Statement],
) -> None:
    OutcomeStatement.objects.filter(outcome__in=list(outcomes.values())).delete()
    OutcomeStatement.objects.bulk_create(
        OutcomeStatement(outcome=outcomes[(parsed.option, parsed.code)], statement=statements[code], position=position)
        for parsed in report.aos
        for position, code in enumerate(parsed.statements, start=1)
    )


def _sync_rules(standard: Standard, report: PlanReport) -> None:
    standard.assessment_methods.all().delete()
    methods = report.assessment_methods
    AssessmentMethod.objects.bulk_create(
        [
            AssessmentMethod(standard=standard, name=name, required=True, position=i)
            for i, name in enumerate(methods.required)
        ]
        + [
            AssessmentMethod(standard=standard, name=name, required=False, position=i)
            for i, name in enumerate(methods.additional)
        ]
    )
    standard.performance_descriptors.all().delete()
    PerformanceDescriptor.objects.bulk_create(
        PerformanceDescriptor(
            standard=standard,
            category=descriptor.category,
            pass_text=descriptor.pass_text,
            distinction_text=descriptor.distinction_text,
            position=i,
        )
        for i, descriptor in enumerate(report.performance_descriptors)
    )


def _audit(actor: Any, standard: Standard, *, created: bool) -> None:
    audit_record(
        actor=actor,
        action="standard.imported" if created else "standard.replaced",
        target=standard,
        changes={
            "reference": standard.reference,
            "version": standard.version,
            "digest": standard.source_digest,
        },
    )
