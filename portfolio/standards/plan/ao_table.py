"""The assessment outcome table: which AOs there are, in which option, holding which statement codes.

Read as a stream of fragments rather than as a grid, because the drafts break the grid:
- a row split over several lines: ST1483 AO5 has its description on a line after its codes, AO11 puts
  title, "K31, K32", description and "S26" on four separate lines, ST0792 AO6B ends its description on
  the line after its codes. So: an AO runs from its "AOn" to the next AO, option heading or section end;
  codes anywhere in between are its codes, prose is its description.
- AO codes with a prefix ("CVT AO5": AO5 of the option whose short code is CVT) or a suffix ("AO6A");
- title and description in one cell ("AO9 — Client, Vendor and Project Oversight Manages stakeholder ...");
- option headings as "Option 1: name<TAB>Mapping", "<p>Option 2: name Mapping</p>" or a <th> row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .codes import CodeMark, read_mapping, trailing_mapping_start
from .issues import IssueLog
from .options import OPTION_LINE, NamedOption, name_key, split_name_and_code
from .text import Fragment

AO_START = re.compile(
    r"^(?:(?P<prefix>[A-Z]{2,8})\s*[-\u2013\u2014:/]?\s*)?"  # "CVT AO5": the option's short code
    r"A\s?O\s?(?P<number>\d{1,3})(?P<suffix>[A-Za-z])?(?![A-Za-z0-9])"  # "AO5", "AO 5", "AO6A"
)
_AFTER_AO_CODE = re.compile(r"^[\s:;.,|\-\u2013\u2014]+")
_MAPPING_WORD = re.compile(r"^mapping[\s:.]*$", re.I)
_MAPPING_SUFFIX = re.compile(r"\s+(?:Mapping|MAPPING)[\s:.]*$")
_CORE_HEADING = re.compile(r"^core\b", re.I)
_GENERIC_HEADING = re.compile(r"^(?:assessment outcomes?|aos?|outcomes?)\b", re.I)
# Where the AO table ends: the sections the AAP template puts after it, and its footnotes.
TABLE_END = re.compile(
    r"^(?:\(\*\)|\*\s"
    r"|assessment requirements|performance descriptors?|grading\b|assessment methods?\b"
    r"|knowledge and skills statements\b|crown copyright|apprentices may be assessed)",
    re.I,
)
# A description starts with a verb in the third person ("Plans", "Sources,", "Manages") followed by
# lower-case words; everything before it is the title. Only used when title and description share a cell.
_DESCRIPTION_VERB = re.compile(r"^[A-Z][a-z]+(?:ies|es|s)[,;]?$")
_MIN_DESCRIPTION_WORDS = 6
_CORE_PREFIXES = frozenset({"CORE"})


@dataclass
class TableOption:
    named: NamedOption
    heading_found: bool  # False when only AO prefixes ("CVT AO5") name the option


@dataclass
class TableAO:
    code: str
    prefix: str | None
    line: int
    excerpt: str
    option: int | None  # index into AOTable.options; None = core
    title: str = ""
    description_parts: list[str] = field(default_factory=list)
    marks: list[tuple[CodeMark, int]] = field(default_factory=list)  # with the line each code is on

    @property
    def label(self) -> str:
        """The AO as the plan writes it, prefix included ("CVT AO5"), for messages."""
        return f"{self.prefix} {self.code}" if self.prefix else self.code

    @property
    def description(self) -> str:
        return " ".join(" ".join(self.description_parts).split())


@dataclass
class AOTable:
    start: int  # index of the first fragment of the table
    end: int  # index just after the last one
    options: list[TableOption] = field(default_factory=list)
    aos: list[TableAO] = field(default_factory=list)


def _mapping_rows(fragments: Sequence[Fragment]) -> set[int]:
    """Rows with a "Mapping" header cell, i.e. the heading rows of the core part and of each option."""
    rows: set[int] = set()
    for fragment in fragments:
        if _MAPPING_WORD.match(fragment.text) or (
            _MAPPING_SUFFIX.search(fragment.text) and not AO_START.match(fragment.text)
        ):
            rows.add(fragment.row)
    return rows


def find_table(fragments: Sequence[Fragment]) -> tuple[int, int] | None:
    mapping_rows = _mapping_rows(fragments)
    start = next(
        (
            index
            for index, fragment in enumerate(fragments)
            if not fragment.list_item
            and (
                AO_START.match(fragment.text)
                or fragment.row in mapping_rows
                or (_CORE_HEADING.match(fragment.text) and "outcome" in fragment.text.lower())
            )
        ),
        None,
    )
    if start is None:
        return None
    # Notes such as "Knowledge and skills statements in bold are mandatory" may sit between the table's
    # header and its first row; only after the first AO do they end the table.
    first_ao = next((index for index in range(start, len(fragments)) if AO_START.match(fragments[index].text)), start)
    end = next(
        (index for index in range(first_ao + 1, len(fragments)) if TABLE_END.match(fragments[index].text)),
        len(fragments),
    )
    return start, end


def split_title(fragment: Fragment) -> tuple[str, str]:
    """Title and description when both sit in one cell, e.g. (ST0792)
    "Production Planning and Coordination Plans and coordinates production activities, ..."."""
    text = fragment.text.strip()
    if not text:
        return "", ""
    # A bold lead-in is a title: "<b>AO1: Safe working</b> Applies health and safety ...".
    if fragment.bold and fragment.bold[0]:
        bold_end = next((index for index, flag in enumerate(fragment.bold) if not flag), len(text))
        rest = text[bold_end:].strip()
        if rest and not rest.startswith(("(", "*")):
            return _clean_title(text[:bold_end]), rest
    words = text.split(" ")
    for index in range(2, len(words) - _MIN_DESCRIPTION_WORDS + 1):
        following = words[index + 1 : index + 3]
        if (
            _DESCRIPTION_VERB.match(words[index])
            and len(following) == 2
            and all(word[:1].islower() for word in following)
        ):
            return _clean_title(" ".join(words[:index])), " ".join(words[index:])
    if ". " in text:
        title, description = text.split(". ", 1)
        return _clean_title(title), description
    return _clean_title(text), ""


def _clean_title(title: str) -> str:
    return title.strip().rstrip(".:;,-\u2013\u2014 ").strip()


class _TableReader:
    def __init__(self, fragments: Sequence[Fragment], listed: Sequence[NamedOption], log: IssueLog) -> None:
        self.fragments = fragments
        self.listed_keys = {name_key(option.name) for option in listed}
        self.log = log
        self.scope: int | None = None
        self.current: TableAO | None = None
        self.options: list[TableOption] = []
        self.aos: list[TableAO] = []

    def read(self, start: int, end: int) -> None:
        mapping_rows = _mapping_rows(self.fragments[start:end])
        heading_rows_done: set[int] = set()
        for fragment in self.fragments[start:end]:
            text = fragment.text
            if _MAPPING_WORD.match(text):
                continue
            if match := AO_START.match(text):
                self._start_ao(fragment, match)
                continue
            if fragment.row in mapping_rows:
                # Only the first cell of a heading row names the part; "Description", "Mapping" are labels.
                if fragment.row not in heading_rows_done:
                    heading_rows_done.add(fragment.row)
                    self._heading(fragment, _MAPPING_SUFFIX.sub("", text), from_mapping_row=True)
                continue
            if OPTION_LINE.match(text) or (_CORE_HEADING.match(text) and "outcome" in text.lower()):
                self._heading(fragment, text, from_mapping_row=False)
                continue
            if name_key(split_name_and_code(text)[0]) in self.listed_keys and not fragment.list_item:
                self._heading(fragment, text, from_mapping_row=False)
                continue
            self._content(fragment)

    def _heading(self, fragment: Fragment, text: str, *, from_mapping_row: bool) -> None:
        self.current = None
        if _CORE_HEADING.match(text):
            self.scope = None
            return
        if from_mapping_row and _GENERIC_HEADING.match(text):
            return  # a column header ("Assessment outcome | Mapping") repeated under an option heading
        match = OPTION_LINE.match(text)
        name, code = split_name_and_code(match.group("name") if match else text)
        number = int(match.group("number")) if match and match.group("number") else None
        self.options.append(TableOption(NamedOption(name, code, number, fragment.line, fragment.text), True))
        self.scope = len(self.options) - 1

    def _start_ao(self, fragment: Fragment, match: re.Match[str]) -> None:
        prefix = match.group("prefix")
        code = f"AO{int(match.group('number'))}{(match.group('suffix') or '').upper()}"
        if prefix in _CORE_PREFIXES:
            self.scope, prefix = None, None
        elif prefix:
            self._scope_for_prefix(prefix, code, fragment)
        ao = TableAO(code=code, prefix=prefix, line=fragment.line, excerpt=fragment.text, option=self.scope)
        self.aos.append(ao)
        self.current = ao
        rest = fragment.slice(match.end())
        separator = _AFTER_AO_CODE.match(rest.text)
        if separator:
            rest = rest.slice(separator.end())
        self._content(rest)

    def _scope_for_prefix(self, prefix: str, code: str, fragment: Fragment) -> None:
        """The prefix of "CVT AO5" is the short code of the option the AO belongs to."""
        if self.scope is not None and self.options[self.scope].heading_found:
            option = self.options[self.scope].named
            if option.code is None:
                option.code = prefix
            elif option.code != prefix:
                self.log.error(
                    fragment.line,
                    f"{prefix} {code} sits under the heading of option '{option.name}' ({option.code}, line "
                    f"{option.line}) but its prefix says {prefix}. Move the row under its own option heading "
                    f"or correct the prefix.",
                    fragment.text,
                )
            return
        for index, table_option in enumerate(self.options):
            if table_option.named.code == prefix:
                self.scope = index
                return
        self.options.append(TableOption(NamedOption("", prefix, None, fragment.line, fragment.text), False))
        self.scope = len(self.options) - 1

    def _content(self, fragment: Fragment) -> None:
        """Prose or codes inside the table: codes go to the current AO, prose to its title/description."""
        fragment = fragment.stripped()
        if not fragment.text:
            return
        cell = read_mapping(fragment)
        if cell.is_mapping:
            self._codes(fragment, cell.marks, cell.garbled, cell.unreadable)
            return
        split_at = trailing_mapping_start(fragment)
        if split_at is not None:
            prose, codes = fragment.slice(0, split_at).stripped(), fragment.slice(split_at)
            self._prose(prose)
            cell = read_mapping(codes)
            self._codes(codes, cell.marks, cell.garbled, cell.unreadable)
            return
        self._prose(fragment)

    def _prose(self, fragment: Fragment) -> None:
        if self.current is None or not fragment.text:
            return  # text between headings and the first AO (labels, notes) carries no mapping
        if not self.current.title:
            self.current.title, description = split_title(fragment)
            if description:
                self.current.description_parts.append(description)
        else:
            self.current.description_parts.append(fragment.text)

    def _codes(
        self, fragment: Fragment, marks: Sequence[CodeMark], garbled: Sequence[str], unreadable: Sequence[str]
    ) -> None:
        ao = self.current
        if ao is None:
            self.log.error(
                fragment.line,
                "Statement codes appear before any assessment outcome in this part of the AO table. "
                "Put them in the row of the AO they belong to.",
                fragment.text,
            )
            return
        where = f"{ao.label} (line {ao.line})"
        for token in garbled:
            self.log.error(
                fragment.line,
                f"'{token}' in the mapping of {where} is not a statement code: a code is K, S or B "
                "followed by digits only (e.g. K10, not K1O with a letter O). Correct it in the plan.",
                fragment.text,
            )
        for token in unreadable:
            self.log.error(
                fragment.line,
                f"'{token}' in the mapping of {where} is not a statement code. Remove it or correct it.",
                fragment.text,
            )
        ao.marks.extend((mark, fragment.line) for mark in marks)


def read_ao_table(fragments: Sequence[Fragment], listed: Sequence[NamedOption], log: IssueLog) -> AOTable | None:
    bounds = find_table(fragments)
    if bounds is None:
        return None
    reader = _TableReader(fragments, listed, log)
    reader.read(*bounds)
    table = AOTable(start=bounds[0], end=bounds[1], options=reader.options, aos=reader.aos)
    _check_aos(table, log)
    return table


def _check_aos(table: AOTable, log: IssueLog) -> None:
    """Every AO needs codes, and an AO code names one AO per route.

    "Duplicate" means two AOs with the same code that an apprentice could meet in one route: twice in the
    core, twice in one option, or an option AO reusing a core AO's code. The same code in two different
    options is allowed: those AOs never meet (a plan may number each option's AOs from the same point, with
    prefixes such as "CVT AO5" / "LET AO5" to tell them apart); ST1297 happens to number AO5-AO10 across
    its options, ST0792 uses AO6A / AO6B.
    """
    core_first = sorted(table.aos, key=lambda ao: ao.option is not None)  # stable: core, then options
    seen: dict[int | None, dict[str, TableAO]] = defaultdict(dict)
    for ao in core_first:
        earlier = seen[ao.option].get(ao.code) or (seen[None].get(ao.code) if ao.option is not None else None)
        if earlier is not None:
            where = "the core" if earlier.option is None else "this option"
            log.error(
                ao.line,
                f"{ao.label} is a duplicate: {where} already has {ao.code} (line {earlier.line}). "
                "Give each AO of a route its own code.",
                ao.excerpt,
            )
        else:
            seen[ao.option][ao.code] = ao
    for ao in table.aos:
        if not ao.marks:
            log.error(
                ao.line,
                f"{ao.label} maps no statement codes. Add its K/S codes in the mapping column of its row.",
                ao.excerpt,
            )
