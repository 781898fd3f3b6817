"""What the three Apprenticeship Assessment Plans in data/standards/ say, read by eye, line by line.

This module is pure data. It was written by reading each ``*.aap.txt`` document (and, for the option names
and statement counts, the matching ``api/STxxxx.json``) and never by running the plan reader, so that
``test_plan_mappings.py`` is an independent check on ``portfolio.standards.plan.read_plan``.

Conventions
- AO codes are given without an option prefix ("CVT AO5" -> "AO5"); suffixes are kept ("AO6A").
- ``ExpectedAO.option`` is the option's title *as written in the option list* of the "Assessment Outcomes"
  section (not the heading the option has in the AO table, nor the API title); ``None`` means core.
- ``ExpectedAO.statements`` lists the K and S codes of the AO's mapping cell in document order, with codes
  run together split apart ("K10S1" -> "K10", "S1") and empty list items dropped ("K7, , K12").
- ``ExpectedAO.title`` is the AO title as a human reads it. Where the document runs the title straight into
  the description with no separator at all (no ``</p>``, no line break), ``title_runs_on`` is True: the
  document itself gives no boundary there, so a reader may only be held to the title being the start of
  what it reports.
- Behaviours are not in the AAPs (employers confirm them once), so only K and S statements appear here.
"""

from __future__ import annotations

from dataclasses import dataclass

#: ``ExpectedPlan.mandatory`` value meaning "every K and S statement of the plan is mandatory".
ALL = "all"


@dataclass(frozen=True)
class ExpectedOption:
    number: int  # "Option N" in the option list of the "Assessment Outcomes" section
    title: str  # title as written in that list (without the "(CODE)" suffix)
    code: str | None  # short code the list gives in brackets, e.g. "LET"; None if it gives none
    table_number: int  # "Option N" in the heading of the AO table
    table_heading: str  # title in the heading of the AO table
    api_title: str  # title in the API document's "options"


@dataclass(frozen=True)
class ExpectedAO:
    code: str
    title: str
    option: str | None  # option LIST title, None for core
    statements: tuple[str, ...]
    title_runs_on: bool = False


@dataclass(frozen=True)
class ExpectedPlan:
    reference: str
    version: str
    level: int
    title: str  # the standard's title; the AAP heading gives it in capitals, the API in sentence case
    source: str  # file name under data/standards/
    api_source: str  # file name under data/standards/api/
    knowledge_count: int  # K1..Kn
    skill_count: int  # S1..Sn
    options: tuple[ExpectedOption, ...]
    aos: tuple[ExpectedAO, ...]
    mandatory: frozenset[str] | str  # codes in bold, or ALL
    functional_skills: frozenset[str]  # codes marked with an asterisk
    shared_between_options: frozenset[str]  # statements sitting in AOs of two different options
    required_methods: tuple[str, ...]  # "must design apprenticeship assessments to include at least one"
    additional_methods: tuple[str, ...]  # "must be selected from the following list of methods"
    performance_categories: tuple[str, ...]


# ---------------------------------------------------------------------------------------------------------
# ST1483 Production manager, level 6
# ---------------------------------------------------------------------------------------------------------
# Header: "ST1483/V2" -> version "2.0"; the table row "ST1483<TAB>6<TAB>None" gives level 6.
# No statement anywhere is in bold: the only "**" in the document are the boiler-plate sentence
# "Knowledge and skills statements in **bold** are mandatory ..." and the assessment methods. There is no
# asterisk note and no asterisked code. So no statement is mandatory and none carries the FS flag.

ST1483_OPT1 = "Junior production manager - screen and audio"
ST1483_OPT2 = "Junior post production manager"
# Option 3 has three names: "Live performance production manager" in the option list,
# "Assistant live performance manager" in the AO table heading ("<p>Option 3: Assistant live performance
# manager Mapping</p>", where "Mapping" is the column header glued on), and
# "Assistant production manager - live arts" in the API document.
ST1483_OPT3 = "Live performance production manager"

ST1483 = ExpectedPlan(
    reference="ST1483",
    version="2.0",
    level=6,
    title="Production manager",
    source="ST1483-production-manager-L6.aap.txt",
    api_source="ST1483.json",
    # README: the AAP uses 33 K and 31 S, matching the API document (K20 repeats K11, S17 repeats S11).
    knowledge_count=33,
    skill_count=31,
    options=(
        ExpectedOption(
            number=1,
            title=ST1483_OPT1,
            code=None,
            table_number=1,
            table_heading="Junior production manager - screen and audio",
            api_title="Junior production manager - screen and audio",
        ),
        # Table heading line is "<p>Option 2: Junior post production manager Mapping</p>": the "Mapping"
        # column header is inside the same paragraph; it is not part of the title.
        ExpectedOption(
            number=2,
            title=ST1483_OPT2,
            code=None,
            table_number=2,
            table_heading="Junior post production manager",
            api_title="Junior post production manager",
        ),
        ExpectedOption(
            number=3,
            title=ST1483_OPT3,
            code=None,
            table_number=3,
            table_heading="Assistant live performance manager",
            api_title="Assistant production manager - live arts",
        ),
    ),
    aos=(
        # Core. Each row is "<p>AOn: title</p> <p>description</p><TAB><p>codes</p>".
        # AO1 mapping cell "<p>K1, K7, K8, K10S1, S2, S8, S10</p>": "K10S1" is K10 followed by S1.
        ExpectedAO(
            "AO1",
            "Production Planning, Scheduling and resource management",
            None,
            ("K1", "K7", "K8", "K10", "S1", "S2", "S8", "S10"),
        ),
        # AO2 mapping cell "<p>K5, K6, K9S3, S6, S9</p>": "K9S3" is K9 followed by S3.
        ExpectedAO(
            "AO2",
            "Legal, Regulatory, Ethical and sustainable requirements",
            None,
            ("K5", "K6", "K9", "S3", "S6", "S9"),
        ),
        # AO3 mapping cell "<p>K2, K3, K4</p> <p>S4, S5, S7</p>".
        ExpectedAO(
            "AO3",
            "Team Leadership, Collaboration and Stakeholder Engagement",
            None,
            ("K2", "K3", "K4", "S4", "S5", "S7"),
        ),
        # Option 1 (table heading "Option 1: Junior production manager - screen and audio<TAB>Mapping").
        # Option AOs use an em dash: "AO4 — title".
        ExpectedAO(
            "AO4",
            "Production Workflow, Scheduling and Coordination",
            ST1483_OPT1,
            ("K11", "K12", "K13", "S11", "S12"),
        ),
        # AO5 row is split: the title line "<p>AO5— Finance, ...</p><TAB><p>K14, K15S13, S14</p>" carries
        # all the codes ("K15S13" = K15, S13); after a blank line the description paragraph follows with an
        # empty mapping cell (a trailing TAB and nothing after it).
        ExpectedAO(
            "AO5",
            "Finance, Compliance, Rights and Risk Management",
            ST1483_OPT1,
            ("K14", "K15", "S13", "S14"),
        ),
        # AO6: title and description share one <p> with no separator ("... International Requirements
        # Sources, manages and schedules ..."); the title ends before the verb "Sources".
        # Mapping "<p>K16, K17, K18, K19 S15, S16</p>" (no comma between K19 and S15).
        ExpectedAO(
            "AO6",
            "Technical Delivery, Post Production, Brand and International Requirements",
            ST1483_OPT1,
            ("K16", "K17", "K18", "K19", "S15", "S16"),
            title_runs_on=True,
        ),
        # Option 2 (table heading "<p>Option 2: Junior post production manager Mapping</p>").
        # K11, S11 and S12 are also in option 1's AO4: a statement may sit in AOs of two options.
        ExpectedAO(
            "AO7",
            "Production and Post Production Workflow, Planning and Coordination",
            ST1483_OPT2,
            ("K11", "K20", "K21", "K22", "S11", "S12", "S17"),
        ),
        ExpectedAO(
            "AO8",
            "Post Production Technology, Tools & Technical Standards",
            ST1483_OPT2,
            ("K23", "K24", "S18", "S20", "S21", "S23"),
        ),
        # AO9: title runs into the description ("... Project Oversight Manages stakeholder ...").
        ExpectedAO(
            "AO9",
            "Client, Vendor and Project Oversight",
            ST1483_OPT2,
            ("K25", "K26", "S19", "S22", "S24"),
            title_runs_on=True,
        ),
        # Option 3 (table heading "<p>Option 3: Assistant live performance manager Mapping</p>").
        # AO10 row: "<p>AO10 —Production process, and Technical Coordination</p> <p>Supports ...</p><TAB>
        # <p>K27, K28, K29, K33S25, S27, S29</p>" ("K33S25" = K33, S25). It is followed, after a blank line,
        # by a loose line "Facilitate communication between creative, producing and technical teams ..."
        # which is the rest of AO10's description and carries no codes.
        ExpectedAO(
            "AO10",
            "Production process, and Technical Coordination",
            ST1483_OPT3,
            ("K27", "K28", "K29", "K33", "S25", "S27", "S29"),
        ),
        # AO11 row is split over plain-text lines separated by blank lines:
        #   "AO11 — Venue Surveys & Touring Requirements" / "K31, K32" / description "Conducts technical
        #   surveys ..." / "S26".
        # S26 comes before the "AO12 —" line, so it belongs to AO11 (the K part of the mapping cell came
        # before the description and the S part after it). Option 3 then covers S25..S31 exactly once.
        ExpectedAO(
            "AO11",
            "Venue Surveys & Touring Requirements",
            ST1483_OPT3,
            ("K31", "K32", "S26"),
        ),
        # AO12 row is split: "AO12 —Production and scenic Delivery Plans and manages logistics, ..."
        # (title runs into the description, which starts with the verb "Plans") / "K30" / "S28, S30, S31".
        ExpectedAO(
            "AO12",
            "Production and scenic Delivery",
            ST1483_OPT3,
            ("K30", "S28", "S30", "S31"),
            title_runs_on=True,
        ),
    ),
    mandatory=frozenset(),
    functional_skills=frozenset(),
    shared_between_options=frozenset({"K11", "S11", "S12"}),
    # "must design apprenticeship assessments to include at least one **project**."
    required_methods=("project",),
    additional_methods=(
        "Professional discussion",
        "Portfolio",
        "Question and answer",
        "Presentation",
        "Additional projects",
    ),
    # Six rows. The "Information Use and Decision Making" distinction text is cut off ("... strong awareness
    # of broader") and continues in the distinction cell of the "Responsibility and Autonomy" row
    # ("implications within the production. Demonstrates strong leadership ..."); the last row
    # "------------------------------------<TAB>--<TAB>--" is a separator, not a category.
    performance_categories=(
        "Applied Knowledge",
        "Applied Skills",
        "Regulatory and Procedural Awareness",
        "Communication and Collaboration",
        "Information Use and Decision Making",
        "Responsibility and Autonomy",
    ),
)


# ---------------------------------------------------------------------------------------------------------
# ST0792 Junior production coordinator, level 4
# ---------------------------------------------------------------------------------------------------------
# Header: "ST0792/V2" -> "2.0". The header table's column is named "LEVEL OF ASSESSMENT" here (not "LEVEL OF
# THIS APPRENTICESHIP"); its value is 4. (The API document's versionNumber is empty; its version is "2.0".)
# No statement is in bold (only the boiler-plate "**bold**" sentence). The asterisk note "(*) Knowledge and
# skills statements which offer opportunities to develop functional English and maths are identified with an
# asterisk." is present, but no code carries an asterisk. So nothing is mandatory and nothing has the FS flag.
# Every AO row is plain text: "AOn: title description<TAB>codes", i.e. every title runs into its description.

ST0792_OPT1 = "Production coordinator"
# The list and the table write "Post-production coordinator"; the API writes "Post production coordinator".
ST0792_OPT2 = "Post-production coordinator"

ST0792 = ExpectedPlan(
    reference="ST0792",
    version="2.0",
    level=4,
    title="Junior production coordinator",
    source="ST0792-junior-production-coordinator-L4.aap.txt",
    api_source="ST0792.json",
    knowledge_count=29,
    skill_count=23,
    options=(
        ExpectedOption(
            number=1,
            title=ST0792_OPT1,
            code=None,
            table_number=1,
            table_heading="Production coordinator",
            api_title="Production coordinator",
        ),
        ExpectedOption(
            number=2,
            title=ST0792_OPT2,
            code=None,
            table_number=2,
            table_heading="Post-production coordinator",
            api_title="Post production coordinator",
        ),
    ),
    aos=(
        # "AO1: Production Planning and Coordination Plans and coordinates ...": title ends before "Plans".
        ExpectedAO(
            "AO1",
            "Production Planning and Coordination",
            None,
            ("K1", "K2", "K3", "K4", "K5", "S1", "S2", "S3", "S4", "S5"),
            title_runs_on=True,
        ),
        # "AO2: Resource and Logistics Management Sources, monitors, ...": title ends before "Sources".
        ExpectedAO(
            "AO2",
            "Resource and Logistics Management",
            None,
            ("K6", "K7", "K8", "K9", "K10", "S6", "S7", "S8"),
            title_runs_on=True,
        ),
        # Mapping "K11, K12, K15, S9, S10, S11, S15": K15 sits here, between K12 and S9 (K13 is in AO4,
        # K14 in AO5).
        ExpectedAO(
            "AO3",
            "Compliance and Risk Management",
            None,
            ("K11", "K12", "K15", "S9", "S10", "S11", "S15"),
            title_runs_on=True,
        ),
        ExpectedAO(
            "AO4",
            "Communication and Stakeholder Engagement",
            None,
            ("K13", "S12", "S13"),
            title_runs_on=True,
        ),
        ExpectedAO(
            "AO5",
            "Continuous Improvement and Sustainability",
            None,
            ("K14", "K16", "S14", "S16", "S17"),
            title_runs_on=True,
        ),
        # Option 1 (table heading "Option 1: Production coordinator<TAB>Mapping"). Suffixed code "AO6A".
        ExpectedAO(
            "AO6A",
            "Production Compliance and Operations",
            ST0792_OPT1,
            ("K17", "K18", "K19", "K20", "K21", "K22", "K23", "S18", "S19", "S20"),
            title_runs_on=True,
        ),
        # Option 2 (table heading "Option 2: Post-production coordinator<TAB>Mapping").
        # AO6B row is split: "AO6B: Post-Production Delivery Supports post-production workflows, ... handover
        # processes to<TAB>K24, ..., K29 S21, S22, S23", then a blank line, then "meet technical standards and
        # client requirements." - the end of the description, with no codes. All codes are on the first line.
        ExpectedAO(
            "AO6B",
            "Post-Production Delivery",
            ST0792_OPT2,
            ("K24", "K25", "K26", "K27", "K28", "K29", "S21", "S22", "S23"),
            title_runs_on=True,
        ),
    ),
    mandatory=frozenset(),
    functional_skills=frozenset(),
    shared_between_options=frozenset(),
    required_methods=("project",),
    # "Project" is listed among the additional methods although a project is already required: kept as listed.
    additional_methods=(
        "Professional discussion",
        "Portfolio",
        "Project",
        "Simulated task",
        "Presentation",
    ),
    # A blank line separates the "Communication and Collaboration" and "Information Use and Decision Making"
    # rows; the "Responsibility and Autonomy" distinction text starts with a stray "[".
    performance_categories=(
        "Applied Knowledge",
        "Applied Skills",
        "Regulatory and Procedural Awareness",
        "Communication and Collaboration",
        "Information Use and Decision Making",
        "Responsibility and Autonomy",
    ),
)


# ---------------------------------------------------------------------------------------------------------
# ST1297 Creative industries production technician, level 3
# ---------------------------------------------------------------------------------------------------------
# Header: "ST1297/V2" -> "2.0"; "ST1297<TAB>3<TAB>None" -> level 3.
# Every mapping cell is wrapped in <b>...</b> ("<p><b>K1, K4, K5, K8 , K15</b></p> <p><b>S11, S12</b></p>"),
# so every K and S statement of the plan is bold, i.e. mandatory. Asterisks: K16*, K17* (AO2), K11* (AO3),
# K19* (AO4), explained by the note "(\*) Knowledge and skills statements which offer opportunities to develop
# functional English and maths are identified with an asterisk."
#
# Options are numbered differently in the list and in the table:
#   list:  Option 1: Live event technician (LET)   Option 2: Creative venue technician (CVT)
#          Option 3: Screen lighting Technician (SLT)
#   table: Option 1: Creative venue technician (CVT AO5, AO6)   Option 2: Live event technician (LET AO7, AO8)
#          Option 3: Screen lighting technician (SLT AO9, AO10)
# The options are matched by name (and short code, which prefixes each option AO code), never by number.
# The API orders them CVT, LET, SLT, like the table.

ST1297_LET = "Live event technician"
ST1297_CVT = "Creative venue technician"
ST1297_SLT = "Screen lighting Technician"  # capital "T" as written in the list; the table has "technician"

ST1297 = ExpectedPlan(
    reference="ST1297",
    version="2.0",
    level=3,
    title="Creative industries production technician",
    source="ST1297-creative-industries-production-technician-L3.aap.txt",
    api_source="ST1297.json",
    knowledge_count=36,
    skill_count=36,
    options=(
        ExpectedOption(
            number=1,
            title=ST1297_LET,
            code="LET",
            table_number=2,
            table_heading="Live event technician",
            api_title="Live Event Technician (LET)",
        ),
        ExpectedOption(
            number=2,
            title=ST1297_CVT,
            code="CVT",
            table_number=1,
            table_heading="Creative venue technician",
            api_title="Creative Venue Technician (CVT)",
        ),
        # Table heading line: "<p><b>Option 3: Screen lighting technician</b> <span style="float: right;">
        # <b>Mapping</b></span></p>" followed by a TAB and an empty cell.
        ExpectedOption(
            number=3,
            title=ST1297_SLT,
            code="SLT",
            table_number=3,
            table_heading="Screen lighting technician",
            api_title="Screen Lighting Technician (SLT)",
        ),
    ),
    aos=(
        # Mapping "<b>K1, K4, K5, K8 , K15</b>": a space before the comma after K8.
        ExpectedAO(
            "AO1",
            "Safe and compliant working practices",
            None,
            ("K1", "K4", "K5", "K8", "K15", "S11", "S12"),
        ),
        # Mapping "<b>K7, , K12, K13, K14, K16*, K17*, K18</b>": the empty item between K7 and K12 is
        # ignored (there is no statement to put there; K8..K11 are mapped in AO1 and AO3).
        ExpectedAO(
            "AO2",
            "Setup, preparation, maintenance and use of technical and production systems and equipment",
            None,
            (
                "K7",
                "K12",
                "K13",
                "K14",
                "K16",
                "K17",
                "K18",
                "S2",
                "S3",
                "S4",
                "S5",
                "S6",
                "S7",
                "S13",
                "S14",
            ),
        ),
        ExpectedAO(
            "AO3",
            "Production Planning and Logistics",
            None,
            ("K6", "K9", "K10", "K11", "S1", "S15"),
        ),
        ExpectedAO(
            "AO4",
            "Professional practice, sector knowledge and interdepartmental collaboration",
            None,
            ("K2", "K3", "K19", "S8", "S9", "S10"),
        ),
        # Table "Option 1: Creative venue technician" = list option 2 (CVT). Codes "CVT AO5", "CVT AO6".
        ExpectedAO(
            "AO5",
            "Venue specific production, stage and technical operations",
            ST1297_CVT,
            ("K26", "K27", "K28", "K30", "S24", "S25", "S26", "S29"),
        ),
        # The title ends with a full stop in the document: "Creative Venue system maintenance and
        # troubleshooting." (kept here; the tests ignore a trailing full stop).
        ExpectedAO(
            "AO6",
            "Creative Venue system maintenance and troubleshooting.",
            ST1297_CVT,
            ("K29", "S23", "S27", "S28"),
        ),
        # Table "Option 2: Live event technician" = list option 1 (LET). Codes "LET AO7", "LET AO8".
        # Mapping "<b>S16, S17, S19, S20, S22 S29</b>": no comma between S22 and S29. S29 is also in CVT AO5.
        ExpectedAO(
            "AO7",
            "Live events systems set up, operation, calibration, fault finding and repair",
            ST1297_LET,
            ("K20", "K21", "K23", "K24", "S16", "S17", "S19", "S20", "S22", "S29"),
        ),
        # Mapping "<b>K22 , K25</b>": a space before the comma.
        ExpectedAO(
            "AO8",
            "Venue specific considerations and logistics",
            ST1297_LET,
            ("K22", "K25", "S18", "S21"),
        ),
        # Table "Option 3: Screen lighting technician" = list option 3 (SLT). Codes "SLT AO9", "SLT AO10".
        ExpectedAO(
            "AO9",
            "Electrical Systems Installation and Power Management for Screen Lighting",
            ST1297_SLT,
            ("K31", "K32", "K33", "S30", "S31"),
        ),
        ExpectedAO(
            "AO10",
            "Lighting Effects, System Operation, Creative Adaptation and Low Voltage Safety",
            ST1297_SLT,
            ("K34", "K35", "K36", "S32", "S33", "S34", "S35", "S36"),
        ),
    ),
    mandatory=ALL,
    functional_skills=frozenset({"K11", "K16", "K17", "K19"}),
    shared_between_options=frozenset({"S29"}),
    # "must design apprenticeship assessments to include at least one **observation**."
    required_methods=("observation",),
    # The list is broken by a blank line between "Additional observations" and "Simulated tasks"; it is one
    # list of four methods.
    additional_methods=(
        "Professional discussion",
        "Portfolio",
        "Additional observations",
        "Simulated tasks",
    ),
    # Category cells are wrapped in <b>. The "Communication and Collaboration" row is split over three
    # lines (the continuation line starts with a TAB, i.e. an empty category cell): still one category.
    performance_categories=(
        "Applied Knowledge",
        "Applied Skills",
        "Regulatory and Procedural Awareness",
        "Communication and Collaboration",
        "Information Use and Decision Making",
        "Responsibility and Autonomy",
    ),
)


PLANS: tuple[ExpectedPlan, ...] = (ST1483, ST0792, ST1297)
PLANS_BY_REFERENCE: dict[str, ExpectedPlan] = {plan.reference: plan for plan in PLANS}
