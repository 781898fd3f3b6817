"""What reading an assessment plan yields: plain data, no Django, safe to serialise.

`PlanReport.to_dict()` is the stable preview shape the import dry-run prints; the richer fields
(descriptions, other option names, assessment methods, performance descriptors) stay on the objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

StatementKind = Literal["K", "S", "B"]


@dataclass(frozen=True)
class PlanIssue:
    """One problem found in the plan: `line` is 1-based in the source, 0 when it concerns the whole plan."""

    line: int
    message: str
    excerpt: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message, "excerpt": self.excerpt}


@dataclass(frozen=True)
class PlanOption:
    """A route inside the standard, titled as the plan's option list names it."""

    title: str
    code: str | None = None
    other_names: list[str] = field(default_factory=list)
    number: int | None = None
    line: int = 0


@dataclass(frozen=True)
class PlanAO:
    """An assessment outcome; `option` is the option's title, None for a core AO."""

    code: str
    title: str
    description: str
    option: str | None
    statements: list[str]
    line: int


@dataclass(frozen=True)
class PlanStatement:
    code: str
    kind: StatementKind
    mandatory: bool
    functional_skills: bool
    text: str = ""


@dataclass(frozen=True)
class PlanMethods:
    """From "Assessment requirements": the methods an assessment must include, and the allowed extras."""

    required: list[str] = field(default_factory=list)
    additional: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanDescriptor:
    category: str
    pass_text: str
    distinction_text: str


@dataclass(frozen=True)
class PlanReport:
    reference: str | None = None
    version: str | None = None
    title: str | None = None
    level: int | None = None
    options: list[PlanOption] = field(default_factory=list)
    aos: list[PlanAO] = field(default_factory=list)
    statements: list[PlanStatement] = field(default_factory=list)
    assessment_methods: PlanMethods = field(default_factory=PlanMethods)
    performance_descriptors: list[PlanDescriptor] = field(default_factory=list)
    errors: list[PlanIssue] = field(default_factory=list)
    warnings: list[PlanIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing fatal was found: only then may a caller import the plan."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "version": self.version,
            "title": self.title,
            "level": self.level,
            "options": [{"title": option.title, "code": option.code} for option in self.options],
            "aos": [
                {"code": ao.code, "title": ao.title, "option": ao.option, "statements": list(ao.statements)}
                for ao in self.aos
            ],
            "statements": [
                {
                    "code": statement.code,
                    "kind": statement.kind,
                    "mandatory": statement.mandatory,
                    "functional_skills": statement.functional_skills,
                    "text": statement.text,
                }
                for statement in self.statements
            ],
            "errors": [issue.to_dict() for issue in self.errors],
            "warnings": [issue.to_dict() for issue in self.warnings],
        }
