"""A small client for clamd's INSTREAM command: scan bytes as they stream, without a temporary file.

The protocol: send `zINSTREAM\\0`, then chunks each preceded by its length as 4 bytes big-endian, then a
zero length; clamd answers `stream: OK`, `stream: <signature> FOUND` or `<message> ERROR`.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

# A large file is scanned after its last chunk arrives; clamd may take a while to answer then.
REPLY_TIMEOUT_SECONDS = 300
CONNECT_TIMEOUT_SECONDS = 5


class ScannerError(Exception):
    """The scanner could not give a verdict. The file is not verified; an operator must look."""


class ScannerUnavailable(ScannerError):
    """clamd could not be reached or dropped the connection: transient, the caller retries later."""


@dataclass(frozen=True)
class ScanVerdict:
    infected: bool
    signature: str | None


def _connect(address: str) -> socket.socket:
    parts = urlsplit(address)
    try:
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(CONNECT_TIMEOUT_SECONDS)
            sock.connect(parts.path)
        elif parts.scheme == "tcp" and parts.hostname and parts.port:
            sock = socket.create_connection((parts.hostname, parts.port), timeout=CONNECT_TIMEOUT_SECONDS)
        else:
            raise ScannerError(f"CLAMAV_ADDRESS={address!r}: use unix:///path/to/clamd.ctl or tcp://host:3310")
    except OSError as exc:
        raise ScannerUnavailable(f"clamd at {address} cannot be reached: {exc}") from exc
    sock.settimeout(REPLY_TIMEOUT_SECONDS)
    return sock


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        data = sock.recv(4096)
        if not data:
            break
        reply += data
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping(address: str) -> bool:
    try:
        with _connect(address) as sock:
            sock.sendall(b"zPING\0")
            return _read_reply(sock) == "PONG"
    except (OSError, ScannerError):
        return False


class InstreamScan:
    """One scan: feed chunks with `send`, then `verdict()`. Use as a context manager to always close."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.sock = _connect(address)
        self._send(b"zINSTREAM\0")

    def __enter__(self) -> InstreamScan:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.sock.close()

    def send(self, chunk: bytes) -> None:
        if chunk:
            self._send(struct.pack(">I", len(chunk)))
            self._send(chunk)

    def verdict(self) -> ScanVerdict:
        self._send(struct.pack(">I", 0))
        try:
            reply = _read_reply(self.sock)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {self.address} did not answer: {exc}") from exc
        return _parse(reply, self.address)

    def _send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:
            # clamd closes the connection when it refuses the stream (its StreamMaxLength): say why,
            # when it told us, rather than reporting a bare broken pipe.
            try:
                reply = _read_reply(self.sock)
            except OSError:
                reply = ""
            if reply:
                _parse(reply, self.address)
            raise ScannerUnavailable(f"clamd at {self.address} dropped the connection: {exc}") from exc


def _parse(reply: str, address: str) -> ScanVerdict:
    if reply == "stream: OK":
        return ScanVerdict(infected=False, signature=None)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return ScanVerdict(infected=True, signature=reply.removeprefix("stream: ").removesuffix(" FOUND"))
    if "size limit exceeded" in reply:
        raise ScannerError(
            f"clamd at {address} refused a file as too large ({reply}): raise StreamMaxLength in "
            "clamd.conf to at least EVIDENCE_MAX_FILE_SIZE."
        )
    if not reply:
        raise ScannerUnavailable(f"clamd at {address} closed the connection without a verdict")
    raise ScannerError(f"clamd at {address} answered {reply!r}")
