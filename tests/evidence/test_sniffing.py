"""The magic-byte sniffer: each accepted type, the dangerous look-alikes, and text as a last resort."""

from __future__ import annotations

import struct

import pytest

from portfolio.evidence.sniffing import is_text, sniff
from tests.evidence import samples

OOXML = "application/vnd.openxmlformats-officedocument."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.pdf(), "application/pdf"),
        (b"\xef\xbb\xbf junk before the header %PDF-1.7\n", "application/pdf"),
        (samples.image("JPEG"), "image/jpeg"),
        (samples.image("PNG"), "image/png"),
        (samples.image("GIF"), "image/gif"),
        (samples.image("WEBP"), "image/webp"),
        (samples.mp4(), "video/mp4"),
        (samples.mp4(b"qt  ", (b"qt  ",)), "video/quicktime"),
        (samples.mp4(b"M4A ", (b"M4A ", b"isom")), "audio/mp4"),
        (samples.mp4(b"mif1", (b"mif1", b"heic")), "image/heic"),
        (samples.mp4(b"mif1", (b"mif1",)), "image/heif"),
        (samples.mp4(b"3gp4", (b"3gp4",)), "video/3gpp"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x44" + bytes(100), "audio/mpeg"),
        (b"\xff\xf1\x50\x80" + bytes(100), "audio/aac"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"OggS\x00\x02" + bytes(20), "audio/ogg"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
        (samples.office("docx"), OOXML + "wordprocessingml.document"),
        (samples.office("xlsx"), OOXML + "spreadsheetml.sheet"),
        (samples.office("pptx"), OOXML + "presentationml.presentation"),
        (samples.odf(), "application/vnd.oasis.opendocument.text"),
        (
            samples.odf("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (b"{\\rtf1\\ansi Evidence}", "application/rtf"),
        ("Reflective account: I fitted the unit.\r\n£ and € are fine.\n".encode(), "text/plain"),
        ("Ich habe die Anlage geprüft.".encode("cp1252"), "text/plain"),
        (b"name,score\nAsha,9\n", "text/plain"),
    ],
)
def test_recognises(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.elf(), "application/x-executable"),
        (samples.windows_exe(), "application/x-msdownload"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(64), "application/x-mach-binary"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + bytes(64), "application/x-java-or-fat-binary"),
        (b"#!/bin/sh\nrm -rf ~\n", "text/x-script"),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "text/html"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/svg+xml"),
        (
            b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", 20, 0, 0, 0, 0, 0, 3, 3, 5, 0) + b"a.txtabc",
            "application/zip",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "application/x-ole-storage"),
        (b"Rar!\x1a\x07\x01\x00", "application/x-rar-compressed"),
        (b"\x1f\x8b\x08\x00" + bytes(10), "application/gzip"),
    ],
)
def test_recognises_what_must_be_refused(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02\x03binary",
        b"MZ but not a real executable\x00\x00",
        b"\xff\xff\xff\xff" + bytes(10),
    ],
)
def test_unknown_bytes_are_not_guessed(data: bytes) -> None:
    assert sniff(data) is None


def test_text_check_rejects_control_bytes_but_keeps_tabs_and_line_ends() -> None:
    assert is_text(b"a\tb\r\nc\x0c")
    assert not is_text(b"a\x00b")
    assert not is_text(b"a\x07b")
