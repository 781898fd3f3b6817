"""Plain text, full HTML and the mixed form of the published drafts -> one list of text fragments.

A fragment is one paragraph, table cell part or list item with the 1-based source line where it starts,
the row and cell it sits in (source line + tab for the drafts, `<tr>`/`<td>` for real tables) and which
characters were bold (`<b>`, `<strong>` or markdown `**`), because bold marks a mandatory statement.

The drafts mix three conventions in one file, e.g. (ST1483)
    <p>AO1: Production Planning ...</p> <p>Plans, schedules ...</p>\t<p>K1, K7, K8, K10S1, S2</p>
so a newline or tab ends a cell, except inside a real <table>, an open <p>/<li> or a cell, where HTML
treats it as a space.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Tags after which the text that follows is a new fragment (paragraph-level in HTML).
_BREAK_TAGS = frozenset(
    {
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
        "dd",
        "dl",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "caption",
        "pre",
        "hr",
        "title",
        "body",
        "html",
        "head",
    }
)
_BOLD_TAGS = frozenset({"b", "strong"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CELL_TAGS = frozenset({"td", "th"})

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment
    r"|<(?P<close>/?)(?P<tag>[A-Za-z][A-Za-z0-9:_-]*)(?:\s[^<>]*)?/?>"  # tag; no '<' inside, so "a < b" stays
    r"|\n|\t|[^<\n\t]+|<",
    re.S,
)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_MARKDOWN_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]*)\]\((?:https?://|mailto:|/|#)[^()\s]*\)")
_ESCAPED_STAR = "\x01"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_BULLET_MARK = re.compile(r"^[-*•·◦▪\u2013]\s+")
_SPACES = str.maketrans({"\xa0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u2011": "-", "\r": " "})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u00ad\ufeff\u2060"))


@dataclass(frozen=True)
class Fragment:
    line: int
    row: int
    cell: int
    text: str
    bold: tuple[bool, ...]  # one flag per character of `text`
    list_item: bool = False

    def slice(self, start: int, end: int | None = None) -> Fragment:
        end = len(self.text) if end is None else end
        return Fragment(
            self.line,
            self.row,
            self.cell,
            self.text[start:end],
            self.bold[start:end],
            self.list_item,
        )

    def stripped(self) -> Fragment:
        start = len(self.text) - len(self.text.lstrip())
        end = len(self.text.rstrip())
        return self.slice(start, max(start, end))

    def is_bold(self, start: int, end: int) -> bool:
        """True when every non-space character in [start, end) is bold."""
        flags = [
            flag for char, flag in zip(self.text[start:end], self.bold[start:end], strict=True) if not char.isspace()
        ]
        return bool(flags) and all(flags)


def _markdown_to_html(line: str) -> str:
    """Markdown bold becomes <b> so one code path tracks bold; `\\*` (ST1297's "(\\*)") is a literal star."""
    line = line.replace("\\*", _ESCAPED_STAR)
    line = _MARKDOWN_BOLD.sub(r"<b>\1</b>", line)
    line = _MARKDOWN_LINK.sub(r"\1", line)
    line = _MARKDOWN_ESCAPE.sub(r"\1", line)
    return line.replace(_ESCAPED_STAR, "*")


def _clean_text(raw: str) -> str:
    text = html.unescape(raw).translate(_SPACES).translate(_INVISIBLE)
    return "".join(char if ord(char) >= 32 or char in "\t\n" else " " for char in text)


class _FragmentBuilder:
    def __init__(self) -> None:
        self.fragments: list[Fragment] = []
        self.line = 1
        self.row = 0
        self.cell = 0
        self.cells_opened_in_row = 0
        self.table_depth = 0
        self.open_paragraph = False
        self.open_list_item = False
        self.open_heading = False
        self.open_cell = False
        self.bold_depth = 0
        self.newline_run = 0
        self._chars: list[str] = []
        self._flags: list[bool] = []
        self._start_line: int | None = None

    # -- buffer ---------------------------------------------------------------------------------
    def add_text(self, text: str) -> None:
        bold = self.bold_depth > 0
        for char in text:
            if char.isspace():
                if self._chars and self._chars[-1] != " ":
                    self._chars.append(" ")
                    self._flags.append(bold)
                continue
            if self._start_line is None:
                self._start_line = self.line
            self._chars.append(char)
            self._flags.append(bold)

    def flush(self) -> None:
        while self._chars and self._chars[-1] == " ":
            self._chars.pop()
            self._flags.pop()
        if self._chars and self._start_line is not None:
            self.fragments.append(
                _finish(
                    Fragment(
                        line=self._start_line,
                        row=self.row,
                        cell=self.cell,
                        text="".join(self._chars),
                        bold=tuple(self._flags),
                        list_item=self.open_list_item,
                    )
                )
            )
        self._chars, self._flags, self._start_line = [], [], None

    def new_row(self) -> None:
        self.flush()
        self.row += 1
        self.cell = 0
        self.cells_opened_in_row = 0

    # -- structure ------------------------------------------------------------------------------
    def joins_lines(self) -> bool:
        return bool(
            self.table_depth or self.open_cell or self.open_paragraph or self.open_list_item or self.open_heading
        )

    def newline(self) -> None:
        self.line += 1
        self.newline_run += 1
        # A blank line ends an unclosed <p>/<li>, as it would end a markdown paragraph.
        if self.newline_run >= 2 and not (self.table_depth or self.open_cell):
            self.open_paragraph = self.open_list_item = self.open_heading = False
        if self.joins_lines():
            self.add_text(" ")
            return
        self.new_row()
        # Markdown bold never spans lines; an unclosed <b> in a draft must not make the rest bold.
        self.bold_depth = 0

    def tab(self) -> None:
        if self.table_depth or self.open_cell:
            self.add_text(" ")
            return
        self.flush()
        self.cell += 1

    def tag(self, name: str, closing: bool) -> None:
        if name in _BOLD_TAGS:
            self.bold_depth = max(0, self.bold_depth - 1) if closing else self.bold_depth + 1
        elif name == "table":
            self.new_row()
            self.table_depth = max(0, self.table_depth - 1) if closing else self.table_depth + 1
        elif name == "tr":
            self.new_row()
            self.bold_depth = 0
        elif name in _CELL_TAGS:
            self.flush()
            if closing:
                self.open_cell = False
                self.bold_depth = 0
            else:
                self.cell = self.cells_opened_in_row
                self.cells_opened_in_row += 1
                self.open_cell = True
        elif name in _BREAK_TAGS:
            self.flush()
            if name == "p":
                self.open_paragraph = not closing
            elif name == "li":
                self.open_list_item = not closing
            elif name in {"ul", "ol"}:
                self.open_list_item = False
            elif name in _HEADING_TAGS:
                self.open_heading = not closing


def _finish(fragment: Fragment) -> Fragment:
    """Markdown heading hashes and bullets are structure, not text: strip them, remember list items."""
    list_item = fragment.list_item
    if match := _HEADING_MARK.match(fragment.text):
        fragment = fragment.slice(match.end())
    if match := _BULLET_MARK.match(fragment.text):
        fragment = fragment.slice(match.end())
        list_item = True
    fragment = fragment.stripped()
    return Fragment(fragment.line, fragment.row, fragment.cell, fragment.text, fragment.bold, list_item)


def fragments_of(text: str) -> list[Fragment]:
    """Split a plan into fragments in document order; line numbers refer to `text`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters carry no meaning in a plan (and \x01 is used below as a placeholder).
    text = _CONTROL.sub(" ", text)
    # Drop script/style bodies but keep their newlines so later line numbers stay true.
    text = _SCRIPT.sub(lambda match: "\n" * match.group().count("\n"), text)
    text = "\n".join(_markdown_to_html(line) for line in text.split("\n"))
    builder = _FragmentBuilder()
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece == "\n":
            builder.newline()
            continue
        if piece.startswith("<!--"):
            builder.line += piece.count("\n")
            continue
        if piece.strip():
            builder.newline_run = 0
        if match.group("tag"):
            builder.tag(match.group("tag").lower(), closing=bool(match.group("close")))
            builder.line += piece.count("\n")
        elif piece == "\t":
            builder.tab()
        else:
            builder.add_text(_clean_text(piece))
    builder.flush()
    return [fragment for fragment in builder.fragments if fragment.text]
