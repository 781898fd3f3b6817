"""A minimal SMTP server for the tests: it accepts every message and keeps it, and can be stopped (then its port
refuses connections, as an unreachable mail server does) and started again on the same port."""

from __future__ import annotations

import email
import socketserver
import threading
from email.message import Message


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._reply("220 test sink ready")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command == b"DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (data := self.rfile.readline()) and data not in (b".\r\n", b".\n"):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.sink.keep(email.message_from_bytes(b"".join(lines)))
                self._reply("250 kept")
            elif command == b"QUIT":
                self._reply("221 bye")
                return
            else:  # EHLO/HELO (no extensions: plain SMTP), MAIL, RCPT, RSET, NOOP
                self._reply("250 ok")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    sink: SmtpSink


class SmtpSink:
    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None

    def keep(self, message: Message) -> None:
        with self._lock:
            self.messages.append(message)

    def to(self, address: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if address in (m["To"] or "")]

    def start(self) -> None:
        if self._server is not None:
            return
        server = _Server(("127.0.0.1", self.port), _Session)
        server.sink = self
        threading.Thread(target=server.serve_forever, name="smtp-sink", daemon=True).start()
        self._server = server

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
