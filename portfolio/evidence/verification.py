"""Verify one uploaded object: its real size, sha256, type from its bytes, and (when set up) a virus scan.

Pure service: it reads the object through portfolio.storage and returns a result; it writes nothing.
The caller records the result: it copies verified bytes to their verified key, conditional on the
`version` read here (portfolio.storage.copy_to_verified), and deletes a rejected object.

Transient failures are raised, never reported as a verdict, so the caller's task can retry:
portfolio.storage.StorageError (storage unreachable) and clamav.ScannerUnavailable (clamd unreachable).
clamav.ScannerError means clamd answered without a verdict: the file stays unverified.
"""

from __future__ import annotations

import hashlib
from contextlib import ExitStack
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from portfolio.evidence import clamav
from portfolio.evidence.file_types import DEFAULT_ALLOWED_TYPES, FILE_TYPES, types_for_extension
from portfolio.evidence.read_ahead import read_ahead
from portfolio.evidence.sniffing import SNIFF_BYTES, is_text, sniff
from portfolio.storage import CHUNK_SIZE, ObjectMissing, ObjectStream, open_object

_TEXT_TYPES = {"text/plain", "text/csv"}
_ACCEPTED_KINDS = "a PDF, a photo, a video, a sound recording, an Office or OpenDocument file, or plain text"


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    sha256: str  # of the whole object when it was read to the end, else ""
    size: int  # bytes read (all of them when ok)
    detected_type: str  # MIME type from the content, "" when not recognised
    reason: str  # for a person: what is wrong with which file, and what to do; "" when ok
    version: str = ""  # the store's version of the bytes read (ETag or local token); "" when none arrived


class _Rejected(Exception):
    def __init__(self, reason: str, detected_type: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detected_type = detected_type


def allowed_types() -> set[str]:
    return set(settings.EVIDENCE_ALLOWED_TYPES or DEFAULT_ALLOWED_TYPES)


def verify_object(*, key: str, declared_size: int, declared_name: str, max_size: int) -> VerificationResult:
    """Stream the object once, in 1 MiB chunks (memory stays flat whatever its size), and judge it."""
    digest = hashlib.sha256()
    size = 0
    detected = ""
    head = bytearray()
    version = ""
    with ExitStack() as stack:
        scan = stack.enter_context(clamav.InstreamScan(settings.CLAMAV_ADDRESS)) if settings.CLAMAV_ADDRESS else None
        try:
            opened = _open(key, declared_name)
            version = opened.version
            for chunk in read_ahead(opened.chunks):
                size += len(chunk)
                _check_running_size(declared_name, size, declared_size=declared_size, max_size=max_size)
                digest.update(chunk)
                if not detected:
                    head += chunk
                    if len(head) >= SNIFF_BYTES:
                        detected = _judge_type(declared_name, bytes(head))
                        head = bytearray()  # the head is no longer needed: keep memory flat
                elif detected in _TEXT_TYPES and not is_text(chunk):
                    raise _Rejected(_binary_in_text(declared_name), detected)
                if scan:
                    scan.send(chunk)
            if size == 0:
                raise _Rejected(
                    f"{declared_name} is empty (0 bytes). Choose the file again and upload it; if it is "
                    "empty on your device too, export or save it again first."
                )
            if size != declared_size:
                raise _Rejected(_size_changed(declared_name, size, declared_size))
            if not detected:
                detected = _judge_type(declared_name, bytes(head))
            if scan:
                verdict = scan.verdict()
                if verdict.infected:
                    raise _Rejected(
                        f"{declared_name} was refused: the virus scanner found {verdict.signature} in it. "
                        "Do not open the file; check your device with an up-to-date virus scanner.",
                        detected,
                    )
        except _Rejected as rejected:
            return VerificationResult(
                ok=False,
                sha256="",
                size=size,
                detected_type=rejected.detected_type or detected,
                reason=rejected.reason,
                version=version,
            )
    return VerificationResult(
        ok=True, sha256=digest.hexdigest(), size=size, detected_type=detected, reason="", version=version
    )


def _open(key: str, declared_name: str) -> ObjectStream:
    try:
        return open_object(key, chunk_size=CHUNK_SIZE)
    except ObjectMissing:
        raise _Rejected(
            f"{declared_name} never arrived in storage, or its upload slot was used up. Upload it again."
        ) from None


def _check_running_size(name: str, size: int, *, declared_size: int, max_size: int) -> None:
    # Checked as the bytes arrive, so an oversized object is refused without reading all of it.
    if size > max_size:
        raise _Rejected(
            f"{name} is larger than the {filesizeformat(max_size)} limit. Make it smaller (a shorter "
            "video, a lower resolution, or split into parts) and upload it again."
        )
    if size > declared_size:
        raise _Rejected(_size_changed(name, size, declared_size, at_least=True))


def _size_changed(name: str, size: int, declared_size: int, *, at_least: bool = False) -> str:
    actual = f"at least {size}" if at_least else str(size)
    return (
        f"{name} in storage is {actual} bytes, but the upload said {declared_size}: the file was changed or "
        "replaced during the upload. Upload it again."
    )


def _binary_in_text(name: str) -> str:
    return f"{name} starts as text but contains binary data further on. Upload {_ACCEPTED_KINDS}."


def _judge_type(name: str, head: bytes) -> str:
    """The detected MIME type when it is allowed and fits the name's extension; else _Rejected."""
    detected = sniff(head)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""
    promised = types_for_extension(extension)
    if detected == "text/plain" and extension == "csv":
        detected = "text/csv"
    if detected is None:
        what = f"{promised[0].name}" if promised else "a file type we accept"
        raise _Rejected(f"{name} is not {what}: its content is not a type we recognise. Upload {_ACCEPTED_KINDS}.")
    found = FILE_TYPES[detected]
    if promised and found not in promised:
        raise _Rejected(
            f"{name} is not {promised[0].name}: its content is {found.name}. "
            + (
                f"Rename it to end in .{found.extensions[0]} and upload it again."
                if detected in allowed_types()
                else f"Upload {_ACCEPTED_KINDS}."
            ),
            detected,
        )
    if detected not in allowed_types():
        raise _Rejected(
            f"{name} is {found.name}, which cannot be uploaded as evidence. Upload {_ACCEPTED_KINDS}.",
            detected,
        )
    if not extension:
        raise _Rejected(
            f"{name} has no file extension. Rename it to {name}.{found.extensions[0]} and upload it again.",
            detected,
        )
    if not promised:
        raise _Rejected(
            f"{name} ends in .{extension}, which does not match its content ({found.name}). Rename it to end "
            f"in .{found.extensions[0]} and upload it again.",
            detected,
        )
    return detected
