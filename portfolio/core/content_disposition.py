"""The Content-Disposition headers: save a file under its original name, or show it in the browser.

Only a few types may ever be shown inline (`INLINE_TYPES`): images and PDFs a browser renders itself and
that cannot run script in the page's origin. Everything else is always an attachment.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Quotes, backslashes and control characters would end or corrupt the quoted-string; path separators
# would let a name suggest a directory to the browser.
_UNSAFE_IN_FALLBACK = re.compile(r'[\x00-\x1f\x7f"\\/;]')


# Sniffed types a browser renders without running anything of the file's: never SVG or HTML (script).
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})


def attachment_header(filename: str) -> str:
    return _header("attachment", filename)


def inline_header(filename: str) -> str:
    """`inline`, for a preview: the name still travels, so "save as" in the viewer keeps it."""
    return _header("inline", filename)


def _header(disposition: str, filename: str) -> str:
    """`disposition` with the name both as plain ASCII and, per RFC 6266 / RFC 5987, as UTF-8.

    Browsers that understand `filename*` (all current ones) use the exact original name; the plain
    `filename` is the fallback for the rest, with non-ASCII letters reduced to their base letter.
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "download"
    # Accented letters keep their base letter (E for É); anything else outside ASCII becomes "_".
    decomposed = "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char))
    ascii_name = "".join(char if char.isascii() else "_" for char in decomposed)
    fallback = _UNSAFE_IN_FALLBACK.sub("_", ascii_name).strip() or "download"
    if fallback == name:
        return f'{disposition}; filename="{fallback}"'
    encoded = quote(name, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
