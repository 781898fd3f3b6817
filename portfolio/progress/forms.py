"""Forms of the progress review pages. They collect input; the services decide (portfolio/progress/services/)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from portfolio.people.models import User
from portfolio.progress.lifecycle import Party
from portfolio.progress.models import ReviewAction
from portfolio.progress.schedule import AGREED_INTERVALS, PROVIDER_INTERVALS

WORD_FIELDS = (
    ("progress", "Progress", "What went well since the last review, and what was harder."),
    ("wellbeing", "Wellbeing and support", "How they are, and any support needed or given."),
    ("next_steps", "Next steps", "What comes next in their learning and at work."),
)
TEXT = {"rows": 3}


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ScheduleForm(forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give the date of the review.", "invalid": "Give the date as day, month, year."},
    )  # fmt: skip
    time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Give the time it starts, e.g. 10:00.", "invalid": "Give the time as 10:00."},
    )  # fmt: skip
    location = forms.CharField(
        label="Where (optional)", required=False, max_length=200, help_text="The place, or the video call's link."
    )
    reviewer = PersonChoice(
        queryset=User.objects.none(), label="Reviewer for the provider",
        error_messages={"required": "Choose the reviewer.", "invalid_choice": "Choose a reviewer from the list."},
    )  # fmt: skip
    employer_contact = PersonChoice(
        queryset=User.objects.none(), label="Employer contact", required=False,
        error_messages={"invalid_choice": "Choose an employer contact from the list."},
    )  # fmt: skip

    def __init__(self, *args: Any, reviewers: list[User], contacts: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewer_field: Any = self.fields["reviewer"]
        contact_field: Any = self.fields["employer_contact"]
        reviewer_field.queryset = User.objects.filter(pk__in=[u.pk for u in reviewers]).order_by("first_name", "pk")
        contact_field.queryset = User.objects.filter(pk__in=[u.pk for u in contacts]).order_by("first_name", "pk")
        contact_field.empty_label = "No one named yet"

    def scheduled_for(self) -> datetime.datetime:
        moment = datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(moment)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs=TEXT))


def _words(form: forms.Form, party: Party, *, prefix_label: bool) -> None:
    for name, label, hint in WORD_FIELDS:
        form.fields[f"{party.value}_{name}"] = forms.CharField(
            label=f"{party.label}: {label.lower()}" if prefix_label else label,
            help_text=hint,
            required=False,
            max_length=10_000,
            widget=forms.Textarea(attrs=TEXT),
        )


class HoldForm(forms.Form):
    """The reviewer records the review as held: the day, and what each party said at the meeting."""

    held_on = forms.DateField(
        label="Held on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Give the day the review was held.",
            "invalid": "Give the date as day, month, year.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for party in Party:
            _words(self, party, prefix_label=True)

    def contributions(self) -> dict[str, dict[str, str]]:
        return {p.value: {n: self.cleaned_data[f"{p.value}_{n}"] for n, _, _ in WORD_FIELDS} for p in Party}


class WordsForm(forms.Form):
    """A party changes their own words after the review was held (`parties`: those the person writes for)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "Reload the page."})

    def __init__(self, *args: Any, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parties = parties
        for party in parties:
            _words(self, party, prefix_label=len(parties) > 1 or party != Party.PROVIDER)

    def contributions(self) -> dict[str, dict[str, str]]:
        return {p.value: {n: self.cleaned_data[f"{p.value}_{n}"] for n, _, _ in WORD_FIELDS} for p in self.parties}


class ActionForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label="Action", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ChoiceField(label="Whose", choices=[("", "Choose"), *Party.choices], required=False)
    due_on = forms.DateField(
        label="Due by", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("description") and not data.get("owner"):
            self.add_error("owner", "Say whose action it is.")
        if data.get("description") and not data.get("due_on"):
            self.add_error("due_on", "Give the date it is due by.")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=2, can_delete=True, max_num=30)


class OutcomeForm(forms.Form):
    action = forms.UUIDField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="Outcome", choices=ReviewAction.Outcome.choices, required=False)
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000)


OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=0)


class SignForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "Reload the page."})
    confirm = forms.BooleanField(
        label="I have read this record and sign it",
        error_messages={"required": "Tick the box to confirm you have read the record and sign it."},
    )


class IntervalForm(forms.Form):
    interval_months = forms.IntegerField(
        label="Review every (months)", min_value=AGREED_INTERVALS[0], max_value=AGREED_INTERVALS[1],
        help_text=f"Longer than the usual three months: {AGREED_INTERVALS[0]} to {AGREED_INTERVALS[1]}.",
        error_messages={"required": "Give the agreed interval in months."},
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason, and who at the employer agreed it", max_length=2000, widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Give the evidenced reason: the funding rules ask for it."},
    )  # fmt: skip


class PolicyForm(forms.Form):
    interval_months = forms.TypedChoiceField(
        label="Review each apprentice at least every",
        coerce=int,
        choices=[
            (n, f"{n} month{'s' if n != 1 else ''}") for n in range(PROVIDER_INTERVALS[0], PROVIDER_INTERVALS[1] + 1)
        ],
        help_text="Three months under the 2025 to 2026 funding rules; choose fewer if you review more often.",
    )
