"""The assessment plan reader: each quirk of the published drafts on a small inline plan, the three
document forms (mixed, plain text, full HTML), every fatal error and the warnings, and a few spot checks
of the real plans in data/standards/ (their complete mappings are tested in test_plan_mappings.py).

Pure Python: no Django, no database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portfolio.standards.plan import PlanReport, read_plan

DATA = Path(__file__).resolve().parents[2] / "data" / "standards"
REAL_PLANS = {
    "ST1483": "ST1483-production-manager-L6.aap.txt",
    "ST1297": "ST1297-creative-industries-production-technician-L3.aap.txt",
    "ST0792": "ST0792-junior-production-coordinator-L4.aap.txt",
}

COVER = """DRAFT APPRENTICESHIP ASSESSMENT PLAN FOR THE WIDGET MAKER APPRENTICESHIP

ST9001/V1

APPRENTICESHIP REFERENCE NUMBER\tLEVEL OF THIS APPRENTICESHIP\tINTEGRATION
ST9001\t3\tNone

Assessment Outcomes

Assessment organisations must ensure all the core assessment outcomes and the assessment outcomes for one \
of the following options are assessed for each apprentice:

"""
TAIL = """
Assessment requirements

Assessment organisations must design apprenticeship assessments to include at least one **observation**.

Any additional assessment(s) must be selected from the following list of methods:

- **Professional discussion**
- **Portfolio**

Performance descriptors

Performance Category\tPass\tDistinction
Applied Knowledge\tKnows the basics.\tKnows the basics and more.
"""


def plan(body: str, *, options: str = "") -> str:
    """A small plan in the drafts' mixed form: the cover, an option list, the AO table `body`, the tail."""
    return COVER + options + "\n" + body + "\n" + TAIL


def api_doc(
    *,
    reference: str = "ST9001",
    version: str = "1.0",
    knowledge: int = 12,
    skills: int = 12,
    behaviours: int = 2,
    options: tuple[str, ...] = (),
    title: str = "Widget maker",
    level: int = 3,
) -> dict[str, Any]:
    """An API document shaped like data/standards/api/*.json, with numbered statement texts."""
    return {
        "referenceNumber": reference,
        "version": version,
        "versionNumber": "",
        "title": title,
        "level": level,
        "knowledges": [{"knowledgeId": f"k-{n}", "detail": f"Knowledge {n}. "} for n in range(1, knowledge + 1)],
        "skills": [{"skillId": f"s-{n}", "detail": f"Skill  {n}."} for n in range(1, skills + 1)],
        "behaviours": [{"behaviourId": f"b-{n}", "detail": f"Behaviour {n}."} for n in range(1, behaviours + 1)],
        "options": [{"optionId": f"o-{n}", "title": t, "occupationCode": ""} for n, t in enumerate(options)],
        "coreAndOptions": bool(options),
    }


def ao_statements(report: PlanReport) -> dict[str, list[str]]:
    return {ao.code: ao.statements for ao in report.aos}


def messages(issues: list[Any]) -> str:
    return "\n".join(issue.message for issue in issues)


def only_core(rows: str) -> str:
    return plan("Core Assessment Outcome\tMapping\n" + rows)


# --- the quirks of the drafts --------------------------------------------------------------------------


def test_codes_run_together_are_split() -> None:
    report = read_plan(only_core("<p>AO1: Planning</p> <p>Plans work.</p>\t<p>K1, K7, K10S1, S2, K33S25</p>"))

    assert report.ok, report.errors
    assert ao_statements(report) == {"AO1": ["K1", "K7", "K10", "S1", "S2", "K33", "S25"]}


def test_empty_list_items_and_missing_commas_are_tolerated() -> None:
    report = read_plan(only_core("<p>AO1: Setup</p>\t<p>K7, , K12 , K13</p> <p>S2 S3,S4</p>"))

    assert report.ok, report.errors
    assert ao_statements(report) == {"AO1": ["K7", "K12", "K13", "S2", "S3", "S4"]}


def test_row_split_over_several_lines_keeps_codes_and_description_together() -> None:
    # ST1483 AO11: title, "K31, K32", the description and "S26" each on a line of their own.
    body = (
        "Core Assessment Outcome\tMapping\n"
        "<p>AO1 — Venue Surveys & Touring Requirements</p>\n\n"
        "K1, K2\n\n"
        "Conducts technical surveys of venues and communicates findings.\n\n"
        "S1\n\n"
        "AO2 — Delivery\n\nK3\n"
    )
    report = read_plan(plan(body))

    assert report.ok, report.errors
    assert ao_statements(report) == {"AO1": ["K1", "K2", "S1"], "AO2": ["K3"]}
    assert report.aos[0].title == "Venue Surveys & Touring Requirements"
    assert report.aos[0].description == "Conducts technical surveys of venues and communicates findings."


def test_description_that_continues_after_the_codes_stays_with_its_ao() -> None:
    # ST0792 AO6B: "... coordinates handover processes to<TAB>K24 ...", then "meet technical standards ...".
    body = (
        "Core Assessment Outcome\tMapping\n"
        "AO1: Post-Production Delivery Supports post-production workflows, prepares deliverables, and "
        "coordinates handover processes to\tK1, K2 S1\n\nmeet technical standards and client requirements.\n"
    )
    report = read_plan(plan(body))

    ao = report.aos[0]
    assert ao.title == "Post-Production Delivery"
    assert ao.description.startswith("Supports post-production workflows")
    assert ao.description.endswith("handover processes to meet technical standards and client requirements.")
    assert ao.statements == ["K1", "K2", "S1"]


@pytest.mark.parametrize(
    ("row", "title"),
    [
        ("<p>AO1 — Production Workflow</p>", "Production Workflow"),
        ("<p>AO1\u2013 Production Workflow</p>", "Production Workflow"),  # en dash
        ("<p>AO1 - Production Workflow</p>", "Production Workflow"),
        ("<p>AO1: Production Workflow</p>", "Production Workflow"),
        ("<p>AO1 —Production Workflow</p>", "Production Workflow"),
        ("<p>AO1—Production Workflow</p>", "Production Workflow"),
    ],
)
def test_any_dash_or_colon_separates_ao_code_and_title(row: str, title: str) -> None:
    report = read_plan(only_core(f"{row}\t<p>K1</p>"))

    assert report.ok, report.errors
    assert (report.aos[0].code, report.aos[0].title) == ("AO1", title)


def test_title_and_description_in_one_cell_are_split_at_the_describing_verb() -> None:
    # ST1483 AO9 and ST0792 put both in one cell without any separator.
    report = read_plan(
        only_core(
            "<p>AO1 — Client, Vendor and Project Oversight Manages stakeholder relationships, maintaining "
            "communication and brand expectations.</p>\t<p>K1</p>"
        )
    )

    assert report.aos[0].title == "Client, Vendor and Project Oversight"
    assert report.aos[0].description.startswith("Manages stakeholder relationships")


def test_ao_code_suffix_is_part_of_the_code() -> None:
    options = "- Option 1: Production coordinator\n- Option 2: Post-production coordinator\n"
    body = (
        "Core Assessment Outcome\tMapping\nAO1: Core\tK1\n"
        "Option 1: Production coordinator\tMapping\nAO6A: Compliance\tK2\n"
        "Option 2: Post-production coordinator\tMapping\nAO6B: Delivery\tK3\n"
    )
    report = read_plan(plan(body, options=options))

    assert report.ok, report.errors
    assert [(ao.code, ao.option) for ao in report.aos] == [
        ("AO1", None),
        ("AO6A", "Production coordinator"),
        ("AO6B", "Post-production coordinator"),
    ]


def test_ao_prefix_is_the_options_short_code_not_part_of_the_ao_code() -> None:
    options = "- Option 1: Live event technician\n- Option 2: Creative venue technician\n"
    body = (
        "Core Assessment Outcome\tMapping\n<p><b>AO1: Safe working</b></p>\t<p><b>K1</b></p>\n"
        "Option 1: Creative venue technician\tMapping\n"
        "<p><b>CVT AO5: Venue operations</b></p>\t<p><b>K2</b></p>\n"
        "Option 2: Live event technician\tMapping\n"
        "<p><b>LET AO7: Live systems</b></p>\t<p><b>K3</b></p>\n"
    )
    report = read_plan(plan(body, options=options))

    assert report.ok, report.errors
    assert [(ao.code, ao.option) for ao in report.aos] == [
        ("AO1", None),
        ("AO5", "Creative venue technician"),
        ("AO7", "Live event technician"),
    ]
    assert [(option.title, option.code) for option in report.options] == [
        ("Live event technician", "LET"),
        ("Creative venue technician", "CVT"),
    ]


def test_ao_prefix_alone_places_the_ao_in_its_option_when_the_table_has_no_option_heading() -> None:
    options = "- Option 1: Live event technician (LET)\n- Option 2: Creative venue technician (CVT)\n"
    body = "Core Assessment Outcome\tMapping\nAO1: Core\tK1\nCVT AO2: Venue\tK2\nLET AO3: Live\tK3\n"
    report = read_plan(plan(body, options=options))

    assert report.ok, report.errors
    assert [(ao.code, ao.option) for ao in report.aos] == [
        ("AO1", None),
        ("AO2", "Creative venue technician"),
        ("AO3", "Live event technician"),
    ]


def test_options_numbered_differently_in_list_and_table_are_matched_by_name() -> None:
    # ST1297: the list has LET as option 1, the table heads CVT "Option 1".
    options = "- Option 1: Live event technician (LET)\n- Option 2: Creative venue technician (CVT)\n"
    body = (
        "Core Assessment Outcome\tMapping\nAO1: Core\tK1\n"
        "Option 1: Creative venue technician\tMapping\nCVT AO2: Venue\tK2\n"
        "Option 2: Live event technician\tMapping\nLET AO3: Live\tK3\n"
    )
    report = read_plan(plan(body, options=options))

    assert report.ok, report.errors
    assert [(option.number, option.title, option.code) for option in report.options] == [
        (1, "Live event technician", "LET"),
        (2, "Creative venue technician", "CVT"),
    ]
    assert {ao.code: ao.option for ao in report.aos} == {
        "AO1": None,
        "AO2": "Creative venue technician",
        "AO3": "Live event technician",
    }
    assert "numbers option 'Creative venue technician' 1 but the list numbers it 2" in messages(report.warnings)


def test_option_named_differently_in_list_table_and_api_keeps_the_list_title_and_all_names() -> None:
    # ST1483 option 3 has three names.
    options = (
        "- Option 1: Junior production manager - screen and audio\n- Option 2: Live performance production manager\n"
    )
    body = (
        "Core Assessment Outcome\tMapping\nAO1: Core\tK1\n"
        "Option 1: Junior production manager - screen and audio\tMapping\nAO2: Screen\tK2\n"
        "<p>Option 2: Assistant live performance manager Mapping</p>\t\nAO3: Live\tK3\n"
    )
    api = api_doc(options=("Junior production manager - screen and audio", "Assistant production manager - live arts"))
    source = plan(body, options=options)
    report = read_plan(source, api_document=api)

    assert report.ok, report.errors
    live = report.options[1]
    assert live.title == "Live performance production manager"
    assert live.other_names == [
        "Assistant live performance manager",
        "Assistant production manager - live arts",
    ]
    assert report.aos[2].option == "Live performance production manager"
    warning = next(w for w in report.warnings if "Assistant live performance manager" in w.message)
    assert warning.line == next(n for n, text in enumerate(source.splitlines(), 1) if "Assistant live" in text)
    assert "Live performance production manager" in warning.message


def test_bold_codes_are_mandatory_in_markdown_and_html() -> None:
    body = (
        "Core Assessment Outcome\tMapping\n"
        "AO1: Markdown\t**K1**, **K2***, **S1**\n"
        "<p>AO2: Html</p>\t<p><strong>K3</strong>, <b>S2, S3</b></p>\n"
    )
    report = read_plan(plan(body), api_document=api_doc())

    by_code = {statement.code: statement for statement in report.statements}
    assert all(by_code[code].mandatory for code in ("K1", "K2", "S1", "K3", "S2", "S3"))
    assert by_code["K2"].functional_skills
    assert not by_code["K1"].functional_skills
    assert not [w for w in report.warnings if "bold" in w.message]


def test_asterisk_flags_functional_skills_also_when_markdown_escaped() -> None:
    report = read_plan(only_core("AO1: Setup\tK16*, K17\\*, K18, S1*"))

    flags = {statement.code: statement.functional_skills for statement in report.statements}
    assert flags == {"K16": True, "K17": True, "K18": False, "S1": True}


def test_html_entities_and_tags_are_decoded() -> None:
    report = read_plan(
        only_core("<p>AO1 — Tools &amp; Technical&nbsp;Standards</p> <p>Uses&#160;tools.</p>\t<p>K1,&nbsp;S1</p>")
    )

    assert report.aos[0].title == "Tools & Technical Standards"
    assert report.aos[0].description == "Uses tools."
    assert report.aos[0].statements == ["K1", "S1"]


def test_code_ranges_are_expanded() -> None:
    report = read_plan(only_core("AO1: Setup\tK1-K3, S2 to S4"))

    assert report.aos[0].statements == ["K1", "K2", "K3", "S2", "S3", "S4"]


# --- document forms --------------------------------------------------------------------------------------

FULL_HTML = """<!DOCTYPE html>
<html><head><title>Assessment plan</title><style>td { color: red; }</style></head>
<body>
<h1>Draft apprenticeship assessment plan for the widget maker apprenticeship</h1>
<p>ST9001/V2</p>
<table>
  <tr><th>Apprenticeship reference number</th><th>Level of this apprenticeship</th></tr>
  <tr><td>ST9001</td><td>4</td></tr>
</table>
<p>Assessment organisations must ensure all the core assessment outcomes and the assessment outcomes for
one of the following options are assessed for each apprentice:</p>
<ul>
  <li>Option 1: Widget assembler (WA)</li>
  <li>Option 2: Widget
      tester (WT)</li>
</ul>
<table>
  <tr><th>Core assessment outcome</th><th>Mapping</th></tr>
  <tr>
    <td><strong>AO1: Safe
        working</strong><br>Works safely
        at all times.</td>
    <td><strong>K1, K2</strong><br><strong>S1</strong></td>
  </tr>
  <tr><th>Option 1: Widget assembler</th><th>Mapping</th></tr>
  <tr><td><p>WA AO2 &ndash; Assembly</p><p>Assembles widgets.</p></td><td><p>K3*</p><p>S2</p></td></tr>
  <tr><th>Option 2: Widget tester</th><th>Mapping</th></tr>
  <tr><td>WT AO3: Testing</td><td>K4 S3</td></tr>
</table>
<h2>Assessment requirements</h2>
<p>Assessment organisations must design apprenticeship assessments to include at least one <b>project</b>.</p>
<p>Any additional assessment(s) must be selected from the following list of methods:</p>
<ul><li><b>Portfolio</b></li><li><b>Presentation</b></li></ul>
<h2>Performance descriptors</h2>
<table>
<tr><th>Performance Category</th><th>Pass</th><th>Distinction</th></tr>
<tr><td>Applied Knowledge</td><td>Knows.</td><td>Knows well.</td></tr>
</table>
</body></html>
"""


def test_full_html_with_a_real_table() -> None:
    report = read_plan(FULL_HTML)

    assert report.ok, report.errors
    assert (report.reference, report.version, report.level) == ("ST9001", "2.0", 4)
    assert report.title == "Widget maker"
    assert [(option.title, option.code) for option in report.options] == [
        ("Widget assembler", "WA"),
        ("Widget tester", "WT"),
    ]
    assert [(ao.code, ao.option, ao.statements) for ao in report.aos] == [
        ("AO1", None, ["K1", "K2", "S1"]),
        ("AO2", "Widget assembler", ["K3", "S2"]),
        ("AO3", "Widget tester", ["K4", "S3"]),
    ]
    assert report.aos[0].title == "Safe working"
    assert report.aos[0].description == "Works safely at all times."
    assert report.aos[1].title == "Assembly"
    flags = {s.code: (s.mandatory, s.functional_skills) for s in report.statements}
    assert flags["K1"] == (True, False)
    assert flags["K3"] == (False, True)
    assert report.assessment_methods.required == ["project"]
    assert report.assessment_methods.additional == ["Portfolio", "Presentation"]
    assert [(d.category, d.pass_text) for d in report.performance_descriptors] == [("Applied Knowledge", "Knows.")]


def test_html_error_lines_point_at_the_source_line() -> None:
    broken = FULL_HTML.replace("<td>K4 S3</td>", "<td>K4 S1O</td>")
    report = read_plan(broken)

    line = next(number for number, text in enumerate(broken.splitlines(), 1) if "S1O" in text)
    assert [(error.line, "'S1O'" in error.message) for error in report.errors] == [(line, True)]


PLAIN = """Assessment plan for the widget maker apprenticeship
ST9001/V3.1

The following options are available:
- Option 1: Widget assembler
- Option 2: Widget tester

Core assessment outcomes
AO1: Safe working Works safely and follows the site rules at all times. K1, K2, S1
AO2: Planning Plans the work of the day with the team. K3 S2
Option 1: Widget assembler
AO3: Assembly Assembles widgets to the drawings and the quality plan. K4, S3
Option 2: Widget tester
AO4: Testing Tests widgets against the specification and records results. K5, S4
"""


def test_plain_text_without_cells_or_markup() -> None:
    report = read_plan(PLAIN, api_document=api_doc(version="3.1"))

    assert report.ok, report.errors
    assert (report.reference, report.version) == ("ST9001", "3.1")
    assert [(ao.code, ao.option, ao.statements) for ao in report.aos] == [
        ("AO1", None, ["K1", "K2", "S1"]),
        ("AO2", None, ["K3", "S2"]),
        ("AO3", "Widget assembler", ["K4", "S3"]),
        ("AO4", "Widget tester", ["K5", "S4"]),
    ]
    assert report.aos[0].title == "Safe working"
    assert report.aos[0].description == "Works safely and follows the site rules at all times."


def test_html_with_a_heading_and_a_table_per_part_and_a_column_per_field() -> None:
    source = """<h1>Assessment plan for the gadget fitter apprenticeship</h1><p>ST7777 version 1.2</p>
<p>Assessment organisations must assess the core and one of the following options:</p>
<ol><li>Bench fitter (BF)</li><li>Field fitter (FF)</li></ol>
<h3>Core assessment outcomes</h3>
<table><tr><th>AO</th><th>Title</th><th>Description</th><th>Mapping</th></tr>
<tr><td>AO1</td><td>Safety</td><td>Works safely.</td><td>K1, S1</td></tr></table>
<h3>Bench fitter</h3>
<table><tr><th>AO</th><th>Title</th><th>Description</th><th>Mapping</th></tr>
<tr><td>AO2</td><td>Bench work</td><td>Fits on the bench.</td><td>K2, S2</td></tr></table>
<h3>Field fitter (FF)</h3>
<table><tr><td>AO3</td><td>Field work</td><td>Fits in the field.</td><td>K3, S3</td></tr></table>
"""
    report = read_plan(source)

    assert report.ok, report.errors
    assert (report.reference, report.version, report.title) == ("ST7777", "1.2", "Gadget fitter")
    assert [(option.number, option.title, option.code) for option in report.options] == [
        (1, "Bench fitter", "BF"),
        (2, "Field fitter", "FF"),
    ]
    assert [(ao.code, ao.title, ao.description, ao.option, ao.statements) for ao in report.aos] == [
        ("AO1", "Safety", "Works safely.", None, ["K1", "S1"]),
        ("AO2", "Bench work", "Fits on the bench.", "Bench fitter", ["K2", "S2"]),
        ("AO3", "Field work", "Fits in the field.", "Field fitter", ["K3", "S3"]),
    ]


def test_without_an_option_list_the_table_headings_name_the_options() -> None:
    body = (
        "Core Assessment Outcome\tMapping\nAO1: A\tK1\n"
        "Option 1: Red route (RR)\tMapping\nAO2: B\tK2\n"
        "Option 2: Blue route\tMapping\nBR AO3: C\tK3\n"
    )
    api = api_doc(knowledge=3, skills=0, behaviours=0, options=("Red Route", "Blue route (BR)"))
    report = read_plan(plan(body), api_document=api)

    assert report.ok, report.errors
    assert [(option.number, option.title, option.code) for option in report.options] == [
        (1, "Red route", "RR"),
        (2, "Blue route", "BR"),
    ]
    assert [ao.option for ao in report.aos] == [None, "Red route", "Blue route"]


FOUNDATION = """Foundation apprenticeship assessment plan

Assessment Outcomes

Assessment Outcome\tMapping
AO1: Working safely\tK1, K2, S1
AO2: Working with others\tK3, S2, S3
"""


def test_foundation_plan_without_options_takes_identity_from_the_caller() -> None:
    report = read_plan(FOUNDATION, reference="fa0001", version="1")

    assert report.ok, report.errors
    assert (report.reference, report.version) == ("FA0001", "1.0")
    assert report.options == []
    assert [(ao.code, ao.option) for ao in report.aos] == [("AO1", None), ("AO2", None)]


def test_foundation_plan_without_options_takes_identity_from_the_api_document() -> None:
    api = api_doc(reference="FA0002", version="1.0", knowledge=3, skills=3, behaviours=1, title="Engineering")
    report = read_plan(FOUNDATION, api_document=api)

    assert report.ok, report.errors
    assert (report.reference, report.version, report.title, report.level) == (
        "FA0002",
        "1.0",
        "Engineering",
        3,
    )
    assert [s.code for s in report.statements] == ["K1", "K2", "S1", "K3", "S2", "S3", "B1"]


# --- reference, version, title, level -------------------------------------------------------------------


def test_reference_and_version_come_from_the_document_normalised() -> None:
    report = read_plan(only_core("AO1: A\tK1"))

    assert (report.reference, report.version, report.title, report.level) == (
        "ST9001",
        "1.0",
        "Widget maker",
        3,
    )


def test_callers_reference_and_version_win() -> None:
    report = read_plan(only_core("AO1: A\tK1"), reference="ST9002", version="v4.2")

    assert (report.reference, report.version) == ("ST9002", "4.2")
    assert "ST9001" in messages(report.warnings)


def test_api_document_of_another_standard_is_an_error() -> None:
    report = read_plan(only_core("AO1: A\tK1"), api_document=api_doc(reference="ST1234"))

    assert not report.ok
    assert "ST1234" in messages(report.errors)
    assert "ST9001" in messages(report.errors)


def test_statement_texts_and_behaviours_come_from_the_api_document() -> None:
    report = read_plan(only_core("AO1: A\tK2, S1"), api_document=api_doc(knowledge=2, skills=1))

    assert report.to_dict()["statements"] == [
        {"code": "K2", "kind": "K", "mandatory": False, "functional_skills": False, "text": "Knowledge 2."},
        {"code": "S1", "kind": "S", "mandatory": False, "functional_skills": False, "text": "Skill 1."},
        {"code": "B1", "kind": "B", "mandatory": False, "functional_skills": False, "text": "Behaviour 1."},
        {"code": "B2", "kind": "B", "mandatory": False, "functional_skills": False, "text": "Behaviour 2."},
    ]
    assert "K1 is in the API document but in no AO" in messages(report.warnings)


def test_without_api_document_texts_are_empty() -> None:
    report = read_plan(only_core("AO1: A\tK1, S1"))

    assert [(s.code, s.text) for s in report.statements] == [("K1", ""), ("S1", "")]


# --- errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["", "   \n\n\t ", b"", "<html><body><p></p></body></html>"])
def test_empty_document_is_an_error(source: str | bytes) -> None:
    report = read_plan(source)

    assert not report.ok
    assert report.errors[0].line == 0
    assert "empty" in report.errors[0].message


@pytest.mark.parametrize(
    ("source", "what"),
    [
        (b"AO1: Title\tK1\n\x00\x01\x02\x03binary", "NUL byte"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (bytes(range(1, 32)) * 8 + b"\xff\xfe\x81\x8d" * 20, "cannot be decoded"),
    ],
)
def test_binary_content_is_an_error(source: bytes, what: str) -> None:
    report = read_plan(source)

    assert not report.ok
    assert what in report.errors[0].message
    assert "plain text (UTF-8) or HTML" in report.errors[0].message


def test_nul_byte_error_gives_its_line() -> None:
    report = read_plan(b"first line\nsecond\x00line\n")

    assert report.errors[0].line == 2


def test_utf8_with_bom_and_legacy_windows_1252_are_read() -> None:
    text = only_core("AO1: Tools \u2013 and \u201cquotes\u201d\tK1")

    assert read_plan(text.encode("utf-8-sig")).ok
    assert read_plan(text.encode("utf-16")).ok
    legacy = read_plan(text.encode("cp1252"))
    assert legacy.ok
    assert legacy.aos[0].title == "Tools \u2013 and \u201cquotes\u201d"
    assert "Windows-1252" in messages(legacy.warnings)


def test_no_ao_table_is_an_error() -> None:
    report = read_plan("DRAFT ASSESSMENT PLAN FOR THE WIDGET APPRENTICESHIP\nST9001/V1\n\nSome prose only.\n")

    assert not report.ok
    assert "No assessment outcome table found" in messages(report.errors)


def test_ao_with_no_codes_is_an_error_naming_the_ao_and_line() -> None:
    source = only_core("AO1: Has codes\tK1\nAO2: Has none\t\nAO3: Also codes\tK2")
    report = read_plan(source)

    line = next(number for number, text in enumerate(source.splitlines(), 1) if text.startswith("AO2"))
    assert [(e.line, e.excerpt) for e in report.errors] == [(line, "AO2: Has none")]
    assert "AO2 maps no statement codes" in report.errors[0].message


@pytest.mark.parametrize("garbled", ["K1O", "k1", "S1l", "K12a", "K0"])
def test_garbled_code_is_an_error_naming_code_ao_and_line(garbled: str) -> None:
    source = only_core(f"AO1: Ok\tK1\nAO2: Typo\tK2, {garbled}, S1")
    report = read_plan(source)

    line = next(number for number, text in enumerate(source.splitlines(), 1) if text.startswith("AO2"))
    assert not report.ok
    error = report.errors[0]
    assert (error.line, error.excerpt) == (line, f"K2, {garbled}, S1")
    assert f"'{garbled}'" in error.message
    assert "AO2" in error.message


def test_duplicate_ao_codes_in_the_core_are_an_error() -> None:
    report = read_plan(only_core("AO1: First\tK1\nAO1: Second\tK2"))

    assert not report.ok
    assert "AO1 is a duplicate" in messages(report.errors)


def test_option_ao_reusing_a_core_ao_code_is_an_error() -> None:
    options = "- Option 1: Assembler\n- Option 2: Tester\n"
    body = "Core Assessment Outcome\tMapping\nAO1: Core\tK1\nOption 1: Assembler\tMapping\nAO1: Again\tK2\n"
    report = read_plan(plan(body + "Option 2: Tester\tMapping\nAO3: Test\tK3\n", options=options))

    assert "AO1 is a duplicate: the core already has AO1" in messages(report.errors)


def test_same_ao_code_in_two_different_options_is_allowed() -> None:
    # The two AOs never meet in one route; prefixes tell them apart.
    options = "- Option 1: Assembler (WA)\n- Option 2: Tester (WT)\n"
    body = "Core Assessment Outcome\tMapping\nAO1: Core\tK1\nWA AO2: Assembly\tK2\nWT AO2: Testing\tK3\n"
    report = read_plan(plan(body, options=options))

    assert report.ok, report.errors
    assert [(ao.code, ao.option) for ao in report.aos] == [
        ("AO1", None),
        ("AO2", "Assembler"),
        ("AO2", "Tester"),
    ]


def test_code_beyond_the_api_document_is_an_error_naming_code_ao_and_line() -> None:
    source = only_core("AO1: Ok\tK1, S1\nAO2: Too far\tK2, K13")
    report = read_plan(source, api_document=api_doc(knowledge=12))

    line = next(number for number, text in enumerate(source.splitlines(), 1) if text.startswith("AO2"))
    assert not report.ok
    assert [error.line for error in report.errors] == [line]
    assert "K13 in AO2" in report.errors[0].message
    assert "12 knowledge statements" in report.errors[0].message


def test_table_option_matching_no_listed_option_is_an_error() -> None:
    options = "- Option 1: Widget assembler\n- Option 2: Widget tester\n"
    body = (
        "Core Assessment Outcome\tMapping\nAO1: Core\tK1\n"
        "Option 1: Widget assembler\tMapping\nAO2: A\tK2\n"
        "Option 2: Widget tester\tMapping\nAO3: T\tK3\n"
        "Option 3: Gadget painter\tMapping\nAO4: P\tK4\n"
    )
    report = read_plan(plan(body, options=options))

    assert not report.ok
    assert "'Gadget painter' matches none of the options listed" in messages(report.errors)


def test_listed_option_without_aos_is_an_error() -> None:
    options = "- Option 1: Widget assembler\n- Option 2: Widget tester\n"
    body = "Core Assessment Outcome\tMapping\nAO1: Core\tK1\nOption 1: Widget assembler\tMapping\nAO2: A\tK2\n"
    report = read_plan(plan(body, options=options))

    assert "Option 'Widget tester' is listed but has no assessment outcomes" in messages(report.errors)


def test_ao_prefix_contradicting_its_option_heading_is_an_error() -> None:
    options = "- Option 1: Live event technician (LET)\n- Option 2: Creative venue technician (CVT)\n"
    body = (
        "Core Assessment Outcome\tMapping\nAO1: Core\tK1\n"
        "Option 1: Live event technician\tMapping\nLET AO2: Live\tK2\nCVT AO3: Venue\tK3\n"
        "Option 2: Creative venue technician\tMapping\nCVT AO4: Venue\tK4\n"
    )
    report = read_plan(plan(body, options=options))

    assert not report.ok
    assert "CVT AO3 sits under the heading of option 'Live event technician' (LET" in messages(report.errors)


def test_two_options_with_one_name_are_an_error() -> None:
    options = "- Option 1: Widget assembler\n- Option 2: Widget Assembler\n"
    body = "Core Assessment Outcome\tMapping\nAO1: Core\tK1\nWA AO2: A\tK2\nWB AO3: B\tK3\n"
    report = read_plan(plan(body, options=options))

    assert "Two options are both called 'Widget Assembler'" in messages(report.errors)


def test_no_reference_from_any_source_is_an_error() -> None:
    report = read_plan(FOUNDATION, version="1.0")

    assert not report.ok
    assert report.reference is None
    assert "No reference found" in messages(report.errors)
    assert "reference=" in messages(report.errors)


def test_codes_before_any_ao_are_an_error() -> None:
    report = read_plan(only_core("K1, K2\nAO1: Title\tK3"))

    assert "before any assessment outcome" in messages(report.errors)


# --- warnings ---------------------------------------------------------------------------------------------


def test_statement_in_two_aos_of_one_route_is_a_warning() -> None:
    options = "- Option 1: Widget assembler\n- Option 2: Widget tester\n"
    body = (
        "Core Assessment Outcome\tMapping\nAO1: Core\tK1, S1\n"
        "Option 1: Widget assembler\tMapping\nAO2: A\tK2, S1\n"
        "Option 2: Widget tester\tMapping\nAO3: T\tK2, K3\n"  # K2 again, but in another option: fine
    )
    source = plan(body, options=options)
    report = read_plan(source)

    lines = source.splitlines()
    core_line, option_line = lines.index("AO1: Core\tK1, S1") + 1, lines.index("AO2: A\tK2, S1") + 1
    assert report.ok, report.errors
    assert [(w.line, w.message) for w in report.warnings if "S1" in w.message] == [
        (
            option_line,
            f"S1 is in both AO1 (line {core_line}) and AO2 (line {option_line}) of the route; within a route "
            "each statement belongs to one AO. Remove it from one of them.",
        )
    ]
    assert not [w for w in report.warnings if "K2 is in both" in w.message]


def test_bold_on_some_statements_only_is_a_warning() -> None:
    body = "Core Assessment Outcome\tMapping\nAO1: Bold\t**K1, K2**\nAO2: Plain\tK3, S1\n"
    source = plan(body)
    report = read_plan(source)

    warning = next(w for w in report.warnings if "bold" in w.message)
    assert warning.line == source.splitlines().index("AO2: Plain\tK3, S1") + 1
    assert "Only 2 of 4" in warning.message
    assert "K3" in warning.message
    assert [s.code for s in report.statements if s.mandatory] == ["K1", "K2"]


def test_no_bold_at_all_means_nothing_mandatory_and_no_warning() -> None:
    report = read_plan(only_core("AO1: Plain\tK1, S1"))

    assert not any(s.mandatory for s in report.statements)
    assert report.warnings == []


# --- assessment requirements and descriptors ------------------------------------------------------------


def test_assessment_methods_and_descriptors() -> None:
    report = read_plan(only_core("AO1: A\tK1"))

    assert report.assessment_methods.required == ["observation"]
    assert report.assessment_methods.additional == ["Professional discussion", "Portfolio"]
    descriptor = report.performance_descriptors[0]
    assert (descriptor.category, descriptor.pass_text, descriptor.distinction_text) == (
        "Applied Knowledge",
        "Knows the basics.",
        "Knows the basics and more.",
    )


def test_descriptor_row_split_over_two_lines_is_joined() -> None:
    # ST1297 "Communication and Collaboration": the second half of the row starts with an empty cell.
    source = only_core("AO1: A\tK1") + "Communication\tParticipates and\tCommunicates and\n\n\tsupports.\tadapts.\n"
    report = read_plan(source)

    assert [(d.category, d.pass_text, d.distinction_text) for d in report.performance_descriptors][-1] == (
        "Communication",
        "Participates and supports.",
        "Communicates and adapts.",
    )


# --- the preview shape ------------------------------------------------------------------------------------


def test_to_dict_has_exactly_the_preview_keys() -> None:
    options = "- Option 1: Widget assembler (WA)\n"
    body = (
        "Core Assessment Outcome\tMapping\nAO1: Core\tK1\n"
        "Option 1: Widget assembler\tMapping\nAO2: A\tK2, K2x\n"  # K2x: an error, so "errors" is filled
    )
    preview = read_plan(plan(body, options=options), api_document=api_doc()).to_dict()

    assert json.loads(json.dumps(preview)) == preview
    assert set(preview) == {
        "reference",
        "version",
        "title",
        "level",
        "options",
        "aos",
        "statements",
        "errors",
        "warnings",
    }
    assert preview["options"] == [{"title": "Widget assembler", "code": "WA"}]
    assert [set(ao) for ao in preview["aos"]] == [{"code", "title", "option", "statements"}] * 2
    assert preview["aos"][1]["option"] == "Widget assembler"
    assert preview["aos"][0]["option"] is None
    assert {frozenset(s) for s in preview["statements"]} == {
        frozenset({"code", "kind", "mandatory", "functional_skills", "text"})
    }
    assert {frozenset(issue) for issue in preview["errors"] + preview["warnings"]} == {
        frozenset({"line", "message", "excerpt"})
    }
    assert preview["errors"]


# --- the real plans: spot checks and the route invariant -------------------------------------------------


def read_real(reference: str) -> PlanReport:
    text = (DATA / REAL_PLANS[reference]).read_text(encoding="utf-8")
    api = json.loads((DATA / "api" / f"{reference}.json").read_text(encoding="utf-8"))
    return read_plan(text, api_document=api)


@pytest.mark.parametrize("reference", sorted(REAL_PLANS))
def test_real_plan_reads_without_errors_and_each_route_holds_each_statement_once(reference: str) -> None:
    report = read_real(reference)

    assert report.ok, report.errors
    assert (report.reference, report.version) == (reference, "2.0")
    core = [code for ao in report.aos if ao.option is None for code in ao.statements]
    mapped: set[str] = set(core)
    for option in report.options:
        route = core + [code for ao in report.aos if ao.option == option.title for code in ao.statements]
        assert len(route) == len(set(route)), option.title
        mapped |= set(route)
    api = json.loads((DATA / "api" / f"{reference}.json").read_text(encoding="utf-8"))
    every_k_and_s = {f"K{n}" for n in range(1, len(api["knowledges"]) + 1)} | {
        f"S{n}" for n in range(1, len(api["skills"]) + 1)
    }
    assert mapped == every_k_and_s


def test_real_st1483_spot_checks() -> None:
    report = read_real("ST1483")

    assert (report.title, report.level) == ("Production manager", 6)
    assert report.aos[0].statements == ["K1", "K7", "K8", "K10", "S1", "S2", "S8", "S10"]
    assert [ao.code for ao in report.aos if ao.option is None] == ["AO1", "AO2", "AO3"]
    assert [len([ao for ao in report.aos if ao.option == option.title]) for option in report.options] == [
        3,
        3,
        3,
    ]
    assert report.options[2].title == "Live performance production manager"
    assert len(report.options[2].other_names) == 2
    assert not any(s.mandatory for s in report.statements)
    assert report.assessment_methods.required == ["project"]


def test_real_st1297_spot_checks() -> None:
    report = read_real("ST1297")

    by_option = {option.code: [ao.code for ao in report.aos if ao.option == option.title] for option in report.options}
    assert by_option == {"LET": ["AO7", "AO8"], "CVT": ["AO5", "AO6"], "SLT": ["AO9", "AO10"]}
    assert all(s.mandatory for s in report.statements if s.kind in "KS")
    assert sorted(s.code for s in report.statements if s.functional_skills) == ["K11", "K16", "K17", "K19"]


def test_real_st0792_spot_checks() -> None:
    report = read_real("ST0792")

    assert [ao.code for ao in report.aos][-2:] == ["AO6A", "AO6B"]
    assert report.aos[-1].description.endswith("meet technical standards and client requirements.")
