import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from portfolio.core.html import day_month_year, escaped, format_escaped, url_around
from portfolio.coverage.cohort_rows import STATE_LABELS
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


# The cohort shows 50 rows of people, a chip per AO, their gateway and next review: written here in one pass per
# row, since the same markup through the template engine's nodes (a lookup, a filter or a tag per figure, a URL
# reversed twice per row) cost about half the page. Each value is escaped as the engine escapes it
# (`django.utils.html.escape` is `html.escape`), so the page reads byte for byte as it did.
def _chips(rows: Iterable[tuple[str, str, float, int, int]], written: dict[Any, str]) -> str:
    """`<li class="chip band-…" title="AO title: 3 of 5 statements">AO1 <span …>60 %</span></li>` per AO row
    (code, title, percent, covered, mapped); the same AO with the same figures is written once a page."""
    out = []
    for row in rows:
        chip = written.get(row)
        if chip is None:
            code, title, percent, covered, mapped = row
            chip = written[row] = (
                f'<li class="chip band-{band(percent)}" title="{_esc(title)}: {covered} of {mapped} statements">'
                f'{_esc(code)} <span class="chip-figure">{percent_words(percent)}</span></li>'
            )
        out.append(chip)
    return "".join(out)


def _esc(value: Any) -> str:
    return html.escape(str(value))


@register.simple_tag
def cohort_table_rows(rows: Iterable[Any]) -> SafeString:
    """The cohort table's rows (`cohort_rows.page_row`, with `review_due` and `review_overdue` set): what the
    template's loop over them wrote, each value escaped, dates in the current time zone as the `date` filter
    writes them ("j M Y", and "c" for the machine-readable time)."""
    day = day_month_year()
    progress_before, progress_after = url_around("progress-page")
    schedule_before, schedule_after = url_around("progress-review-schedule-page")
    written: dict[Any, str] = {}
    out = []
    for a in rows:
        public_id = _esc(a.public_id)
        option = f'<br><span class="muted">{_esc(a.option_title)}</span>' if a.option_title is not None else ""
        chips = '<span class="muted">not computed</span>'
        if a.ao_rows:
            chips = f'<ul class="strip">{_chips(a.ao_rows, written)}</ul>'
        stale = ' <span class="muted">(updating)</span>' if a.coverage_stale else ""
        if a.ready:
            gateway = f'<strong class="ready-flag">{_esc(STATE_LABELS.get(a.state, a.state))}</strong>'
        elif a.summary:
            gateway = "Not ready"
            if a.blocking:
                gateway += f'<br><span class="muted">{_esc(gate_names(a.blocking))}</span>'
        else:
            gateway = "No"
        if a.otj_behind:
            gateway += '<br><strong class="tag tag-amber">Behind on OTJ</strong>'
        review = '<strong class="tag tag-red">Overdue</strong><br>' if a.review_overdue else ""
        due = a.review_due
        if due is not None and due.due_on:
            review += (
                f'<a href="{schedule_before}{public_id}{schedule_after}">'
                f"{'was due ' if a.review_overdue else 'by '}{day(due.due_on)}</a>"
            )
        elif due is not None and due.paused:
            review += "Paused: on a break"
        else:
            review += "None due"
        if a.last_activity:
            local = localtime(a.last_activity)  # as the engine converts it for `date`
            activity = f'<time datetime="{_esc(local.isoformat())}">{day(local)}</time>'
        else:
            activity = "\u2013"  # en dash
        out.append(
            f'\n    <tr data-apprenticeship="{public_id}">'
            f'\n      <th scope="row"><a href="{progress_before}{public_id}{progress_after}">'
            f"{_esc(a.apprentice.display_name)}</a></th>"
            f"\n      <td>{_esc(a.employer_name)}</td>"
            f"\n      <td>{_esc(a.standard)}{option}</td>"
            f"\n      <td>{chips}</td>"
            f"\n      <td>{percent_words(a.coverage_percent)}{stale}</td>"
            f"\n      <td>{gateway}</td>"
            f"\n      <td>{review}</td>"
            f"\n      <td>{activity}</td>"
            "\n    </tr>\n  "
        )
    return SafeString("".join(out))


@register.simple_tag
def heatmap_rows(rows: Iterable[tuple[Any, str, list[float | None]]]) -> SafeString:
    """The heat map's rows (`pages.heatmap_for`): each apprentice's name, linked to their progress, and their cells,
    the AO's figure coloured by band or off the route. Written in one pass: 300 rows of a dozen cells each cost
    most of the page through the template engine (a `{% url %}` per row, a filter per cell)."""
    before, after = url_around("progress-page")
    off_route = '<td class="off-route">\u2013<span class="visually-hidden"> not on route</span></td>'  # en dash
    # A cell is its figure alone: each figure is written once a page (a few hundred distinct of 3,600 cells).
    written_cells: dict[float | None, str] = {None: off_route}
    out = []
    for public_id, name, cells in rows:
        for percent in cells:
            if percent not in written_cells:
                written_cells[percent] = f'<td class="cell band-{band(percent)}">{percent_words(percent)}</td>'
        written = "".join([written_cells[percent] for percent in cells])
        out.append(
            f'\n    <tr><th scope="row"><a href="{before}{public_id}{after}">{_esc(name)}</a></th>'
            f"\n    {written}</tr>\n  "
        )
    return SafeString("".join(out))


# The progress page opens each AO to its statements (~60 on a route) and the evidence tagged to each: written here
# in one pass, as the chips are, since through the template engine (an include per AO, a node per field and a
# `{% url %}` per item of evidence) it cost most of the page. The markup is the one the page always had.
@register.simple_tag
def ao_group(group: Any) -> SafeString:
    """One AO (`AOGroup`): its bar as the summary, its statements (covered or missing, with the evidence) when
    opened."""
    row = group.row
    code, covered, mapped = row.code, row.covered, row.mapped
    words, colour = percent_words(row.percent), band(row.percent)
    complete = " complete" if row.complete else ""
    hint = f"All {mapped} statements covered" if row.complete else f"{mapped} statements, {len(row.missing)} missing"
    # One address for every item: each differs only by its public id.
    before, after = url_around("evidence-detail-page")
    parts = [
        format_escaped(
            '\n\n<details class="ao-group{}" id="ao-{}">\n  <summary><div class="ao-bar band-{}{}">\n'
            '  <div class="ao-bar-label"><strong>{}</strong> {}</div>\n'
            '  <div class="meter" role="meter" aria-valuemin="0" aria-valuemax="{}" aria-valuenow="{}"\n'
            '       aria-label="{}: {} of {} statements covered ({})">\n'
            '    <span style="width: {}%"></span>\n  </div>\n'
            '  <div class="ao-bar-figures">{}/{} <span class="band-tag band-{}">{}</span></div>\n</div>\n'
            '<span class="ao-open-hint ao-closed">{}: show them</span>'
            '<span class="ao-open-hint ao-opened">Hide the statements</span></summary>\n'
            '  <ul class="ao-statements">\n    ',
            complete, code, colour, complete, code, row.title, mapped, covered, code, covered, mapped, words,
            floatformat(row.percent, 0), covered, mapped, colour, words, hint,
        )
    ]  # fmt: skip
    # Each value escaped as `format_escaped` escapes it, in f-strings: a route has some sixty statements and their
    # items of evidence a few hundred, and the states' few labels are written lower-cased and escaped once.
    labels: dict[Any, str] = {}
    for s in group.statements:
        evidence = ""
        if s.evidence:
            items = []
            for public_id, title, state, tag_state in s.evidence:
                for label in (state, tag_state):
                    if label not in labels:
                        labels[label] = escaped(str(label).lower())
                items.append(
                    f'<a href="{before}{escaped(public_id)}{after}">{escaped(title)}</a>'
                    f' <span class="muted">({labels[state]}; {labels[tag_state]})</span>'
                )
            evidence = '<br><span class="muted">Evidence:</span> ' + ", ".join(items)
        parts.append(
            f'\n    <li class="{"covered" if s.covered else "uncovered"}">\n      <strong>{escaped(s.code)}</strong> '
            f"{COVERED_TAG if s.covered else MISSING_TAG}{MANDATORY if s.mandatory else ''}\n"
            f'      <span class="statement-text">{escaped(s.text)}</span>\n      {evidence}\n    </li>\n    '
        )
    parts.append(SafeString("\n  </ul>\n</details>\n\n"))
    return SafeString("".join(parts))


@register.simple_tag
def gate_summary_items(checklist: Iterable[dict[str, Any]]) -> SafeString:
    """The progress page's gate summary (`gates_checklist`): an `<li>` per gate that is on, met or not, its name
    and explanation, as the template's loop over them wrote it (a node per field cost more than the whole list)."""
    return SafeString(
        "".join(
            f'<li data-gate="{escaped(gate["key"])}">{MET_TAG if gate["passed"] else NOT_MET_TAG} '
            f"<strong>{escaped(gate['name'])}:</strong> {escaped(gate['explanation'])}</li>"
            for gate in checklist
            if gate["enabled"]
        )
    )


@register.simple_tag
def missing_items(statements: Iterable[Any]) -> SafeString:
    """The progress page's statements still to evidence (`StatementRow`), an `<li>` each: a route's dozens
    through the template engine cost more than the rest of their section."""
    return SafeString(
        "".join(
            f'<li><strong>{escaped(s.code)}</strong> <span class="muted">({escaped(s.outcome_code)}'
            f"{', mandatory' if s.mandatory else ''})</span> {escaped(s.text)}</li>"
            for s in statements
        )
    )


MET_TAG = SafeString('<span class="tag tag-done">Met</span>')
NOT_MET_TAG = SafeString('<span class="tag tag-todo">Not met</span>')
COVERED_TAG = SafeString('<span class="tag tag-green">Covered</span>')
MISSING_TAG = SafeString('<span class="tag tag-red">Missing</span>')
MANDATORY = SafeString(' <span class="muted">(mandatory)</span>')
