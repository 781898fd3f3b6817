"""The minimum OTJ hours per standard version, set by a provider's admin one by one or from a CSV.

A CSV import is all or nothing: every row is checked first and a file with any bad row changes nothing, with
one message per bad row (its line number, what is wrong, what to do).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from portfolio.audit.services import audit_record
from portfolio.coverage.services.dirty import coverage_mark_dirty
from portfolio.otj.models import OtjMinimum
from portfolio.people.models import Apprenticeship, Organisation
from portfolio.people.selectors import user_is_admin_of
from portfolio.standards.models import Standard

MAX_HOURS = 9999
MAX_ROWS = 5000
HEADER = ("reference", "version", "minimum_hours")


def _require_admin(actor: Any, provider: Organisation) -> None:
    if not provider.is_provider:
        raise ValidationError({"provider": f"{provider} is an employer; minimum hours belong to a training provider."})
    if not user_is_admin_of(user=actor, provider=provider):
        raise PermissionDenied("Only an admin of this training provider can set its minimum OTJ hours.")


def hours_error(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HOURS:
        return f"Give the minimum as a whole number of hours from 1 to {MAX_HOURS}."
    return None


def _label(standard: Standard) -> str:
    return f"{standard.reference} v{standard.version}"


@transaction.atomic
def otj_minimums_save(
    *,
    actor: Any,
    provider: Organisation,
    minimums: Mapping[Standard, int | None],
) -> int:
    """Set (a number) or clear (None) the provider's minimum for each standard version given; answers how many
    changed. Every apprenticeship of the provider on a changed standard is marked for a recompute."""
    _require_admin(actor, provider)
    errors = {f"{_label(s)}": message for s, value in minimums.items() if (message := hours_error(value))}
    if errors:
        raise ValidationError(errors)
    existing = {
        m.standard_version_id: m
        for m in OtjMinimum.objects.select_for_update().filter(
            provider=provider, standard_version__in=[s.pk for s in minimums]
        )
    }
    changed: dict[str, list[int | None]] = {}
    changed_standards = []
    for standard, hours in minimums.items():
        current = existing.get(standard.pk)
        before = current.minimum_hours if current else None
        if before == hours:
            continue
        if hours is None:
            if current is not None:
                current.delete()
        elif current is None:
            OtjMinimum.objects.create(
                provider=provider, standard_version=standard, minimum_hours=hours, updated_by=actor
            )
        else:
            current.minimum_hours = hours
            current.updated_by = actor
            current.save(update_fields=["minimum_hours", "updated_by", "updated_at"])
        changed[_label(standard)] = [before, hours]
        changed_standards.append(standard.pk)
    if changed:
        audit_record(actor=actor, action="otj_minimum.updated", target=provider, changes=changed)
        ids = Apprenticeship.objects.filter(provider=provider, standard_id__in=changed_standards).values_list(
            "pk", flat=True
        )
        coverage_mark_dirty(apprenticeship_ids=list(ids), reason="otj minimum changed")
    return len(changed)


@dataclass
class ImportResult:
    rows: int
    changed: int
    errors: list[str] = field(default_factory=list)


class MinimumImportRefused(ValidationError):
    """The CSV had bad rows; nothing was imported. `row_errors` has one message per bad row."""

    def __init__(self, row_errors: list[str]) -> None:
        super().__init__({"file": row_errors})
        self.row_errors = row_errors


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MinimumImportRefused(
            ["The file is not UTF-8 text: save it as CSV UTF-8 (comma delimited) and try again."]
        ) from None


def otj_minimums_import(
    *, actor: Any, provider: Organisation, content: bytes | str, request: HttpRequest | None = None
) -> ImportResult:
    """Read `reference, version, minimum_hours` rows (a header row is optional) and save them all, or nothing."""
    _require_admin(actor, provider)
    text = _decode(content)
    if "\x00" in text:
        raise MinimumImportRefused(["The file has NUL bytes: it is not a CSV text file."])
    rows = [
        (number, row)
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1)
        if any(c.strip() for c in row)
    ]
    if rows and tuple(c.strip().lower() for c in rows[0][1]) == HEADER:
        rows = rows[1:]
    if not rows:
        raise MinimumImportRefused(
            ["The file has no rows. Give one line per standard version: reference, version, minimum_hours "
             "(for example: ST1483, 2.0, 278)."]
        )  # fmt: skip
    if len(rows) > MAX_ROWS:
        raise MinimumImportRefused([f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time."])
    catalogue = {(s.reference.upper(), s.version): s for s in Standard.objects.all()}
    errors: list[str] = []
    seen: dict[Standard, int] = {}
    minimums: dict[Standard, int | None] = {}
    for number, row in rows:
        cells = [c.strip() for c in row]
        if len(cells) != 3:
            errors.append(f"Line {number}: expected 3 values (reference, version, minimum_hours), found {len(cells)}.")
            continue
        reference, version, hours_text = cells
        standard = catalogue.get((reference.upper(), version))
        if standard is None:
            errors.append(
                f"Line {number}: {reference or '(no reference)'} v{version or '?'} is not in the standards "
                "catalogue: check the reference and version, or import that standard's assessment plan first."
            )
            continue
        try:
            hours = int(hours_text)
        except ValueError:
            errors.append(f"Line {number}: minimum_hours {hours_text!r} is not a whole number of hours.")
            continue
        if message := hours_error(hours):
            errors.append(f"Line {number}: {message}")
            continue
        if standard in seen:
            errors.append(f"Line {number}: {_label(standard)} is given twice (also on line {seen[standard]}).")
            continue
        seen[standard] = number
        minimums[standard] = hours
    if errors:
        raise MinimumImportRefused(errors)
    changed = otj_minimums_save(actor=actor, provider=provider, minimums=minimums)
    return ImportResult(rows=len(rows), changed=changed)
