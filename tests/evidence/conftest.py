"""Fixtures for evidence files: both storage back ends, and a real clamd."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio.evidence import clamav
from tests.evidence import samples
from tests.storage_backends import backend  # noqa: F401 - a fixture, shared with tests/core


def _clamd_binary() -> str:
    found = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
    if not found:
        pytest.exit("clamd is not installed: run `make system-deps` (Debian packages clamav-daemon clamav).", 3)
    return found


@pytest.fixture(scope="session")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real clamd on a private socket, whose only signature is our own for the EICAR test file.

    The official databases cannot be downloaded here (freshclam has no route out), and need not be: the
    tests prove the protocol and the verdicts, not ClamAV's coverage.
    """
    root = tmp_path_factory.mktemp("clamd")
    database = root / "db"
    database.mkdir()
    eicar = samples.eicar()
    # .hdb: "md5:size:name", a hash signature for exactly these bytes.
    (database / "local-eicar.hdb").write_text(
        f"{hashlib.md5(eicar, usedforsecurity=False).hexdigest()}:{len(eicar)}:Local-EICAR-Test\n"
    )
    socket_path = root / "clamd.sock"
    config = root / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {socket_path}",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {root}",
                f"LogFile {root / 'clamd.log'}",
                "Foreground yes",
                "StreamMaxLength 300M",
                "",
            ]
        )
    )
    process = subprocess.Popen(
        [_clamd_binary(), "--config-file", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    address = f"unix://{socket_path}"
    deadline = time.monotonic() + 60
    while not clamav.ping(address):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (root / "clamd.log").read_text() if (root / "clamd.log").exists() else ""
            pytest.fail(f"clamd did not answer PING:\n{log}")
        time.sleep(0.1)
    yield address
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
