"""Turns what a caller hands in (text or bytes) into text, or says why it is not a readable plan."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from .issues import excerpt_of

# Office and PDF files are the usual wrong upload: name them, so the person knows what to export instead.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .xlsx file is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.doc or .xls)"),
    (b"{\\rtf", "an RTF file"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")
_WHAT_TO_DO = "Save the assessment plan as plain text (UTF-8) or HTML and import that file."


@dataclass(frozen=True)
class Decoded:
    text: str | None
    problem: str = ""
    line: int = 0
    excerpt: str = ""
    note: str = ""  # a warning worth showing even when decoding worked (e.g. a legacy encoding)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for char in text if ord(char) < 32 and char not in _TEXT_CONTROLS)
    return controls / len(text)


def _binary_problem(what: str) -> str:
    return f"The plan is {what}, not text. {_WHAT_TO_DO}"


def decode_plan(source: str | bytes) -> Decoded:
    if isinstance(source, str):
        return _check_text(source)
    if not isinstance(source, bytes | bytearray | memoryview):
        raise TypeError(f"read_plan expects str or bytes, not {type(source).__name__}")
    data = bytes(source)
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            return Decoded(text=None, problem=_binary_problem(what), line=1)
    # UTF-16 has NUL bytes by design: only a byte-order mark makes it trustworthy enough to try.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _check_text(data.decode("utf-16"))
        except UnicodeDecodeError:
            return Decoded(text=None, problem=_binary_problem("marked UTF-16 but cannot be decoded"), line=0)
    nul = data.find(b"\x00")
    if nul >= 0:
        return Decoded(
            text=None,
            problem=_binary_problem(f"binary data (a NUL byte at byte {nul})"),
            line=_line_of(data, nul),
            excerpt=excerpt_of(repr(data[max(0, nul - 30) : nul + 30])),
        )
    try:
        return _check_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError as failure:
        bad_offset = failure.start
    # Windows-1252 is how Word saves "plain text" on many machines; accept it only when the bytes read as
    # prose (few control characters, mostly ASCII), never to paper over random bytes.
    try:
        legacy = data.decode("cp1252")
    except UnicodeDecodeError:
        legacy = None
    high_share = sum(1 for byte in data if byte >= 0x80) / max(len(data), 1)
    if legacy is not None and _control_share(legacy) < 0.001 and high_share < 0.1:
        decoded = _check_text(legacy)
        if decoded.text is None:
            return decoded
        line = _line_of(data, bad_offset)
        return Decoded(
            text=decoded.text,
            note=(
                f"The plan is not UTF-8 (byte {bad_offset} is not), so it was read as Windows-1252. Check "
                "quotes and dashes in the titles, or save the plan as UTF-8."
            ),
            line=line,
            excerpt=excerpt_of(decoded.text.split("\n")[line - 1]),
        )
    return Decoded(
        text=None,
        problem=(
            f"The plan cannot be decoded as text: byte {bad_offset} is not valid UTF-8 and the content "
            f"does not look like text in another encoding. {_WHAT_TO_DO}"
        ),
        line=_line_of(data, bad_offset),
        excerpt=excerpt_of(repr(data[max(0, bad_offset - 30) : bad_offset + 30])),
    )


def _check_text(text: str) -> Decoded:
    nul = text.find("\x00")
    if nul >= 0 or _control_share(text) > 0.01:
        offset = nul if nul >= 0 else next(i for i, c in enumerate(text) if ord(c) < 32 and c not in _TEXT_CONTROLS)
        return Decoded(
            text=None,
            problem=_binary_problem("binary data (control characters in the text)"),
            line=text.count("\n", 0, offset) + 1,
            excerpt=excerpt_of(repr(text[max(0, offset - 30) : offset + 30])),
        )
    return Decoded(text=text.lstrip("\ufeff"))
