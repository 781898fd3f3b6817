from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from portfolio.people.models import Organisation


class GrantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Assessment organisation",
        error_messages={"invalid_choice": "Choose one of your provider's assessment organisations."},
    )
    # An <input type="date"> shows only an ISO date, whatever the site's date format.
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    expires_on = forms.DateField(
        label="Until (the access ends at the start of this day)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault(
            "initial", {"starts_on": today, "expires_on": today + timedelta(days=settings.HANDOVER_GRANT_DAYS)}
        )
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("expires_on") and data["expires_on"] <= data["starts_on"]:
            self.add_error("expires_on", "The access must end after it starts.")
        return data


class AssessmentOrganisationForm(forms.Form):
    name = forms.CharField(label="Name of the assessment organisation", max_length=255)


class VerifyExportForm(forms.Form):
    file = forms.FileField(label="The exported ZIP")
