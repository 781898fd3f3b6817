"""Reading an Apprenticeship Assessment Plan (AAP) into a report; standard library only, no Django.

from portfolio.standards.plan import read_plan
report = read_plan(text, api_document=api_json)
if report.ok: ...  # import; otherwise show report.errors (line, message, excerpt)
"""

from .reader import read_plan
from .report import (
    PlanAO,
    PlanDescriptor,
    PlanIssue,
    PlanMethods,
    PlanOption,
    PlanReport,
    PlanStatement,
)

__all__ = [
    "PlanAO",
    "PlanDescriptor",
    "PlanIssue",
    "PlanMethods",
    "PlanOption",
    "PlanReport",
    "PlanStatement",
    "read_plan",
]
