"""Forms of the OTJ pages. They only collect input; the rules are the services' (portfolio/otj/services/)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from portfolio.evidence.models import Evidence
from portfolio.otj.models import OtjActivity
from portfolio.people.models import Apprenticeship

DEFAULT_MINUTES = 60
EVIDENCE_OFFERED = 50  # the latest items of the portfolio, for linking
# The quick form's one-tap durations (minutes, label).
PRESETS = ((30, "30 min"), (60, "1 h"), (90, "1½ h"), (120, "2 h"), (180, "3 h"), (240, "4 h"), (450, "7½ h"))


def quick_defaults(*, last_type: str | None, now: datetime.datetime | None = None) -> dict[str, Any]:
    """An hour that ended just now (rounded down to 5 minutes), and the kind of activity logged last. Just after
    midnight that hour starts yesterday: the entry is dated on the day it started, as the rules count it."""
    local = timezone.localtime(now or timezone.now())
    end = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)
    start = end - datetime.timedelta(minutes=DEFAULT_MINUTES)
    return {
        "date": start.date(),
        "start_time": start.time(),
        "hours": DEFAULT_MINUTES // 60,
        "minutes": DEFAULT_MINUTES % 60,
        "activity_type": last_type or OtjActivity.ActivityType.TAUGHT_SESSION,
    }


class OtjEntryForm(forms.Form):
    activity_type = forms.ChoiceField(
        label="What kind of activity?",
        choices=OtjActivity.ActivityType.choices,
        widget=forms.RadioSelect(attrs={"class": "choice-chips"}),
    )
    hours = forms.IntegerField(
        label="Hours",
        min_value=0,
        max_value=24,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "duration-input"}),
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=0,
        max_value=59,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "duration-input"}),
    )
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label="Start time",
        help_text="When it started. The time it took is counted from here.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    description = forms.CharField(
        label="What did you do and learn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    evidence = forms.MultipleChoiceField(
        label="Link evidence (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Evidence items of this apprenticeship that show this learning.",
    )

    def __init__(
        self, *args: Any, apprenticeship: Apprenticeship, activity: OtjActivity | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        items = Evidence.objects.filter(apprenticeship=apprenticeship).exclude(state=Evidence.State.WITHDRAWN)
        offered = list(items.order_by("-occurred_on", "-pk")[:EVIDENCE_OFFERED])
        if activity is not None:  # an entry being changed keeps its links, however old
            offered += [e for e in activity.evidence.all() if e not in offered]
        cast(forms.MultipleChoiceField, self.fields["evidence"]).choices = [
            (str(e.public_id), f"{e.title} ({e.occurred_on:%-d %b %Y})") for e in offered
        ]
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["date"].widget.attrs["min"] = apprenticeship.start_date.isoformat()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "hours" in data and "minutes" in data:
            total = (data.get("hours") or 0) * 60 + (data.get("minutes") or 0)
            if total < 1:
                self.add_error("hours", "Give the time it took: hours, minutes or both.")
            data["total_minutes"] = total
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "start_time": data["start_time"],
            "minutes": data["total_minutes"],
            "activity_type": data["activity_type"],
            "description": data["description"],
            "evidence": data["evidence"],
        }

    @classmethod
    def initial_for(cls, activity: OtjActivity) -> dict[str, Any]:
        return {
            "date": activity.date,
            "start_time": activity.start_time,
            "hours": activity.minutes // 60,
            "minutes": activity.minutes % 60,
            "activity_type": activity.activity_type,
            "description": activity.description,
            "evidence": [str(e.public_id) for e in activity.evidence.all()],
        }


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Needed to decline or reverse: the apprentice reads it.",
    )


class MinimumsForm(forms.Form):
    """One whole-hours field per standard version, named by its public id; empty clears the minimum."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            standard = row.standard
            self.fields[f"standard_{standard.public_id}"] = forms.IntegerField(
                label=f"{standard.reference} v{standard.version} {standard.title}",
                required=False,
                min_value=1,
                max_value=9999,
                initial=row.minimum_hours,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def minimums(self) -> dict[Any, int | None]:
        return {row.standard: self.cleaned_data.get(f"standard_{row.standard.public_id}") for row in self.rows}

    def bound_rows(self) -> list[tuple[Any, Any]]:
        return [(row, self[f"standard_{row.standard.public_id}"]) for row in self.rows]


class MinimumsImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One line per standard version: <code>reference, version, minimum_hours</code>, for example "
        "<code>ST1483, 2.0, 278</code>. A header line is optional.",
    )
