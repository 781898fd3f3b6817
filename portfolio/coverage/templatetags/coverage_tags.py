from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from portfolio.coverage.gates import GATE_NAMES

register = template.Library()

# Coverage is shown in three bands, each with a colour AND words (never colour alone): the legend on the cohort,
# heat map and progress pages names them in the same words.
BANDS = {
    "low": "0\u201349 %",  # en dash
    "mid": "50\u201399 %",
    "full": "complete",
}


@register.filter
def band(percent: float | None) -> str:
    """The band a coverage percentage falls in: low (0 to 49), mid (50 to 99) or full (100)."""
    value = float(percent or 0)
    if value >= 100:
        return "full"
    return "mid" if value >= 50 else "low"


@register.filter
def percent_words(percent: float | None) -> str:
    """What a bar or cell says: "complete", or the whole percent (rounded down, so 99.6 % never reads 100 %)."""
    value = float(percent or 0)
    return BANDS["full"] if value >= 100 else f"{int(value)} %"


@register.inclusion_tag("coverage/_legend.html")
def coverage_legend() -> dict[str, object]:
    return {"bands": list(BANDS.items())}


@register.filter
def gate_names(keys: list[str] | None) -> str:
    """The gates that hold someone back, by name: "Off-the-job training hours, English and maths"."""
    return ", ".join(GATE_NAMES.get(key, key) for key in keys or [])


# The cohort shows a chip per AO for 50 apprentices, the heat map a cell per AO for 300: written here in one pass
# per row, since the same markup through the template engine's nodes (a lookup and a filter per figure) cost most
# of the page.
@register.simple_tag
def ao_chips(rows: Iterable[Any]) -> SafeString:
    """The cohort's chips: `<li class="chip band-…" title="AO title: 3 of 5 statements">AO1 <span …>60 %</span></li>`
    per AO row (with `outcome.code`, `outcome.title`, `percent`, `covered`, `mapped`)."""
    return format_html_join(
        "",
        '<li class="chip band-{}" title="{}: {} of {} statements">{} <span class="chip-figure">{}</span></li>',
        (
            (band(r.percent), r.outcome.title, r.covered, r.mapped, r.outcome.code, percent_words(r.percent))
            for r in rows
        ),
    )


@register.simple_tag
def heatmap_cells(cells: Iterable[Any]) -> SafeString:
    """The heat map's cells of one apprentice: the AO's figure coloured by band, or off the route."""
    off_route = '<td class="off-route">\u2013<span class="visually-hidden"> not on route</span></td>'  # en dash
    return SafeString(
        "".join(
            format_html('<td class="cell band-{}">{}</td>', band(cell.percent), percent_words(cell.percent))
            if cell
            else off_route
            for cell in cells
        )
    )


# The progress page opens each AO to its statements (~60 on a route) and the evidence tagged to each: written here
# in one pass, as the chips are, since through the template engine (an include per AO, a node per field and a
# `{% url %}` per item of evidence) it cost most of the page. The markup is the one the page always had.
_EVIDENCE_ID = "00000000-0000-0000-0000-000000000000"


@register.simple_tag
def ao_group(group: Any) -> SafeString:
    """One AO (`AOGroup`): its bar as the summary, its statements (covered or missing, with the evidence) when
    opened."""
    row = group.row
    code, covered, mapped = row.outcome.code, row.covered, row.mapped
    words, colour = percent_words(row.percent), band(row.percent)
    complete = " complete" if row.complete else ""
    hint = f"All {mapped} statements covered" if row.complete else f"{mapped} statements, {len(row.missing)} missing"
    # One reverse() for every item: the address of each differs only by its public id.
    detail = reverse("evidence-detail-page", args=[_EVIDENCE_ID])
    parts = [
        format_html(
            '\n\n<details class="ao-group{}" id="ao-{}">\n  <summary><div class="ao-bar band-{}{}">\n'
            '  <div class="ao-bar-label"><strong>{}</strong> {}</div>\n'
            '  <div class="meter" role="meter" aria-valuemin="0" aria-valuemax="{}" aria-valuenow="{}"\n'
            '       aria-label="{}: {} of {} statements covered ({})">\n'
            '    <span style="width: {}%"></span>\n  </div>\n'
            '  <div class="ao-bar-figures">{}/{} <span class="band-tag band-{}">{}</span></div>\n</div>\n'
            '<span class="ao-open-hint ao-closed">{}: show them</span>'
            '<span class="ao-open-hint ao-opened">Hide the statements</span></summary>\n'
            '  <ul class="ao-statements">\n    ',
            complete, code, colour, complete, code, row.outcome.title, mapped, covered, code, covered, mapped, words,
            floatformat(row.percent, 0), covered, mapped, colour, words, hint,
        )
    ]  # fmt: skip
    for s in group.statements:
        evidence = ""
        if s.evidence:
            evidence = '<br><span class="muted">Evidence:</span> ' + ", ".join(
                format_html(
                    '<a href="{}">{}</a> <span class="muted">({}; {})</span>',
                    detail.replace(_EVIDENCE_ID, public_id), title, str(state).lower(), str(tag_state).lower(),
                )
                for public_id, title, state, tag_state in s.evidence
            )  # fmt: skip
        parts.append(
            format_html(
                '\n    <li class="{}">\n      <strong>{}</strong> {}{}\n'
                '      <span class="statement-text">{}</span>\n      {}\n    </li>\n    ',
                "covered" if s.covered else "uncovered", s.code,
                COVERED_TAG if s.covered else MISSING_TAG, MANDATORY if s.mandatory else "", s.text,
                SafeString(evidence),
            )
        )  # fmt: skip
    parts.append(SafeString("\n  </ul>\n</details>\n\n"))
    return SafeString("".join(parts))


COVERED_TAG = SafeString('<span class="tag tag-green">Covered</span>')
MISSING_TAG = SafeString('<span class="tag tag-red">Missing</span>')
MANDATORY = SafeString(' <span class="muted">(mandatory)</span>')
