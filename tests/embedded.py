"""Running a script on the embedded default (SQLite, no services), as `make run` does: a child process with no
database, broker, storage or secret settings, on a fresh SQLite file under the test's own folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]

# How a script starts: Django set up on a fresh, migrated SQLite database (`json` and `connection` imported).
SETUP = """
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
assert connection.vendor == "sqlite", connection.vendor
"""


def run_embedded(script: str, tmp_path: Path, *, timeout: int = 240) -> Any:
    """The last line the script prints, read as JSON; a failure shows the end of what the child wrote to stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "S3_", "SECRET_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "portfolio.settings", "VAR_DIR": str(tmp_path), "DEBUG": "1"})
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
        timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
