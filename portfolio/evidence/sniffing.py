"""What a file is, from its first bytes (magic numbers), never from its name or declared type.

A small sniffer of our own instead of libmagic: it needs only the types the portfolio accepts, plus the
dangerous ones it must recognise to refuse (executables, scripts, web pages), and it is fully tested.
"""

from __future__ import annotations

import re
import struct

# Enough for every signature below, including the entry names at the start of a ZIP-based document.
SNIFF_BYTES = 64 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.presentation",
}
_OOXML_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_MARKUP = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|script|svg)\b", re.I | re.S
)

# Bytes that never occur in a text file (NUL and most C0 controls). Tab, LF, FF, CR, ESC and SUB
# (an old end-of-file mark) do occur in real CSV and text exports, so they are allowed.
_TEXT_ALLOWED = bytes([9, 10, 12, 13, 26, 27, *range(32, 256)])


def is_text(data: bytes) -> bool:
    # translate() deletes every allowed byte in C; anything left over is a control byte.
    return not data.translate(None, _TEXT_ALLOWED)


def sniff(head: bytes) -> str | None:
    """The MIME type the bytes are, or None when they match nothing we know."""
    for detector in (_executable, _image_or_document, _media, _archive, _markup_or_text):
        found = detector(head)
        if found:
            return found
    return None


def _executable(head: bytes) -> str | None:
    if head.startswith(b"\x7fELF"):
        return "application/x-executable"
    if head.startswith(b"MZ") and len(head) >= 64:
        (pe_offset,) = struct.unpack_from("<I", head, 0x3C)
        if head[pe_offset : pe_offset + 4] == b"PE\x00\x00":
            return "application/x-msdownload"
    if head[:4] in _MACH_O:
        return "application/x-mach-binary"
    if head.startswith(b"\xca\xfe\xba\xbe"):
        return "application/x-java-or-fat-binary"
    if head.startswith(b"#!"):
        return "text/x-script"
    return None


def _image_or_document(head: bytes) -> str | None:
    # The PDF header may follow a little junk; readers look for it in the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head.startswith(_OLE):
        return "application/x-ole-storage"
    return None


def _media(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}.get(head[8:12])
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    # QuickTime files from before the ftyp box start straight with a movie or data atom.
    if head[4:8] in {b"moov", b"mdat", b"wide"} and head[:4] != b"\x00\x00\x00\x00":
        return "video/quicktime"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: the DocType element in the header says WebM or Matroska.
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    return _mpeg_audio_frame(head)


def _iso_media(head: bytes) -> str:
    (box_size,) = struct.unpack_from(">I", head, 0)
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, min(box_size, len(head), 256) - 3, 4)}
    if brands & _HEIC_BRANDS:
        return "image/heic"
    if brands & _AVIF_BRANDS:
        return "image/avif"
    if brands & _HEIF_BRANDS and major in _HEIF_BRANDS:
        return "image/heif"
    if major == b"qt  ":
        return "video/quicktime"
    if major in {b"M4A ", b"M4B ", b"M4P "}:
        return "audio/mp4"
    if major.startswith((b"3gp", b"3g2")):
        return "video/3gpp"
    return "video/mp4"


def _mpeg_audio_frame(head: bytes) -> str | None:
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    if version == 0b01:  # reserved: not a frame header
        return None
    if layer == 0b00:
        # ADTS (AAC) uses the same sync word with layer 0.
        return "audio/aac"
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0b11
    if bitrate == 0b1111 or sample_rate == 0b11:
        return None
    return "audio/mpeg"


def _archive(head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04"):
        return _zip_based(head)
    if head.startswith(b"Rar!\x1a\x07"):
        return "application/x-rar-compressed"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "application/x-7z-compressed"
    if head.startswith(b"\x1f\x8b"):
        return "application/gzip"
    return None


def _zip_based(head: bytes) -> str:
    # ODF stores an uncompressed `mimetype` entry first, so its content sits in the first header.
    name_length, extra_length = struct.unpack_from("<HH", head, 26) if len(head) >= 30 else (0, 0)
    if head[30 : 30 + name_length] == b"mimetype":
        start = 30 + name_length + extra_length
        (stored_size,) = struct.unpack_from("<I", head, 18)
        mimetype = head[start : start + min(stored_size, 100)]
        if mimetype in _ODF_TYPES:
            return mimetype.decode()
    names = _zip_entry_names(head)
    if "[Content_Types].xml" in names:
        for prefix, mime in _OOXML_PARTS.items():
            if any(name.startswith(prefix) for name in names):
                return mime
    return "application/zip"


def _zip_entry_names(head: bytes) -> list[str]:
    """The names in the local file headers found in `head`.

    Names sit uncompressed in each local header, so scanning for header signatures finds them even
    when an entry's size is only known from a data descriptor after its data.
    """
    names: list[str] = []
    position = head.find(b"PK\x03\x04")
    while position != -1 and position + 30 <= len(head) and len(names) < 500:
        (name_length,) = struct.unpack_from("<H", head, position + 26)
        name = head[position + 30 : position + 30 + name_length]
        if len(name) == name_length:
            names.append(name.decode("utf-8", "replace"))
        position = head.find(b"PK\x03\x04", position + 4)
    return names


def _markup_or_text(head: bytes) -> str | None:
    if _MARKUP.match(head[:4096]):
        return "image/svg+xml" if b"<svg" in head[:4096].lower() else "text/html"
    # Plain text is the careful last resort: only when no binary signature matched and no byte is a
    # control character that text never contains.
    if head and is_text(head):
        return "text/plain"
    return None
