"""Read the next chunks of a stream in a thread while the caller works on the current one.

Verification is read from the network, then hash: done one after the other the two costs add up. Both
release the GIL (socket reads, and hashlib on large buffers), so a reader thread overlaps them. A small
bounded queue keeps memory flat: at most `depth` chunks wait at any time.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def read_ahead(source: Iterator[T], *, depth: int = 2) -> Iterator[T]:
    """Yield what `source` yields, fetched ahead by a thread; its exceptions are raised here, in order."""
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        # Give up when the consumer has stopped, so an abandoned stream never leaves a thread blocked.
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def fetch() -> None:
        try:
            for item in source:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put(exc)
            return
        put(_DONE)

    reader = threading.Thread(target=fetch, name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join(timeout=5)
        close = getattr(source, "close", None)
        if close is not None and not reader.is_alive():
            close()
