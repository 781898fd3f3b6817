"""The plan's identity as its first page states it: reference, version, title and level.

The drafts open with
    DRAFT APPRENTICESHIP ASSESSMENT PLAN FOR THE PRODUCTION MANAGER APPRENTICESHIP
    ST1483/V2
    APPRENTICESHIP REFERENCE NUMBER\tLEVEL OF THIS APPRENTICESHIP\tINTEGRATION
    ST1483\t6\tNone
A foundation apprenticeship's plan has none of this; the caller or the API document supplies it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .text import Fragment

REFERENCE_PATTERN = r"[A-Z]{2,3}\d{3,5}"
_REFERENCE = re.compile(rf"^{REFERENCE_PATTERN}$")
_REFERENCE_AND_VERSION = re.compile(
    rf"\b(?P<reference>{REFERENCE_PATTERN})(?:\s*/\s*|\s+)V(?:ersion)?\s*(?P<version>\d+(?:\.\d+)?)\b", re.I
)
_VERSION = re.compile(r"^\s*(?:v(?:ersion)?\s*)?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.\d+)*\s*$", re.I)
_TITLE = re.compile(r"\bASSESSMENT PLAN FOR (?:THE |AN? )?(?P<title>.+?)(?:\s+APPRENTICESHIP)?\s*$", re.I)
_HEADER_CELL_LIMIT = 60
_LEVEL_IN_PROSE = re.compile(r"\blevel\s+(\d)\b", re.I)


@dataclass(frozen=True)
class HeaderFacts:
    reference: str | None = None
    reference_line: int = 0
    version: str | None = None
    title: str | None = None
    level: int | None = None
    level_line: int = 0
    conflict: str = ""  # the plan contradicts itself about its reference
    conflict_line: int = 0


def normalise_version(raw: object) -> str | None:
    """Reads "V2", "2", 2 and "2.0" all as "2.0"; None when `raw` is not a version."""
    if raw is None:
        return None
    match = _VERSION.match(str(raw))
    if not match:
        return None
    return f"{int(match.group('major'))}.{int(match.group('minor') or 0)}"


def normalise_reference(raw: object) -> str | None:
    if raw is None:
        return None
    text = str(raw).strip().upper()
    return text if _REFERENCE.match(text) else None


def _rows(fragments: list[Fragment]) -> list[list[Fragment]]:
    by_row: dict[int, list[Fragment]] = defaultdict(list)
    for fragment in fragments:
        by_row[fragment.row].append(fragment)
    return [by_row[row] for row in sorted(by_row)]


def _cell_text(row: list[Fragment], cell: int) -> str:
    return " ".join(fragment.text for fragment in row if fragment.cell == cell).strip()


def _value_below(rows: list[list[Fragment]], index: int, cell: int) -> tuple[str, int]:
    """The value under a header cell: the same column of the next row that has any text."""
    for row in rows[index + 1 : index + 4]:
        if row:
            value = _cell_text(row, cell)
            return value, row[0].line
    return "", 0


def _title_case(raw: str) -> str:
    title = " ".join(raw.split()).strip(" .:")
    if title.isupper():
        title = title.capitalize()
    return title[:1].upper() + title[1:]


def read_headers(fragments: list[Fragment], stop_at: int) -> HeaderFacts:
    """Looks only before `stop_at` (the index of the first AO-table fragment): the cover page."""
    head = fragments[:stop_at]
    reference = version = title = None
    reference_line = level_line = 0
    level: int | None = None
    for fragment in head:
        if reference is None and (match := _REFERENCE_AND_VERSION.search(fragment.text)):
            reference = match.group("reference").upper()
            version = normalise_version(match.group("version"))
            reference_line = fragment.line
        if title is None and (match := _TITLE.search(fragment.text)):
            title = _title_case(match.group("title"))
    table_reference, table_line = None, 0
    rows = _rows(head)
    for index, row in enumerate(rows):
        for fragment in row:
            if len(fragment.text) > _HEADER_CELL_LIMIT:
                continue  # prose that mentions a reference or a level is not the header table
            label = fragment.text.upper()
            if "REFERENCE" in label and table_reference is None:
                value, line = _value_below(rows, index, fragment.cell)
                table_reference, table_line = normalise_reference(value), line
            if "VERSION" in label and version is None:
                value, _ = _value_below(rows, index, fragment.cell)
                version = normalise_version(value)
            if label.startswith("LEVEL") and level is None:
                value, line = _value_below(rows, index, fragment.cell)
                if value.strip().isdigit():
                    level, level_line = int(value), line
    if level is None:
        for fragment in head:
            if match := _LEVEL_IN_PROSE.search(fragment.text):
                level, level_line = int(match.group(1)), fragment.line
                break
    conflict, conflict_line = "", 0
    if reference and table_reference and reference != table_reference:
        conflict = (
            f"The plan names two references: {reference} (line {reference_line}) and {table_reference} "
            f"in its reference table. Correct the one that is wrong."
        )
        conflict_line = table_line
    if reference is None and table_reference:
        reference, reference_line = table_reference, table_line
    return HeaderFacts(reference, reference_line, version, title, level, level_line, conflict, conflict_line)
