"""read_plan: an assessment plan (and optionally its API document) -> a PlanReport.

Nothing here writes anything: the importer writes only a report without errors, so a malformed plan is
never half imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .ao_table import AOTable, find_table, read_ao_table
from .api_document import KIND_NAMES, ApiDocument, read_api_document
from .decoding import decode_plan
from .headers import HeaderFacts, normalise_reference, normalise_version, read_headers
from .issues import IssueLog
from .options import read_option_list
from .report import PlanAO, PlanOption, PlanReport, PlanStatement, StatementKind
from .requirements import read_descriptors, read_methods
from .routes import ResolvedOption, bold_warning, resolve_options, route_warnings
from .text import fragments_of

KINDS: dict[str, StatementKind] = {"K": "K", "S": "S", "B": "B"}


def read_plan(
    source: str | bytes,
    *,
    api_document: Mapping[str, Any] | None = None,
    reference: str | None = None,
    version: str | None = None,
) -> PlanReport:
    log = IssueLog()
    decoded = decode_plan(source)
    if decoded.text is None:
        log.error(decoded.line, decoded.problem, decoded.excerpt)
        return PlanReport(errors=log.errors)
    if decoded.note:
        log.warning(decoded.line, decoded.note, decoded.excerpt)
    fragments = fragments_of(decoded.text)
    if not fragments:
        log.error(0, "The plan is empty: it has no text. Import the assessment plan's text or HTML.")
        return PlanReport(errors=log.errors, warnings=log.warnings)

    api: ApiDocument | None = None
    if api_document is not None:
        if isinstance(api_document, Mapping):
            api = read_api_document(api_document)
        else:
            log.error(
                0,
                "The API document is not a JSON object. Pass the parsed JSON of "
                "/api/apprenticeshipstandards/<reference> (a dict), or nothing.",
            )

    bounds = find_table(fragments)
    head_end = bounds[0] if bounds else len(fragments)
    listed = read_option_list(fragments[:head_end])
    table = read_ao_table(fragments, listed, log)
    headers = read_headers(fragments, head_end)
    identity = _identity(headers, api, reference, version, log)

    if table is None or not table.aos:
        log.error(
            0,
            "No assessment outcome table found: no row starts with an AO code such as 'AO1:'. "
            "Check that this is an assessment plan and that its AO table kept its AO codes.",
            fragments[0].text,
        )
        return PlanReport(
            **identity, errors=log.errors, warnings=log.warnings, assessment_methods=read_methods(fragments)
        )

    resolved, table_to_option = resolve_options(listed, table, api.options if api else [], log)
    route_warnings(table.aos, len(table.options), log)
    bold_warning(table.aos, log)
    aos = _plan_aos(table, resolved, table_to_option)
    statements = _statements(table, api, log)
    return PlanReport(
        **identity,
        options=[
            PlanOption(option.title, option.code, list(option.other_names), option.number, option.line)
            for option in resolved
        ],
        aos=aos,
        statements=statements,
        assessment_methods=read_methods(fragments),
        performance_descriptors=read_descriptors(fragments, log),
        errors=log.errors,
        warnings=log.warnings,
    )


def _identity(
    headers: HeaderFacts, api: ApiDocument | None, reference: str | None, version: str | None, log: IssueLog
) -> dict[str, Any]:
    """Reference and version: the caller's arguments win, then the plan, then the API document."""
    given_reference = normalise_reference(reference)
    if reference is not None and given_reference is None:
        log.error(0, f"reference={reference!r} is not a standard reference such as 'ST1483'. Pass a valid one.")
    given_version = normalise_version(version)
    if version is not None and given_version is None:
        log.error(0, f"version={version!r} is not a version such as '2.0' or 'V2'. Pass a valid one.")
    if headers.conflict:
        log.error(headers.conflict_line, headers.conflict)
    api_reference = api.reference if api else None
    plan_reference = given_reference or headers.reference
    if given_reference and headers.reference and given_reference != headers.reference:
        log.warning(
            headers.reference_line,
            f"The plan says {headers.reference}; read as {given_reference} "
            f"because the caller passed reference={given_reference!r}.",
        )
    if api_reference and plan_reference and api_reference != plan_reference:
        log.error(
            0,
            f"The API document is for {api_reference} but the plan is {plan_reference}: its statement texts "
            f"would be another standard's. Pass the API document of {plan_reference}.",
        )
    final_reference = plan_reference or api_reference
    if final_reference is None:
        log.error(
            0,
            "No reference found: the plan has no line like 'ST1483/V2' or reference table, and neither "
            "an API document nor reference= gives one. Pass reference= (e.g. 'ST1483').",
        )
    api_version = api.version if api else None
    if headers.version and api_version and headers.version != api_version:
        log.warning(
            headers.reference_line,
            f"The plan is version {headers.version} but the API document is version {api_version}: statement "
            "texts may differ from the plan's. Check them, or use the API document of version "
            f"{headers.version}.",
        )
    final_version = given_version or headers.version or api_version
    if final_version is None and version is None:
        log.error(
            0,
            "No version found: the plan has no line like 'ST1483/V2' and neither an API document "
            "nor version= gives one; standards are imported per version. Pass version= (e.g. '1.0').",
        )
    title = headers.title or (api.title if api else None)
    if title and api and api.title and title.casefold() == api.title.casefold():
        # The plan's cover is in capitals; the API document keeps the real case ("HGV driver").
        title = api.title
    level = headers.level if headers.level is not None else (api.level if api else None)
    if headers.level is not None and api and api.level is not None and api.level != headers.level:
        log.warning(
            headers.level_line,
            f"The plan says level {headers.level} but the API document says level "
            f"{api.level}; read as level {headers.level}.",
        )
    return {"reference": final_reference, "version": final_version, "title": title, "level": level}


def _plan_aos(table: AOTable, resolved: list[ResolvedOption], table_to_option: dict[int, int]) -> list[PlanAO]:
    aos: list[PlanAO] = []
    for ao in table.aos:
        option_title: str | None = None
        if ao.option is not None:
            index = table_to_option.get(ao.option)
            option_title = resolved[index].title if index is not None else table.options[ao.option].named.name
        codes = list(dict.fromkeys(mark.code for mark, _ in ao.marks))
        aos.append(PlanAO(ao.code, ao.title, ao.description, option_title, codes, ao.line))
    return aos


def _statements(table: AOTable, api: ApiDocument | None, log: IssueLog) -> list[PlanStatement]:
    """K and S codes in the order the plan first maps them, then the behaviours of the API document."""
    mandatory: dict[str, bool] = {}
    functional: dict[str, bool] = {}
    reported: set[tuple[str, str]] = set()
    for ao in table.aos:
        for mark, line in ao.marks:
            mandatory[mark.code] = mandatory.get(mark.code, False) or mark.bold
            functional[mark.code] = functional.get(mark.code, False) or mark.functional_skills
            if api is None or api.statement_text(mark.code) is not None or (mark.code, ao.code) in reported:
                continue
            reported.add((mark.code, ao.code))
            kind, count = mark.code[0], len(api.statements.get(mark.code[0], []))
            log.error(
                line,
                f"{mark.code} in {ao.label} (line {ao.line}) is not in the API document of "
                f"{api.reference}, which has {count} {KIND_NAMES[kind]} statements ({kind}1-{kind}{count}). "
                "Correct the code in the plan, or use the API document of the plan's version.",
                ao.excerpt,
            )

    def statement(code: str) -> PlanStatement:
        text = (api.statement_text(code) if api else None) or ""
        return PlanStatement(code, KINDS[code[0]], mandatory.get(code, False), functional.get(code, False), text)

    mapped = list(mandatory)  # dicts keep insertion order: the order of first appearance
    statements = [statement(code) for code in mapped if code[0] in "KS"]
    behaviours = [code for code in mapped if code[0] == "B"]
    if api is not None:
        api_behaviours = [f"B{number}" for number in range(1, len(api.statements.get("B", [])) + 1)]
        behaviours = api_behaviours + [code for code in behaviours if code not in api_behaviours]
        unmapped = [
            f"{kind}{number}"
            for kind in "KS"
            for number in range(1, len(api.statements.get(kind, [])) + 1)
            if f"{kind}{number}" not in mandatory
        ]
        if unmapped:
            verb, pronoun = ("is", "it") if len(unmapped) == 1 else ("are", "them")
            log.warning(
                0,
                f"{', '.join(unmapped)} {verb} in the API document but in no AO of the plan, so no route "
                f"will assess {pronoun}. Check the AO table if that is not intended.",
            )
    statements.extend(statement(code) for code in behaviours)
    return statements
