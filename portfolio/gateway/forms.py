"""Forms of the gateway pages: the provider's settings, a manual gate, a tick, a signature, a referral."""

from __future__ import annotations

from django import forms

from portfolio.coverage.gates import GATE_NAMES
from portfolio.gateway.services.policy import MONTHS, NAME_LENGTH

GATE_FIELDS = {
    "coverage_gate": GATE_NAMES["coverage"],
    "behaviours_gate": GATE_NAMES["behaviours_confirmed"],
    "otj_gate": "Approved off-the-job hours at least the standard's minimum, less recognised prior learning",
    "practical_period_gate": "Minimum practical period (breaks in learning not counted)",
    "english_maths_gate": "English and maths achieved, or not required, where the apprentice was 16 to 18 at the start",
}


class GatewayPolicyForm(forms.Form):
    coverage_gate = forms.BooleanField(required=False, label=GATE_FIELDS["coverage_gate"])
    behaviours_gate = forms.BooleanField(required=False, label=GATE_FIELDS["behaviours_gate"])
    otj_gate = forms.BooleanField(required=False, label=GATE_FIELDS["otj_gate"])
    practical_period_gate = forms.BooleanField(required=False, label=GATE_FIELDS["practical_period_gate"])
    minimum_practical_months = forms.IntegerField(
        label="Minimum practical period, in months",
        min_value=MONTHS[0],
        max_value=MONTHS[1],
        help_text="8 under the rules in force since August 2025.",
        error_messages={"required": "Give the minimum practical period in months, for example 8."},
    )
    english_maths_gate = forms.BooleanField(required=False, label=GATE_FIELDS["english_maths_gate"])
    otj_tolerance_percent = forms.IntegerField(
        label="Behind on OTJ: more than this percentage below the hours expected to date",
        min_value=0,
        max_value=100,
        help_text="Flags apprentices in the cohort; it does not stop anyone passing a gate.",
        error_messages={"required": "Give a percentage from 0 to 100, for example 10."},
    )

    def gate_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in GATE_FIELDS]


class ManualGateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_LENGTH,
        help_text="What a staff member confirms, e.g. “Mandatory qualification achieved”.",
        error_messages={"required": "Name the requirement, e.g. “Mandatory qualification achieved”."},
    )
    description = forms.CharField(
        label="What to check (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class TickForm(forms.Form):
    note = forms.CharField(
        label="What you checked",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": "Say what you checked: a tick needs a note (the certificate's number, say)."},
    )


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read the declaration above and sign it",
        error_messages={"required": "Tick the box to confirm you sign the declaration."},
    )


class ReferralForm(forms.Form):
    assessment_organisation = forms.CharField(
        label="Assessment organisation",
        max_length=200,
        error_messages={"required": "Name the assessment organisation the apprentice goes to."},
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
