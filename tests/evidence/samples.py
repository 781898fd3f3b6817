"""Small but real files of each kind, made at run time (nothing binary is kept in the repository)."""

from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image


def pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
        b"<< /Length 38 >>\nstream\nBT /F1 12 Tf 20 50 Td (Evidence) Tj ET\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, kind)
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(major: bytes = b"isom", compatible: tuple[bytes, ...] = (b"isom", b"iso2", b"mp41")) -> bytes:
    """An ISO base media file: ftyp, a movie header (mvhd, 1 s at 1000 units/s) and an empty mdat."""
    ftyp = _box(b"ftyp", major + struct.pack(">I", 512) + b"".join(compatible))
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        struct.pack(">B3xIIII", 0, 0, 0, 1000, 1000)
        + struct.pack(">IH10x", 0x10000, 0x100)
        + matrix
        + bytes(24)
        + struct.pack(">I", 2),
    )
    return ftyp + _box(b"moov", mvhd) + _box(b"mdat", b"")


def elf() -> bytes:
    # An ELF64 header for x86-64, followed by padding: enough for anything that reads the magic.
    header = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 2, 0x3E, 1)
    return header + bytes(4096 - len(header))


def windows_exe() -> bytes:
    dos = bytearray(b"MZ" + bytes(126))
    struct.pack_into("<I", dos, 0x3C, 0x80)
    return bytes(dos) + b"PE\x00\x00" + struct.pack("<H", 0x8664) + bytes(2048)


def office(kind: str) -> bytes:
    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry("[Content_Types].xml"), '<?xml version="1.0"?><Types/>')
        archive.writestr(_entry("_rels/.rels"), '<?xml version="1.0"?><Relationships/>')
        archive.writestr(_entry(part), '<?xml version="1.0"?><document/>')
    return out.getvalue()


def _entry(name: str, compress_type: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A member with a fixed time: a sample's bytes must not depend on the clock (they name parametrised tests,
    which every pytest-xdist process must collect alike)."""
    entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    entry.compress_type = compress_type
    return entry


def odf(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # ODF requires `mimetype` first and stored uncompressed.
        archive.writestr(_entry("mimetype", zipfile.ZIP_STORED), mimetype)
        archive.writestr(_entry("content.xml"), "<office:document-content/>")
    return out.getvalue()


def eicar() -> bytes:
    # The industry's harmless anti-virus test string, assembled here so that no file in the repository
    # holds it whole (scanners on developers' machines would quarantine the file).
    return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*").encode()
