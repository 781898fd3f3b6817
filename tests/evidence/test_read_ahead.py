from collections.abc import Iterator

import pytest

from portfolio.evidence.read_ahead import read_ahead


def test_yields_everything_in_order() -> None:
    assert list(read_ahead(iter(range(100)), depth=3)) == list(range(100))


def test_an_error_in_the_source_is_raised_to_the_reader_after_what_came_before() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("connection reset")

    stream = read_ahead(source())
    assert [next(stream), next(stream)] == [1, 2]
    with pytest.raises(OSError, match="connection reset"):
        next(stream)


def test_stopping_early_closes_the_source() -> None:
    closed = []

    def source() -> Iterator[int]:
        try:
            yield from range(1000)
        finally:
            closed.append(True)

    stream = read_ahead(source(), depth=2)
    assert next(stream) == 0
    stream.close()  # type: ignore[attr-defined]
    assert closed == [True]
