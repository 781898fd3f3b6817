from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "standards"
PLAN_FILES = {
    "ST1483": DATA / "ST1483-production-manager-L6.aap.txt",
    "ST0792": DATA / "ST0792-junior-production-coordinator-L4.aap.txt",
    "ST1297": DATA / "ST1297-creative-industries-production-technician-L3.aap.txt",
}


def plan_text(reference: str) -> str:
    return PLAN_FILES[reference].read_text(encoding="utf-8")


def api_document(reference: str) -> dict[str, Any]:
    return json.loads((DATA / "api" / f"{reference}.json").read_text(encoding="utf-8"))


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[..., Path]:
    def write(content: str | bytes, name: str = "plan.txt") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
