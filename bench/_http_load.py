"""A small HTTP/1.1 load generator on asyncio: open loop at a fixed offered rate, or closed loop at saturation.

Open loop: requests are sent on a fixed schedule (evenly spaced at the offered rate) whatever the server does, each
on an idle keep-alive connection (a new one when none is idle), and each latency is measured from the moment the
request was due, not the moment it left: a server that falls behind is charged for the queue it builds
(no coordinated omission). Closed loop: N connections each send the next request as soon as the last answer
arrived; the completed requests per second are the throughput at saturation.

Plain sockets and a minimal parser (status line, headers, Content-Length or chunked body) keep the generator's
own CPU per request small: it shares the machine with the server it measures.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from _setup import pct


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    expect: tuple[int, ...] = (200,)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # ms, per kind
    first_parts: dict[str, list[float]] = field(default_factory=dict)  # ms, a streamed body's first part, per kind
    errors: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    late_starts: int = 0  # open loop: requests that could not even be sent within 1 s of their due time
    not_sent: int = 0  # open loop: requests never sent, the run having lasted twice its length

    def add(self, kind: str, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)

    def error(self, kind: str, message: str) -> None:
        self.errors.setdefault(kind, []).append(message)

    def table(self) -> dict[str, dict[str, float]]:
        rows = {}
        streamed = {f"{kind} (first part)": values for kind, values in self.first_parts.items()}
        for kind, values in sorted([*self.latencies.items(), *streamed.items()]):
            rows[kind] = {
                "n": len(values),
                "req_s": round(len(values) / self.seconds, 1) if self.seconds else 0.0,
                "p50_ms": round(pct(values, 50), 1),
                "p95_ms": round(pct(values, 95), 1),
                "p99_ms": round(pct(values, 99), 1),
                "max_ms": round(max(values), 1),
                "errors": len(self.errors.get(kind, [])),
            }
        return rows

    @property
    def completed(self) -> int:
        return sum(len(values) for values in self.latencies.values())


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, request: Request) -> tuple[int, int, float | None]:
        """Send `request`, read the whole answer; (status, body bytes, when a streamed (chunked) body's first part
        arrived, else None). Reopens a connection the server closed."""
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            assert self.reader is not None
            assert self.writer is not None
            head = [f"{request.method} {request.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
            head += [f"{name}: {value}" for name, value in request.headers]
            if request.body or request.method == "POST":
                head.append(f"Content-Length: {len(request.body)}")
            self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + request.body)
            try:
                return await self._read()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _read(self) -> tuple[int, int, float | None]:
        assert self.reader is not None
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        size, first = 0, None
        if chunked:
            while True:
                chunk = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if chunk == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                size += len(await self.reader.readexactly(chunk + 2)) - 2
                if first is None:
                    first = time.perf_counter()
        elif length is not None:
            size = len(await self.reader.readexactly(length))
        else:
            size = len(await self.reader.read())
            close = True
        if close:
            self.close()
        return status, size, first


async def _one(connection: Connection, request: Request, due: float, results: Results) -> None:
    try:
        status, _, first = await connection.send(request)
    except Exception as exc:  # any failure is counted and named, never fatal to the run
        results.error(request.kind, f"{exc.__class__.__name__}: {exc}")
        connection.close()
        return
    ms = (time.perf_counter() - due) * 1000
    if status not in request.expect:
        results.error(request.kind, f"HTTP {status}")
    results.add(request.kind, ms)
    if first is not None:  # a download streamed in parts: also when its first part arrived
        results.first_parts.setdefault(request.kind, []).append((first - due) * 1000)


async def open_loop(
    next_request: Callable[[], Request],
    *,
    rate: float,
    seconds: float,
    host: str,
    port: int,
    max_connections: int = 400,
) -> Results:
    """Send at `rate` per second for `seconds`, evenly spaced; latency from each request's due time."""
    results = Results()
    idle: list[Connection] = []
    pending: set[asyncio.Task[None]] = set()

    async def run(request: Request, due: float) -> None:
        connection = idle.pop() if idle else Connection(host, port)
        try:
            await _one(connection, request, due, results)
        finally:
            idle.append(connection)

    total = int(rate * seconds)
    started = time.perf_counter() + 0.05
    # A server far behind would stretch the run without end: past twice its length, nothing more is sent (the
    # requests not sent are counted, and the run says the rate was not sustained).
    give_up = started + 2 * seconds + 30
    for n in range(total):
        if time.perf_counter() > give_up:
            results.not_sent = total - n
            break
        due = started + n / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        elif wait < -1:
            results.late_starts += 1
        if len(pending) >= max_connections:
            results.error("generator", "too many requests outstanding: the server is not keeping up")
            await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        task = asyncio.create_task(run(next_request(), due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(pending)
    results.seconds = time.perf_counter() - started
    for connection in idle:
        connection.close()
    return results


async def closed_loop(
    next_request: Callable[[], Request], *, connections: int, seconds: float, host: str, port: int
) -> Results:
    """`connections` clients, each sending its next request when the last is answered, for `seconds`."""
    results = Results()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        connection = Connection(host, port)
        while time.perf_counter() < deadline:
            await _one(connection, next_request(), time.perf_counter(), results)
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    results.seconds = time.perf_counter() - started
    return results


def weighted(choices: list[tuple[float, Callable[[], Request]]], rng: random.Random) -> Callable[[], Request]:
    """A request maker drawing each request's kind by weight."""
    weights = [weight for weight, _ in choices]
    makers = [maker for _, maker in choices]
    return lambda: rng.choices(makers, weights=weights)[0]()
