"""The plan reader against the three real Assessment Plans, as read by eye in ``expected_plans.py``.

Each real AAP (``data/standards/*.aap.txt``) is read with its API document (``data/standards/api/*.json``)
and every fact the report gives is compared with what a human read in the document: reference, version,
level, options (list titles, short codes, other names), every AO (code, title, option, statements in order),
the mandatory and functional-skills flags of every statement, statement texts, assessment methods and
performance descriptor categories; route integrity (core + one option = every statement of that route
exactly once) is checked on the expected data and on the report. No database is needed.

Leniencies, all deliberate and limited to presentation:
- statement texts and names are compared with runs of whitespace collapsed and ends stripped (the API text
  carries trailing and doubled spaces);
- assessment methods are compared case-insensitively (the document writes "at least one **project**");
- an AO title may drop a trailing full stop; where the document runs the title into the description with no
  separator (``ExpectedAO.title_runs_on``) the reported title must start with the title a human reads;
- option names are matched case-insensitively, with hyphens read as spaces and a "(CODE)" suffix ignored;
- a statement's ``kind`` may be "K"/"S" or "knowledge"/"skill"; ``mandatory`` and ``functional_skills`` are
  compared as booleans.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from portfolio.standards.plan import read_plan

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "standards"


def _load_expected() -> Any:
    """Import expected_plans.py beside this file, whatever pytest's import mode or package layout."""
    path = Path(__file__).resolve().with_name("expected_plans.py")
    spec = importlib.util.spec_from_file_location("tests_standards_expected_plans", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_expected = _load_expected()
ALL = _expected.ALL
PLANS = _expected.PLANS
PLANS_BY_REFERENCE = _expected.PLANS_BY_REFERENCE


# --------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------


def _ws(text: str) -> str:
    return " ".join(str(text).split())


def _norm_title(text: str) -> str:
    return _ws(text).rstrip(" .")


def _norm_name(text: str) -> str:
    """Option name for matching: case, hyphens and a trailing "(CODE)" do not matter."""
    name = _ws(text)
    if name.endswith(")") and "(" in name:
        name = name[: name.rfind("(")]
    return _ws(name.replace("-", " ").replace("\u2013", " ")).casefold()


def _title_matches(reported: str, expected_ao: Any) -> bool:
    got, want = _norm_title(reported), _norm_title(expected_ao.title)
    return got == want or (expected_ao.title_runs_on and got.startswith(want))


def _kind_letter(kind: Any) -> str | None:
    value = str(getattr(kind, "value", kind)).strip().casefold()
    return {"k": "K", "knowledge": "K", "s": "S", "skill": "S", "b": "B", "behaviour": "B"}.get(value)


def _all_codes(plan: Any) -> list[str]:
    return [f"K{i}" for i in range(1, plan.knowledge_count + 1)] + [f"S{i}" for i in range(1, plan.skill_count + 1)]


def _mandatory_codes(plan: Any) -> set[str]:
    return set(_all_codes(plan)) if plan.mandatory == ALL else set(plan.mandatory)


def _expected_routes(plan: Any) -> dict[str, list[str]]:
    """Option list title -> statements of core + that option's AOs, from the expected data (with repeats)."""
    core = [code for ao in plan.aos if ao.option is None for code in ao.statements]
    return {
        option.title: core + [code for ao in plan.aos if ao.option == option.title for code in ao.statements]
        for option in plan.options
    }


def _repeats(codes: list[str]) -> list[str]:
    return sorted(code for code, n in Counter(codes).items() if n > 1)


@functools.cache
def _api_document(reference: str) -> dict[str, Any]:
    plan = PLANS_BY_REFERENCE[reference]
    return json.loads((DATA_DIR / "api" / plan.api_source).read_text(encoding="utf-8"))


def _api_text(reference: str, code: str) -> str:
    """K1 is the first item of the API's "knowledges", S1 the first of its "skills"."""
    document = _api_document(reference)
    items = document["knowledges"] if code[0] == "K" else document["skills"]
    return items[int(code[1:]) - 1]["detail"]


@functools.cache
def _report(reference: str) -> Any:
    plan = PLANS_BY_REFERENCE[reference]
    text = (DATA_DIR / plan.source).read_text(encoding="utf-8")
    return read_plan(text, api_document=_api_document(reference))


def _report_ao(reference: str, code: str) -> Any:
    matches = [ao for ao in _report(reference).aos if ao.code == code]
    assert len(matches) == 1, (
        f"{reference}: expected exactly one AO {code}, the report has {len(matches)} "
        f"(AO codes reported: {[ao.code for ao in _report(reference).aos]})"
    )
    return matches[0]


def _report_statements(reference: str) -> dict[str, Any]:
    """The knowledge and skill statements of the report (behaviours come from the API, not the plan)."""
    statements = list(_report(reference).statements)
    codes = [st.code for st in statements]
    assert not _repeats(codes), f"{reference}: statements reported more than once: {_repeats(codes)}"
    return {st.code: st for st in statements if st.code[0] in "KS"}


@pytest.mark.parametrize("reference", ["ST1483", "ST0792", "ST1297"])
def test_behaviours_follow_the_plans_statements_with_the_api_texts(reference: str) -> None:
    """Behaviours are not in the plans: they are the API's `behaviours`, B1 first, after the K and S codes."""
    statements = list(_report(reference).statements)
    behaviours = [st for st in statements if st.code[0] == "B"]
    api_behaviours = _api_document(reference)["behaviours"]
    assert [st.code for st in behaviours] == [f"B{i}" for i in range(1, len(api_behaviours) + 1)]
    assert statements[-len(behaviours) :] == behaviours
    assert [_ws(st.text) for st in behaviours] == [_ws(item["detail"]) for item in api_behaviours]
    assert all(_kind_letter(st.kind) == "B" and not st.functional_skills for st in behaviours)


PLAN_PARAMS = [pytest.param(plan, id=plan.reference) for plan in PLANS]
AO_PARAMS = [pytest.param(plan, ao, id=f"{plan.reference}-{ao.code}") for plan in PLANS for ao in plan.aos]
OPTION_PARAMS = [
    pytest.param(plan, option, id=f"{plan.reference}-option{option.number}-{option.code or option.title}")
    for plan in PLANS
    for option in plan.options
]


# --------------------------------------------------------------------------------------------------------
# the expected data itself (read by eye) is consistent with the documents' rules and the API
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_expected_data_counts_match_api(plan: Any) -> None:
    document = _api_document(plan.reference)
    assert len(document["knowledges"]) == plan.knowledge_count
    assert len(document["skills"]) == plan.skill_count
    # The API lists the options in the order of the AO table (ST1297: CVT, LET, SLT), not of the option list.
    table_order = sorted(plan.options, key=lambda o: o.table_number)
    api_names = [_norm_name(o["title"]) for o in document["options"]]
    assert api_names == [_norm_name(o.api_title) for o in table_order]


@pytest.mark.parametrize(("plan", "option"), OPTION_PARAMS)
def test_expected_route_holds_every_statement_once(plan: Any, option: Any) -> None:
    route = _expected_routes(plan)[option.title]
    assert not _repeats(route), (
        f"{plan.reference} {option.title!r}: statements in more than one AO of the route: {_repeats(route)}"
    )
    assert all(code in _all_codes(plan) for code in route), f"{plan.reference}: unknown codes in {route}"


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_expected_data_covers_every_statement(plan: Any) -> None:
    mapped = {code for ao in plan.aos for code in ao.statements}
    assert sorted(set(_all_codes(plan)) - mapped) == [], f"{plan.reference}: statements in no AO"
    by_option: dict[str, set[str]] = {}
    for ao in plan.aos:
        if ao.option is not None:
            by_option.setdefault(ao.option, set()).update(ao.statements)
    shared = {code for code in mapped if sum(code in codes for codes in by_option.values()) > 1}
    assert shared == set(plan.shared_between_options)
    assert {ao.option for ao in plan.aos} - {None} == {o.title for o in plan.options}


@pytest.mark.parametrize(("plan", "option"), OPTION_PARAMS)
def test_expected_routes_agree_with_standard_duties(plan: Any, option: Any) -> None:
    """Cross-check of the reading against ``*.standard.json``, whose option membership is derived from duties.

    The AAP is the authority for assessment (data/standards/README.md); for these three standards the two
    sources agree, so a disagreement here points at a misreading of the AAP.
    """
    standard = json.loads((DATA_DIR / f"{plan.reference}.standard.json").read_text(encoding="utf-8"))
    from_duties = {
        ksb["code"]
        for ksb in standard["ksbs"]
        if ksb["code"][0] in "KS" and ({"core", option.api_title} & set(ksb["options"]))
    }
    assert set(_expected_routes(plan)[option.title]) == from_duties


# --------------------------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_reads_without_errors(plan: Any) -> None:
    report = _report(plan.reference)
    assert list(report.errors) == [], f"{plan.reference}: {report.errors}"


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_reference_version_level(plan: Any) -> None:
    report = _report(plan.reference)
    assert report.reference == plan.reference
    assert report.version == plan.version
    assert int(report.level) == plan.level


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_options_in_list_order_with_codes(plan: Any) -> None:
    report = _report(plan.reference)
    assert [o.title for o in report.options] == [o.title for o in plan.options], (
        f"{plan.reference}: option titles must be the option LIST titles, in list order"
    )
    assert [o.code for o in report.options] == [o.code for o in plan.options]


@pytest.mark.parametrize(("plan", "option"), OPTION_PARAMS)
def test_option_knows_its_other_names(plan: Any, option: Any) -> None:
    matches = [o for o in _report(plan.reference).options if o.title == option.title]
    assert len(matches) == 1, f"{plan.reference}: option {option.title!r} not reported once"
    reported = matches[0]
    names = {_norm_name(reported.title)} | {_norm_name(name) for name in reported.other_names}
    assert _norm_name(option.table_heading) in names, (
        f"{plan.reference} option {option.number}: AO table heading {option.table_heading!r} not among {sorted(names)}"
    )
    assert _norm_name(option.api_title) in names, (
        f"{plan.reference} option {option.number}: API title {option.api_title!r} not among {sorted(names)}"
    )


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_ao_codes_in_document_order(plan: Any) -> None:
    assert [ao.code for ao in _report(plan.reference).aos] == [ao.code for ao in plan.aos]


@pytest.mark.parametrize(("plan", "ao"), AO_PARAMS)
def test_ao_option_and_statements(plan: Any, ao: Any) -> None:
    reported = _report_ao(plan.reference, ao.code)
    where = f"{plan.reference} {ao.code}"
    assert reported.option == ao.option, f"{where}: option"
    assert list(reported.statements) == list(ao.statements), f"{where}: statements"


@pytest.mark.parametrize(("plan", "ao"), AO_PARAMS)
def test_ao_title(plan: Any, ao: Any) -> None:
    reported = _report_ao(plan.reference, ao.code)
    assert _title_matches(reported.title, ao), (
        f"{plan.reference} {ao.code}: title {reported.title!r}, expected {ao.title!r}"
        + (" (or a title starting with it)" if ao.title_runs_on else "")
    )


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_statements_are_the_standards_k_and_s(plan: Any) -> None:
    statements = _report_statements(plan.reference)
    assert sorted(statements) == sorted(_all_codes(plan)), f"{plan.reference}: statement codes"
    wrong_kind = [f"{code}: {st.kind!r}" for code, st in statements.items() if _kind_letter(st.kind) != code[0]]
    assert wrong_kind == [], f"{plan.reference}: kind"


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_mandatory_flags(plan: Any) -> None:
    statements = _report_statements(plan.reference)
    mandatory = _mandatory_codes(plan)
    wrong = [
        f"{code}: mandatory={statements[code].mandatory!r}, expected {code in mandatory}"
        for code in _all_codes(plan)
        if code in statements and bool(statements[code].mandatory) != (code in mandatory)
    ]
    assert wrong == [], f"{plan.reference}: mandatory flags"


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_functional_skills_flags(plan: Any) -> None:
    statements = _report_statements(plan.reference)
    wrong = [
        f"{code}: functional_skills={statements[code].functional_skills!r}, expected {code in plan.functional_skills}"
        for code in _all_codes(plan)
        if code in statements and bool(statements[code].functional_skills) != (code in plan.functional_skills)
    ]
    assert wrong == [], f"{plan.reference}: functional-skills flags"


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_statement_texts_are_the_api_texts(plan: Any) -> None:
    statements = _report_statements(plan.reference)
    wrong = [
        f"{code}: {statements[code].text!r} != {_api_text(plan.reference, code)!r}"
        for code in _all_codes(plan)
        if code in statements and _ws(statements[code].text) != _ws(_api_text(plan.reference, code))
    ]
    assert wrong == [], f"{plan.reference}: statement texts"


@pytest.mark.parametrize(("plan", "option"), OPTION_PARAMS)
def test_report_route_holds_every_statement_once(plan: Any, option: Any) -> None:
    report = _report(plan.reference)
    core = [code for ao in report.aos if ao.option is None for code in ao.statements]
    own = [code for ao in report.aos if ao.option == option.title for code in ao.statements]
    route = core + own
    where = f"{plan.reference} {option.title!r}"
    assert own, f"{where}: no AO of the report belongs to this option"
    assert not _repeats(route), f"{where}: statements in more than one AO of the route: {_repeats(route)}"
    assert sorted(route) == sorted(_expected_routes(plan)[option.title]), f"{where}: route statements"
    assert set(route) <= set(_report_statements(plan.reference)), f"{where}: AO codes without a statement"


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_report_maps_every_statement_and_only_known_options(plan: Any) -> None:
    report = _report(plan.reference)
    mapped = {code for ao in report.aos for code in ao.statements}
    assert sorted(set(_report_statements(plan.reference)) - mapped) == [], f"{plan.reference}: unmapped"
    assert {ao.option for ao in report.aos} - {None} == {o.title for o in report.options}


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_statements_shared_between_options(plan: Any) -> None:
    report = _report(plan.reference)
    options_of: dict[str, set[str]] = {}
    for ao in report.aos:
        if ao.option is not None:
            for code in ao.statements:
                options_of.setdefault(code, set()).add(ao.option)
    shared = {code for code, options in options_of.items() if len(options) > 1}
    assert shared == set(plan.shared_between_options)


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_assessment_methods(plan: Any) -> None:
    methods = _report(plan.reference).assessment_methods

    def fold(items: Any) -> list[str]:
        return [_ws(item).casefold() for item in items]

    assert fold(methods.required) == fold(plan.required_methods), f"{plan.reference}: required"
    assert fold(methods.additional) == fold(plan.additional_methods), f"{plan.reference}: additional"


@pytest.mark.parametrize("plan", PLAN_PARAMS)
def test_performance_descriptor_categories(plan: Any) -> None:
    categories = [_ws(d.category) for d in _report(plan.reference).performance_descriptors]
    assert categories == list(plan.performance_categories)


# --------------------------------------------------------------------------------------------------------
# facts stated in the design notes, checked directly (they must also hold for the expected data)
# --------------------------------------------------------------------------------------------------------


def test_st1483_known_facts() -> None:
    report = _report("ST1483")
    assert [ao.code for ao in report.aos if ao.option is None] == ["AO1", "AO2", "AO3"]
    per_option = Counter(ao.option for ao in report.aos if ao.option is not None)
    assert len(report.options) == 3
    assert all(per_option[o.title] == 3 for o in report.options)
    assert list(_report_ao("ST1483", "AO1").statements) == ["K1", "K7", "K8", "K10", "S1", "S2", "S8", "S10"]


def test_st1297_options_found_by_name_not_number() -> None:
    report = _report("ST1297")
    title_of = {o.code: o.title for o in report.options}
    for code, aos in {"CVT": ["AO5", "AO6"], "LET": ["AO7", "AO8"], "SLT": ["AO9", "AO10"]}.items():
        assert [ao.code for ao in report.aos if ao.option == title_of[code]] == aos, code
    flagged = {st.code for st in report.statements if st.functional_skills}
    assert flagged == {"K11", "K16", "K17", "K19"}
    assert all(st.mandatory for st in report.statements if st.code[0] in "KS")


def test_st0792_suffixed_ao_codes() -> None:
    options = {ao.code: ao.option for ao in _report("ST0792").aos}
    assert options["AO6A"] == "Production coordinator"
    assert options["AO6B"] == "Post-production coordinator"


# --------------------------------------------------------------------------------------------------------
# to_dict, for one plan (ST1297: short codes, renumbered options, bold and asterisks)
# --------------------------------------------------------------------------------------------------------


def test_to_dict_st1297() -> None:
    plan = PLANS_BY_REFERENCE["ST1297"]
    data = _report("ST1297").to_dict()
    data = json.loads(json.dumps(data))  # plain JSON-able data
    keys = {"reference", "version", "title", "level", "options", "aos", "statements", "errors", "warnings"}
    assert keys <= set(data)
    assert data["reference"] == "ST1297"
    assert data["version"] == "2.0"
    assert _ws(data["title"]).casefold() == plan.title.casefold()
    assert int(data["level"]) == 3
    assert data["errors"] == []
    assert isinstance(data["warnings"], list)

    assert [{"title": o["title"], "code": o["code"]} for o in data["options"]] == [
        {"title": o.title, "code": o.code} for o in plan.options
    ]

    assert [ao["code"] for ao in data["aos"]] == [ao.code for ao in plan.aos]
    for got, want in zip(data["aos"], plan.aos, strict=True):
        assert got["option"] == want.option, want.code
        assert got["statements"] == list(want.statements), want.code
        assert _title_matches(got["title"], want), want.code

    assert len({st["code"] for st in data["statements"]}) == len(data["statements"])
    statements = {st["code"]: st for st in data["statements"] if st["code"][0] in "KS"}
    assert sorted(statements) == sorted(_all_codes(plan))
    mandatory = _mandatory_codes(plan)
    for code, st in statements.items():
        assert _kind_letter(st["kind"]) == code[0], code
        assert bool(st["mandatory"]) == (code in mandatory), code
        assert bool(st["functional_skills"]) == (code in plan.functional_skills), code
        assert _ws(st["text"]) == _ws(_api_text("ST1297", code)), code
