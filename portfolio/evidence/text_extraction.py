"""Read the text of a document's bytes: PDF (pypdf), Word .docx (python-docx) and plain text.

Pure: bytes in, text out; nothing is written. The caller passes only bytes it has checked against a verified
file's sha256 (portfolio/evidence/services/text.py), so text is never read from unverified or rejected bytes.

Bounded: at most `max_chars` characters are kept (PDF pages stop being read once there are enough), and a
.docx whose parts would unpack to more than `max_unpacked` bytes is not opened (a zip bomb stays packed).
A damaged or password-protected document is a result ("failed", with a reason), never an exception: the
bytes come from outside, and one unreadable file must not stop anything else.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLAIN = {"text/plain", "text/csv"}
READABLE_TYPES = {PDF, DOCX, *PLAIN}

Status = Literal["extracted", "empty", "failed"]

# Control characters other than tab and line breaks: PostgreSQL text cannot hold NUL, and none of them is
# meaningful in a document's words.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Extracted:
    status: Status
    text: str = ""
    truncated: bool = False
    detail: str = ""  # why nothing was read, for operations (never shown to the apprentice as an error)


def extract_text(data: bytes, *, detected_type: str, max_chars: int, max_unpacked: int) -> Extracted:
    """The text of `data`, a document of `detected_type` (one of READABLE_TYPES)."""
    if detected_type == PDF:
        return _pdf(data, max_chars=max_chars)
    if detected_type == DOCX:
        return _docx(data, max_chars=max_chars, max_unpacked=max_unpacked)
    if detected_type in PLAIN:
        return _finish(data.decode("utf-8", errors="replace").removeprefix("\ufeff"), max_chars=max_chars)
    raise ValueError(f"no text is read from {detected_type!r} files")


def _finish(text: str, *, max_chars: int) -> Extracted:
    text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))).strip()
    if not text:
        return Extracted(status="empty", detail="the document has no text (a scan or only images?)")
    truncated = len(text) > max_chars
    return Extracted(status="extracted", text=text[:max_chars], truncated=truncated)


def _pdf(data: bytes, *, max_chars: int) -> Extracted:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return Extracted(status="failed", detail="the PDF is protected by a password")
        parts: list[str] = []
        length = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
            if length > max_chars:  # enough: the rest of a long document is never read
                break
    except Exception as exc:  # a damaged PDF can fail anywhere inside pypdf; it is a result, not a crash
        return Extracted(status="failed", detail=f"the PDF could not be read ({exc.__class__.__name__})")
    return _finish("\n\n".join(parts), max_chars=max_chars)


def _docx(data: bytes, *, max_chars: int, max_unpacked: int) -> Extracted:
    from docx import Document

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        # python-docx reads every part into memory; the declared sizes bound what unpacking may produce
        # (zipfile stops at a member's declared size, so a member cannot lie its way past this check).
        if unpacked > max_unpacked:
            return Extracted(status="failed", detail=f"the document unpacks to {unpacked} bytes, over {max_unpacked}")
        document = Document(io.BytesIO(data))
        parts = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" | ".join(cell.text for cell in row.cells))
    except Exception as exc:  # a damaged .docx can fail anywhere inside zipfile, lxml or python-docx
        return Extracted(status="failed", detail=f"the Word document could not be read ({exc.__class__.__name__})")
    return _finish("\n".join(parts), max_chars=max_chars)
