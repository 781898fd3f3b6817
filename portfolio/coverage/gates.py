"""The gateway gates: their keys, defaults, names and how each one's stored figures read to a person.

The engine (portfolio/coverage/gates_sql.py) works every gate out for a whole batch in its one pass and stores
each gate's verdict and figures in typed columns of `CoverageSummary` (`otj_on`, `otj_passed`,
`otj_approved_minutes`, ...: `GATE_COLUMNS` below), which filter and index well and cost the pass nothing to
build; `summary_gates` reads them as one dict, `{"otj": {"enabled": true, "passed": false, ...figures}}`, for the
API, the pages, the events and the signatures. A gate that is off (or does not apply: a standard without
behaviours, a provider without manual gates) is `enabled: false` and passes. Ready for gateway means every gate
passes.

The rules, with the provider's settings (portfolio/gateway/models.py, `GatewayPolicy`) and their defaults:

- coverage: every AO of the route fully covered (a route with no mapped statements never is). On.
- behaviours_confirmed: a live employer confirmation of every behaviour of the standard. On.
- otj: approved off-the-job minutes >= (the standard version's minimum hours - the apprenticeship's RPL hours)
  x 60. No minimum recorded for the standard version: the gate stands (a provider admin sets it). On.
- practical_period: whole months from the start date to today, days on a break in learning not counted, at
  least the minimum (8). On.
- english_maths: achieved, or recorded as not required, or the apprentice was not 16-18 at the start (age on the
  start date from the date of birth; 16 <= age < 19). No date of birth with English and maths pending: the gate
  stands. On.
- manual: each of the provider's named manual gates ticked for the apprenticeship by a staff member. On when the
  provider has any.
"""

from __future__ import annotations

from typing import Any, Protocol

COVERAGE = "coverage"
BEHAVIOURS = "behaviours_confirmed"
OTJ = "otj"
PRACTICAL_PERIOD = "practical_period"
ENGLISH_MATHS = "english_maths"
MANUAL = "manual"

# In the order the checklist shows them.
GATE_KEYS = (COVERAGE, BEHAVIOURS, OTJ, PRACTICAL_PERIOD, ENGLISH_MATHS, MANUAL)
GATE_NAMES = {
    COVERAGE: "Coverage complete",
    BEHAVIOURS: "Behaviours confirmed by the employer",
    OTJ: "Off-the-job training hours",
    PRACTICAL_PERIOD: "Minimum practical period",
    ENGLISH_MATHS: "English and maths",
    MANUAL: "Provider's own requirements",
}

# Per gate: the prefix of its summary columns (`{prefix}_on`, `{prefix}_passed`) and its figures, each as (its name
# in the gate's dict, its summary column).
GATE_COLUMNS: dict[str, tuple[str, dict[str, str]]] = {
    COVERAGE: ("coverage", {"covered": "covered", "mapped": "mapped"}),
    BEHAVIOURS: (
        "behaviours",
        {"confirmed": "behaviours_confirmed", "total": "behaviours_total", "missing": "behaviours_missing"},
    ),
    OTJ: (
        "otj",
        {
            "approved_minutes": "otj_approved_minutes",
            "pending_minutes": "otj_pending_minutes",
            "minimum_hours": "otj_minimum_hours",
            "rpl_hours": "otj_rpl_hours",
            "required_minutes": "otj_required_minutes",
            "planned_hours": "otj_planned_hours",
            "expected_minutes": "otj_expected_minutes",
            "behind": "otj_behind",
            "tolerance_percent": "otj_tolerance_percent",
            "active_last_month": "otj_active_last_month",
        },
    ),
    PRACTICAL_PERIOD: (
        "practical",
        {
            "months": "practical_months",
            "minimum_months": "practical_minimum_months",
            "break_days": "practical_break_days",
            "on_break": "practical_on_break",
        },
    ),
    ENGLISH_MATHS: (
        "english_maths",
        {"status": "english_maths_status", "age_at_start": "english_maths_age", "applies": "english_maths_applies"},
    ),
    MANUAL: ("manual", {"total": "manual_total", "ticked": "manual_ticked", "missing": "manual_missing"}),
}
PASSED_COLUMNS = [f"{prefix}_passed" for prefix, _ in GATE_COLUMNS.values()]  # in GATE_KEYS order

# Per gate, its key and its fields with the names of the values they are read from (`gate_reads`).
GateReads = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


class _Values(Protocol):
    def __getitem__(self, name: str, /) -> Any: ...


DEFAULT_MINIMUM_PRACTICAL_MONTHS = 8
DEFAULT_OTJ_TOLERANCE_PERCENT = 10
# The English and maths rule applies to apprentices aged 16, 17 or 18 on their start date.
ENGLISH_MATHS_FROM_AGE = 16
ENGLISH_MATHS_UNTIL_AGE = 19


def hours(minutes: int | None) -> str:
    """212 h, or 212 h 30 min: the checklist speaks in hours, the data is kept in minutes."""
    if minutes is None:
        return "?"
    whole, rest = divmod(max(int(minutes), 0), 60)
    return f"{whole} h {rest} min" if rest else f"{whole} h"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _coverage(gate: dict[str, Any]) -> str:
    covered, mapped = gate.get("covered", 0), gate.get("mapped", 0)
    if not mapped:
        return "No statements are mapped to this route yet."
    if covered >= mapped:
        return f"{covered} of {mapped} statements covered."
    return f"{covered} of {mapped} statements covered: {mapped - covered} to go."


def _behaviours(gate: dict[str, Any]) -> str:
    text = f"{gate.get('confirmed', 0)} of {gate.get('total', 0)} behaviours confirmed by the employer"
    missing = gate.get("missing") or []
    return f"{text}: {', '.join(missing)} still to confirm." if missing else f"{text}."


def _otj(gate: dict[str, Any]) -> str:
    approved = gate.get("approved_minutes", 0)
    required = gate.get("required_minutes")
    if required is None:
        return (
            f"{hours(approved)} approved; no minimum OTJ hours are recorded for this standard version: "
            "a provider admin sets them."
        )
    text = f"OTJ {hours(approved)} of {hours(required)} approved"
    if gate.get("rpl_hours"):
        text += f" ({gate['minimum_hours']} h minimum less {gate['rpl_hours']} h recognised prior learning)"
    text += "." if approved >= required else f": {hours(required - approved)} to go."
    if gate.get("pending_minutes"):
        text += f" {hours(gate['pending_minutes'])} awaiting approval."
    return text


def _practical_period(gate: dict[str, Any]) -> str:
    text = f"Practical period: {gate.get('months', 0)} of {gate.get('minimum_months', 0)} months"
    if gate.get("break_days"):
        text += f" ({_plural(gate['break_days'], 'day')} on a break in learning not counted)"
    if gate.get("on_break"):
        text += "; on a break in learning now"
    return text + "."


def _english_maths(gate: dict[str, Any]) -> str:
    status = gate.get("status")
    age = gate.get("age_at_start")
    if status == "achieved":
        return "English and maths achieved."
    if status == "not_required":
        return "English and maths recorded as not required."
    if age is None:
        return "English and maths not yet achieved, and the date of birth is not recorded: record it, or record why "\
            "English and maths are not required."  # fmt: skip
    if gate.get("applies"):
        return f"{age} at the start: English and maths still to achieve."
    return f"Not required: {age} at the start."


def _manual(gate: dict[str, Any]) -> str:
    total, ticked = gate.get("total", 0), gate.get("ticked", 0)
    missing = gate.get("missing") or []
    if not missing:
        return f"{ticked} of {total} ticked."
    return f"{ticked} of {total} ticked: {'; '.join(missing)} still to tick."


_EXPLAIN = {
    COVERAGE: _coverage,
    BEHAVIOURS: _behaviours,
    OTJ: _otj,
    PRACTICAL_PERIOD: _practical_period,
    ENGLISH_MATHS: _english_maths,
    MANUAL: _manual,
}


def gate_explain(key: str, gate: dict[str, Any]) -> str:
    """One sentence a person can act on: "OTJ 212 h of 278 h approved: 66 h to go."."""
    if not gate.get("enabled"):
        return "Not required by your provider." if key not in (BEHAVIOURS, MANUAL) else "Nothing to check."
    return _EXPLAIN[key](gate)


def gates_checklist(gates: dict[str, Any]) -> list[dict[str, Any]]:
    """Each gate in checklist order, with its name, state and explanation (an old summary may lack a gate)."""
    rows = []
    for key in GATE_KEYS:
        gate = gates.get(key)
        if gate is None:
            continue
        rows.append(
            {
                "key": key,
                "name": GATE_NAMES[key],
                "enabled": bool(gate.get("enabled")),
                "passed": bool(gate.get("passed")),
                "explanation": gate_explain(key, gate),
                "figures": gate,
            }
        )
    return rows


def gate_reads(prefix: str) -> GateReads:
    """What `summary_gates_of` reads, for values read with `prefix` before each summary column's name (as
    `values("coverage_summary__covered")` names them): per gate, its key and its fields with their value's name."""
    return tuple(
        (key, (("enabled", f"{prefix}{name}_on"), ("passed", f"{prefix}{name}_passed"),
               *((field, f"{prefix}{column}") for field, column in figures.items())))
        for key, (name, figures) in GATE_COLUMNS.items()
    )  # fmt: skip


def summary_gates_of(values: _Values, reads: GateReads) -> dict[str, dict[str, Any]]:
    """Every gate of a stored summary as a dict of its verdict and figures (the API's and the events' shape), from
    its values (`reads`: `gate_reads` of their names' prefix)."""
    return {key: {field: values[name] for field, name in fields} for key, fields in reads}


class _Attributes:
    """A model's fields read by name, as `summary_gates_of` reads values."""

    def __init__(self, instance: Any) -> None:
        self._instance = instance

    def __getitem__(self, name: str) -> Any:
        return getattr(self._instance, name)


_OWN_COLUMNS = gate_reads("")


def summary_gates(summary: Any) -> dict[str, dict[str, Any]]:
    """`summary_gates_of` a `CoverageSummary`."""
    return summary_gates_of(_Attributes(summary), _OWN_COLUMNS)


def blocking_of(passed: Any) -> list[str]:
    """The keys of the gates that do not pass (a gate that is off passes), in checklist order, from their
    `passed` flags in GATE_KEYS order."""
    return [key for key, ok in zip(GATE_KEYS, passed, strict=True) if not ok]
