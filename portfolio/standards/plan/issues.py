"""Collects errors and warnings while a plan is read, in the order they are found."""

from __future__ import annotations

from .report import PlanIssue

EXCERPT_LIMIT = 120


def excerpt_of(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """The offending text on one line, cut to `limit` characters so a report stays readable."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + "…"


class IssueLog:
    def __init__(self) -> None:
        self.errors: list[PlanIssue] = []
        self.warnings: list[PlanIssue] = []

    def error(self, line: int, message: str, excerpt: str = "") -> None:
        self.errors.append(PlanIssue(line=line, message=message, excerpt=excerpt_of(excerpt)))

    def warning(self, line: int, message: str, excerpt: str = "") -> None:
        self.warnings.append(PlanIssue(line=line, message=message, excerpt=excerpt_of(excerpt)))
