from django import template

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
