"""Reading a mapping cell: the list of statement codes (K1, S2, B3) an assessment outcome holds.

Quirks this handles, each seen in the published drafts:
- codes run together: "K10S1" (ST1483 AO1) is K10 and S1, "K33S25" is K33 and S25;
- empty list items: "K7, , K12" (ST1297 AO2);
- stray spaces: "K8 , K15", and no comma at all: "K19 S15" or "S22 S29";
- an asterisk marks the functional-skills flag: "K16*" (ST1297), also written "K16\\*" in markdown;
- bold marks a mandatory statement (ST1297 makes every code bold);
- a range such as "K1-K5" or "K1 to K5" (not in the three drafts; a plan of the same family may use it).
A token that looks like a code but is not K/S/B followed by digits ("K1O" with a letter O, "k1", "K12a")
is garbled: reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import Fragment

_RANGE = (
    r"(?P<range>(?P<letter>[KSB])(?P<first>\d+)\s*(?:[-\u2013\u2014]|\bto\b)\s*(?:(?P=letter))?(?P<last>\d+))"
    r"(?P<range_star>\*?)"
)
_TOKEN = re.compile(_RANGE + r"|(?P<token>[^\s,;/]+)")
_VALID = re.compile(r"(?:[KSB]\d+)+")
_ONE_CODE = re.compile(r"([KSB])(\d+)")
# Starts with a statement letter and carries a digit: meant as a code, even if mistyped.
_CODE_LIKE = re.compile(r"[KSBksb][A-Za-z0-9]{0,10}")
_LABELS = frozenset(
    {
        "and",
        "&",
        "plus",
        "k",
        "s",
        "b",
        "ksb",
        "ksbs",
        "knowledge",
        "knowledges",
        "skill",
        "skills",
        "behaviour",
        "behaviours",
        "behavior",
        "behaviors",
    }
)
_TRIM = "()[]{}.:;\"'"
_MAX_RANGE = 200


@dataclass(frozen=True)
class CodeMark:
    """One code as written in a mapping cell."""

    code: str
    bold: bool
    functional_skills: bool


@dataclass(frozen=True)
class MappingCell:
    marks: tuple[CodeMark, ...]
    garbled: tuple[str, ...]  # code-like tokens that are not valid codes, as written
    unreadable: tuple[str, ...]  # other words inside what is otherwise a list of codes
    code_tokens: int
    other_tokens: int

    @property
    def is_mapping(self) -> bool:
        """A cell is a code list when code-like tokens are at least as many as the other words."""
        return self.code_tokens >= 1 and self.code_tokens >= self.other_tokens


def _classify(core: str) -> str:
    if _VALID.fullmatch(core):
        # "K0" is well-formed but no statement is numbered 0: it is a typo for something else.
        if any(int(number) == 0 for _, number in _ONE_CODE.findall(core)):
            return "garbled"
        return "valid"
    if core.lower() in _LABELS:
        return "label"
    if _CODE_LIKE.fullmatch(core) and any(char.isdigit() for char in core):
        return "garbled"
    return "other"


def _strip_token(token: str) -> tuple[str, int, bool]:
    """Token without brackets, trailing dots and asterisks -> (core, offset of core in token, flagged)."""
    start, end = 0, len(token)
    flagged = False
    while start < end and (token[start] in _TRIM or token[start] == "*"):
        flagged = flagged or token[start] == "*"
        start += 1
    while end > start and (token[end - 1] in _TRIM or token[end - 1] == "*"):
        flagged = flagged or token[end - 1] == "*"
        end -= 1
    return token[start:end], start, flagged


def read_mapping(fragment: Fragment) -> MappingCell:
    marks: list[CodeMark] = []
    garbled: list[str] = []
    unreadable: list[str] = []
    code_tokens = other_tokens = 0
    for match in _TOKEN.finditer(fragment.text):
        if match.group("range"):
            first, last = int(match.group("first")), int(match.group("last"))
            if not 0 < first <= last or last - first > _MAX_RANGE:
                garbled.append(match.group("range"))
                code_tokens += 1
                continue
            bold = fragment.is_bold(match.start(), match.end())
            letter = match.group("letter")
            marks.extend(
                CodeMark(f"{letter}{number}", bold, bool(match.group("range_star")))
                for number in range(first, last + 1)
            )
            code_tokens += 1
            continue
        core, offset, flagged = _strip_token(match.group("token"))
        if not core:
            continue  # an empty list item ("K7, , K12") or a lone asterisk
        kind = _classify(core)
        if kind == "valid":
            code_tokens += 1
            base = match.start() + offset
            pieces = list(_ONE_CODE.finditer(core))
            for index, piece in enumerate(pieces):
                marks.append(
                    CodeMark(
                        code=f"{piece.group(1)}{int(piece.group(2))}",
                        bold=fragment.is_bold(base + piece.start(), base + piece.end()),
                        # the star follows the last code of a run-together token ("K10S1*" flags S1)
                        functional_skills=flagged and index == len(pieces) - 1,
                    )
                )
        elif kind == "garbled":
            code_tokens += 1
            garbled.append(core)
        elif kind == "other":
            other_tokens += 1
            unreadable.append(core)
    return MappingCell(tuple(marks), tuple(garbled), tuple(unreadable), code_tokens, other_tokens)


def trailing_mapping_start(fragment: Fragment) -> int | None:
    """Where a code list at the end of a prose fragment starts, for plain text such as
    "AO1: Title Plans and coordinates ... K1, K2 S1" written without a cell break; None if there is none."""
    tokens = list(_TOKEN.finditer(fragment.text))
    start: int | None = None
    saw_valid = False
    for match in reversed(tokens):
        if match.group("range"):
            start, saw_valid = match.start(), True
            continue
        core, _, _ = _strip_token(match.group("token"))
        kind = _classify(core) if core else "label"
        if kind == "other":
            break
        if kind == "label":
            continue
        saw_valid = saw_valid or kind == "valid"
        start = match.start()
    if start is None or not saw_valid or start == 0:
        return None
    return start
