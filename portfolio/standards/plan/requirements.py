"""The sections after the AO table: assessment requirements (methods) and performance descriptors."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from .issues import IssueLog
from .report import PlanDescriptor, PlanMethods
from .text import Fragment

_REQUIREMENTS_HEADING = re.compile(r"^assessment requirements\b", re.I)
_DESCRIPTORS_HEADING = re.compile(r"^performance descriptors?\b", re.I)
# "Assessment organisations must design apprenticeship assessments to include at least one **project**."
_MUST_INCLUDE = re.compile(r"\bmust\b.*\binclude\b", re.I)
_INCLUDED = re.compile(r"\binclude\s+(?:at least\s+)?(?:one|an?|1)?\s*(?P<methods>.+?)[.;]?\s*$", re.I)
_LIST_INTRO = re.compile(r"\bfollowing list\b|\bselected from\b|\bone or more of\b", re.I)
_METHOD_SPLIT = re.compile(r"\s*(?:,|\band\b|\bor\b)\s*(?:(?:at least\s+)?(?:one|an?)\s+)?", re.I)
_SENTENCE_END = (".", "!", "?", ":", ";")
_RULE_ROW = re.compile(r"^[-=_\s|]+$")


def _index_of(fragments: Sequence[Fragment], pattern: re.Pattern[str], start: int = 0) -> int | None:
    return next((index for index in range(start, len(fragments)) if pattern.match(fragments[index].text)), None)


def _bold_runs(fragment: Fragment, start: int) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    for char, flag in zip(fragment.text[start:], fragment.bold[start:], strict=True):
        if flag:
            current.append(char)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return [run.strip(" .,;:") for run in runs if run.strip(" .,;:")]


def read_methods(fragments: Sequence[Fragment]) -> PlanMethods:
    start = _index_of(fragments, _REQUIREMENTS_HEADING)
    if start is None:
        return PlanMethods()
    end = _index_of(fragments, _DESCRIPTORS_HEADING, start + 1) or len(fragments)
    required: list[str] = []
    additional: list[str] = []
    in_list = False
    for fragment in fragments[start + 1 : end]:
        if in_list and fragment.list_item:
            additional.append(fragment.text.strip(" .,;:"))
            continue
        in_list = False
        if _LIST_INTRO.search(fragment.text):
            in_list = True
            continue
        if _MUST_INCLUDE.search(fragment.text) and (match := _INCLUDED.search(fragment.text)):
            # The method names are in bold in the drafts; without bold, take the words after "include".
            bold = _bold_runs(fragment, match.start("methods"))
            named = bold or [part.strip(" .") for part in _METHOD_SPLIT.split(match.group("methods"))]
            required.extend(method for method in named if method and method not in required)
    return PlanMethods(required=required, additional=additional)


def _descriptor_rows(fragments: Sequence[Fragment]) -> tuple[list[dict[int, str]], list[int], dict[str, int]]:
    """Rows of the descriptor table as {cell: text}, their lines, and the columns found in its header."""
    heading = _index_of(fragments, _DESCRIPTORS_HEADING)
    if heading is None:
        return [], [], {}
    cells: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    lines: dict[int, int] = {}
    order: list[int] = []
    for fragment in fragments[heading + 1 :]:
        if fragment.row not in cells:
            order.append(fragment.row)
            lines[fragment.row] = fragment.line
        cells[fragment.row][fragment.cell].append(fragment.text)
    rows = [{cell: " ".join(parts) for cell, parts in cells[row].items()} for row in order]
    row_lines = [lines[row] for row in order]
    for index, row in enumerate(rows):
        labels = {text.strip().lower(): cell for cell, text in row.items()}
        if "pass" in labels and "distinction" in labels:
            columns = {"pass": labels["pass"], "distinction": labels["distinction"]}
            columns["category"] = min(cell for cell in row if cell not in columns.values()) if len(row) > 2 else 0
            return rows[index + 1 :], row_lines[index + 1 :], columns
    return [], [], {}


def read_descriptors(fragments: Sequence[Fragment], log: IssueLog) -> list[PlanDescriptor]:
    rows, lines, columns = _descriptor_rows(fragments)
    if not columns:
        return []
    table: list[dict[str, str]] = []
    table_lines: list[int] = []
    for row, line in zip(rows, lines, strict=True):
        values = {name: row.get(cell, "").strip() for name, cell in columns.items()}
        if all(_RULE_ROW.match(text) or not text for text in row.values()):
            continue  # a markdown rule row ("----\t--\t--")
        if not values["pass"] and not values["distinction"]:
            break  # prose after the table (a single-cell row) ends it
        if not values["category"] and table:
            # A row split over two lines (ST1297 "Communication and Collaboration"): the second part has
            # no category and continues the pass and distinction texts.
            for name in ("pass", "distinction"):
                table[-1][name] = f"{table[-1][name]} {values[name]}".strip()
            continue
        table.append(values)
        table_lines.append(line)
    _rejoin_split_sentences(table, table_lines, log)
    return [PlanDescriptor(row["category"], row["pass"], row["distinction"]) for row in table]


def _rejoin_split_sentences(table: list[dict[str, str]], lines: list[int], log: IssueLog) -> None:
    """ST1483's "Information Use" distinction ends "... strong awareness of broader" and its last words,
    "implications within the production.", open the next row's distinction cell. A cell that stops
    mid-sentence above a cell that starts in lower case gets that first sentence back."""
    for index in range(len(table) - 1):
        above, below = table[index], table[index + 1]
        for name in ("pass", "distinction"):
            if not above[name] or above[name].endswith(_SENTENCE_END) or not below[name][:1].islower():
                continue
            cut = below[name].find(". ")
            moved, rest = (below[name][: cut + 1], below[name][cut + 2 :]) if cut >= 0 else (below[name], "")
            above[name] = f"{above[name]} {moved}"
            below[name] = rest.strip()
            log.warning(
                lines[index + 1],
                f"The {name} text of performance descriptor '{above['category']}' stops mid-sentence and the "
                f"next row's starts in lower case; '{moved}' was moved back to '{above['category']}'. "
                f"Check both rows against the plan.",
                moved,
            )
