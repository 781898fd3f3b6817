"""Option names: the plan's option list, and matching one naming of an option to another.

Options are matched by name and short code, never by number: ST1297 lists "Option 1: Live event technician
(LET)" but its AO table heads the same option "Option 2: Live event technician", and ST1483's third option
is "Live performance production manager" in the list, "Assistant live performance manager" in the table
and "Assistant production manager - live arts" in the API document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .text import Fragment

OPTION_LINE = re.compile(
    r"^option\s*(?:(?P<number>\d+)\s*[:.)\-\u2013\u2014]?|[:\-\u2013\u2014])\s*(?P<name>\S.*?)\s*$", re.I
)
_NAME_AND_CODE = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?P<code>[A-Z][A-Z0-9]{1,7})\s*[)\]]\s*$")
_INTRO = re.compile(r"\bfollowing options?\b|\boptions? (?:are|is)\b.*:\s*$", re.I)
_STOPWORDS = frozenset({"a", "an", "and", "the", "of", "for", "in", "on", "to", "with", "option"})
MATCH_THRESHOLD = 0.3


@dataclass
class NamedOption:
    """One naming of an option: in the plan's list, an AO table heading, or the API document."""

    name: str
    code: str | None
    number: int | None
    line: int
    excerpt: str = ""


def split_name_and_code(text: str) -> tuple[str, str | None]:
    """Splits "Live event technician (LET)" into ("Live event technician", "LET")."""
    text = " ".join(text.split()).strip(" .:;")
    if match := _NAME_AND_CODE.match(text):
        return match.group("name").strip(" -\u2013\u2014:"), match.group("code")
    return text, None


def name_key(name: str) -> str:
    """Case, hyphens and punctuation do not make a different name: "Post-production" = "Post production"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.casefold()).split())


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _name_words(name: str) -> frozenset[str]:
    return frozenset(_stem(word) for word in name_key(name).split() if word not in _STOPWORDS)


def name_similarity(left: str, right: str) -> float:
    if not left or not right:
        return 0.0
    if name_key(left) == name_key(right):
        return 1.0
    left_words, right_words = _name_words(left), _name_words(right)
    if not left_words or not right_words:
        return 0.0
    return len(left_words & right_words) / len(left_words | right_words)


def _score(left: NamedOption, right: NamedOption) -> float:
    if left.code and right.code:
        # Short codes are the surest sign (CVT is CVT whatever the heading says); two different codes
        # are two different options however alike the names.
        return 2.0 if left.code == right.code else 0.0
    return name_similarity(left.name, right.name)


def match_options(targets: Sequence[NamedOption], candidates: Sequence[NamedOption]) -> dict[int, int]:
    """Pairs each candidate with at most one target: candidate index -> target index.

    Best pairs first, so an exact name is never taken by a near one; pairs under MATCH_THRESHOLD stay
    unmatched and the caller reports them.
    """
    scored = sorted(
        (
            (_score(target, candidate), target_index, candidate_index)
            for target_index, target in enumerate(targets)
            for candidate_index, candidate in enumerate(candidates)
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    taken_targets: set[int] = set()
    pairs: dict[int, int] = {}
    for score, target_index, candidate_index in scored:
        if score < MATCH_THRESHOLD:
            break
        if target_index in taken_targets or candidate_index in pairs:
            continue
        pairs[candidate_index] = target_index
        taken_targets.add(target_index)
    return pairs


def read_option_list(fragments: Sequence[Fragment]) -> list[NamedOption]:
    """The options the plan lists before its AO table ("- Option 1: Live event technician (LET)").

    Items written "Option N: name" are taken wherever they stand before the table; a bare bulleted list is
    taken only right after a sentence that introduces the options ("... one of the following options ...").
    """
    listed: list[NamedOption] = []
    after_intro = False
    for fragment in fragments:
        if match := OPTION_LINE.match(fragment.text):
            name, code = split_name_and_code(match.group("name"))
            number = int(match.group("number")) if match.group("number") else None
            listed.append(NamedOption(name, code, number, fragment.line, fragment.text))
            continue
        if _INTRO.search(fragment.text):
            after_intro = True
            continue
        if after_intro and fragment.list_item:
            name, code = split_name_and_code(fragment.text)
            listed.append(NamedOption(name, code, len(listed) + 1, fragment.line, fragment.text))
            continue
        after_intro = False
    return listed
