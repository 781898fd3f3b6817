"""Options and routes: one option per route, named as the plan lists it, and the checks a route needs.

A route is the core AOs plus the AOs of one option; each statement of a route belongs to exactly one of
its AOs. The same statement may sit in AOs of two options (ST1483 K11, S11, S12; ST1297 S29).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .ao_table import AOTable, TableAO
from .issues import IssueLog
from .options import NamedOption, match_options, name_key


@dataclass
class ResolvedOption:
    title: str
    code: str | None
    number: int | None
    line: int
    other_names: list[str] = field(default_factory=list)

    def add_name(self, name: str) -> None:
        if (
            name
            and name_key(name) != name_key(self.title)
            and all(name_key(name) != name_key(known) for known in self.other_names)
        ):
            self.other_names.append(name)


def _listed_where(listed: Sequence[NamedOption]) -> str:
    names = "; ".join(f"'{option.name}'" for option in listed)
    return f"the options listed on lines {listed[0].line}-{listed[-1].line} ({names})"


def resolve_options(
    listed: Sequence[NamedOption], table: AOTable, api_options: Sequence[NamedOption], log: IssueLog
) -> tuple[list[ResolvedOption], dict[int, int]]:
    """The plan's options, and for each AO-table option (by index) the index of its resolved option."""
    table_named = [table_option.named for table_option in table.options]
    if listed:
        options = [ResolvedOption(option.name, option.code, option.number, option.line) for option in listed]
        table_to_option = match_options(listed, table_named)
        for index, named in enumerate(table_named):
            label = f"'{named.name}'" if named.name else f"with the prefix {named.code}"
            if index not in table_to_option:
                log.error(
                    named.line,
                    f"The AO table's option {label} matches none of {_listed_where(listed)}. Name it as the "
                    f"list does (or give it the list's short code), or add it to the list.",
                    named.excerpt,
                )
                continue
            listed_option = listed[table_to_option[index]]
            option = options[table_to_option[index]]
            option.code = option.code or named.code
            if named.name and name_key(named.name) != name_key(listed_option.name):
                option.add_name(named.name)
                log.warning(
                    named.line,
                    f"The AO table names option {listed_option.number} ('{listed_option.name}', line "
                    f"{listed_option.line}) '{named.name}'. Read as the same option, titled as the list "
                    f"names it; correct one of the names if they are not the same option.",
                    named.excerpt,
                )
            if named.number is not None and listed_option.number is not None and named.number != listed_option.number:
                log.warning(
                    named.line,
                    f"The AO table numbers option '{listed_option.name}' {named.number} but the list "
                    f"numbers it {listed_option.number}. Options are matched by name and short code, so "
                    "this is harmless; align the numbers to avoid confusing readers.",
                    named.excerpt,
                )
        for index, listed_option in enumerate(listed):
            if index not in table_to_option.values():
                log.error(
                    listed_option.line,
                    f"Option '{listed_option.name}' is listed but has no assessment outcomes in the AO "
                    "table. Add its AOs under a heading naming it, or remove it from the list.",
                    listed_option.excerpt,
                )
    else:
        options = [ResolvedOption(named.name, named.code, named.number, named.line) for named in table_named]
        table_to_option = {index: index for index in range(len(table_named))}
    _merge_api_options(options, api_options, log)
    _check_distinct(options, log)
    return options, table_to_option


def _check_distinct(options: Sequence[ResolvedOption], log: IssueLog) -> None:
    """An option is known by its title and its short code, so two options may share neither."""
    titles: dict[str, ResolvedOption] = {}
    codes: dict[str, ResolvedOption] = {}
    for option in options:
        earlier = titles.setdefault(name_key(option.title), option)
        if earlier is not option:
            log.error(
                option.line,
                f"Two options are both called '{option.title}' (lines {earlier.line} and {option.line}). "
                "Give each option its own name.",
            )
        if option.code and (earlier := codes.setdefault(option.code, option)) is not option:
            log.error(
                option.line,
                f"Options '{earlier.title}' and '{option.title}' share the short code {option.code}. "
                "Give each option its own code.",
            )


def _merge_api_options(options: list[ResolvedOption], api_options: Sequence[NamedOption], log: IssueLog) -> None:
    if not api_options:
        return
    if not options:
        log.warning(
            0,
            f"The API document lists {len(api_options)} options but the plan has none; every AO was read as "
            "core. Check that the plan and the API document are of the same standard.",
        )
        return
    plan_named = [NamedOption(option.title, option.code, option.number, option.line) for option in options]
    api_to_plan = match_options(plan_named, api_options)
    for index, api_option in enumerate(api_options):
        if index not in api_to_plan:
            log.warning(
                0,
                f"The API document's option '{api_option.name}' matches no option of the plan. Check "
                "the option names; AOs are imported as the plan gives them.",
                api_option.excerpt,
            )
            continue
        option = options[api_to_plan[index]]
        option.code = option.code or api_option.code
        if not option.title:
            option.title = api_option.name
        elif name_key(api_option.name) != name_key(option.title):
            option.add_name(api_option.name)
            log.warning(
                option.line,
                f"The API document calls option '{option.title}' '{api_option.name}'. Read as the same option.",
                api_option.excerpt,
            )
    for option in options:
        if not option.title:
            option.title = option.code or "Unnamed option"


def route_warnings(aos: Sequence[TableAO], option_count: int, log: IssueLog) -> None:
    """A statement twice in one route would be evidenced twice and counted in two AOs: warn, once per pair."""
    core = [ao for ao in aos if ao.option is None]
    _duplicates_within(core, [], "the core", log)
    for option in range(option_count):
        members = [ao for ao in aos if ao.option == option]
        _duplicates_within(members, core, "the route", log)


def _duplicates_within(members: Sequence[TableAO], core: Sequence[TableAO], where: str, log: IssueLog) -> None:
    first_ao: dict[str, TableAO] = {}
    for ao in core:
        for mark, _ in ao.marks:
            first_ao.setdefault(mark.code, ao)
    for ao in members:
        seen_here: set[str] = set()
        for mark, line in ao.marks:
            if mark.code in seen_here:
                log.warning(line, f"{mark.code} is listed twice in {ao.code}; counted once.", ao.excerpt)
                continue
            seen_here.add(mark.code)
            earlier = first_ao.setdefault(mark.code, ao)
            if earlier is not ao:
                log.warning(
                    line,
                    f"{mark.code} is in both {earlier.code} (line {earlier.line}) and {ao.code} "
                    f"(line {ao.line}) of {where}; within a route each statement belongs to one AO. "
                    "Remove it from one of them.",
                    ao.excerpt,
                )


def bold_warning(aos: Sequence[TableAO], log: IssueLog) -> None:
    """Bold marks mandatory statements. Bold on some codes only usually means the marks were lost in part
    of the document (a copy-paste, a re-formatted table), so say where the plain ones start."""
    marks = [(mark, line) for ao in aos for mark, line in ao.marks]
    plain = [(mark, line) for mark, line in marks if not mark.bold]
    if not plain or len(plain) == len(marks):
        return
    first_mark, first_line = plain[0]
    log.warning(
        first_line,
        f"Only {len(marks) - len(plain)} of {len(marks)} statement codes in the AO table are bold "
        f"(mandatory); {len(plain)} are not, the first being {first_mark.code} on line {first_line}. "
        "Unmarked codes are read as not mandatory: check whether bold was lost in part of the plan.",
        ", ".join(mark.code for mark, _ in plain[:12]),
    )
