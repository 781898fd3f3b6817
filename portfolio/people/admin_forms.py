"""Forms for the provider admin's pages. They only collect and look up input, scoped to what the admin
administers; the rules (option of this standard, dates in order, who may fill which slot) are the services'.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio.people.admin_selectors import (
    apprenticeship_list_administered_by,
    assignable_people,
    employer_list_administered_by,
    organisation_list_administered_by,
    provider_list_administered_by,
)
from portfolio.people.models import Apprenticeship, Invitation, Membership, Organisation
from portfolio.standards.models import Option, Standard

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.email})" if obj.get_full_name() else obj.email


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class StandardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} v{obj.version} {obj.title}"


def _person(user: Any, role: str, label: str) -> PersonChoiceField:
    field = PersonChoiceField(
        queryset=assignable_people(user=user, role=role),
        to_field_name="public_id",
        required=False,
        label=label,
        empty_label="Nobody yet",
    )
    # Someone outside the admin's organisations is not in the list at all: say what to do instead.
    article = "an" if label[0] in "AEIOU" else "a"
    field.error_messages["invalid_choice"] = (
        f"Choose {article} {label.lower()} from the list: only people who have accepted an invitation as "
        f"{label.lower()} at your provider or its employers can be assigned."
    )
    return field


def _model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class _PeopleFields(forms.Form):
    """What creating and editing an apprenticeship share: the option, the dates and the four people."""

    option = forms.ModelChoiceField(
        queryset=Option.objects.select_related("standard"),
        to_field_name="public_id",
        required=False,
        label="Option",
        help_text="Required when the standard has options.",
    )
    start_date = forms.DateField(label="Start date", widget=DATE)
    planned_end_date = forms.DateField(label="Planned end date", widget=DATE)

    def add_people(self, user: Any) -> None:
        self.fields["tutor"] = _person(user, Membership.Role.TUTOR, "Tutor")
        self.fields["assessor"] = _person(user, Membership.Role.ASSESSOR, "Assessor")
        self.fields["line_manager"] = _person(user, Membership.Role.LINE_MANAGER, "Line manager")
        self.fields["mentor"] = _person(user, Membership.Role.MENTOR, "Workplace mentor")

    def set_option_choices(self, standard: Standard | None) -> None:
        """Every option validates (so the service can say *why* one of another standard is wrong), but only
        the chosen standard's options are offered."""
        field = self.fields["option"]
        choices: list[tuple[str, str]] = [("", "No option (the standard has none)")]
        if standard is not None:
            choices += [(str(o.public_id), o.title) for o in standard.options.order_by("position", "title")]
        field.widget.choices = choices


class ApprenticeshipCreateForm(_PeopleFields):
    # The shared fields are declared first by the base class; the error summary lists errors in page order.
    field_order = (
        "apprentice_email",
        "apprentice_first_name",
        "apprentice_last_name",
        "provider",
        "employer",
        "standard",
        "option",
        "start_date",
        "planned_end_date",
    )
    apprentice_email = forms.EmailField(
        label="Apprentice's email address",
        help_text="We email them an invitation to set a password. Someone who already has an account is linked.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    apprentice_first_name = forms.CharField(label="Apprentice's first name", max_length=150, required=False)
    apprentice_last_name = forms.CharField(label="Apprentice's last name", max_length=150, required=False)
    provider = forms.ModelChoiceField(queryset=Organisation.objects.none(), to_field_name="public_id")
    employer = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), to_field_name="public_id", label="Employer", empty_label="Choose…"
    )
    standard = StandardChoiceField(
        queryset=Standard.objects.order_by("reference", "version"),
        to_field_name="public_id",
        label="Standard and version",
        empty_label="Choose…",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = provider_list_administered_by(user=user)
        _model_choice(self, "provider").queryset = providers
        self.fields["provider"].label = "Training provider"
        if len(providers) == 1:
            self.fields["provider"].initial = providers[0].public_id
            self.fields["provider"].widget = forms.HiddenInput()
        _model_choice(self, "employer").queryset = employer_list_administered_by(user=user).order_by("name")
        self.fields["employer"].error_messages["invalid_choice"] = "Choose one of your provider's employers."
        self.add_people(user)
        self.set_option_choices(self._chosen_standard())
        # Choosing a standard refreshes the option list in place (htmx); without script the server still checks.
        self.fields["standard"].widget.attrs.update(
            {
                "hx-get": reverse("apprenticeship-create-page"),
                "hx-target": "#option-field",
                "hx-select": "#option-field",
                "hx-swap": "outerHTML",
            }
        )

    def _chosen_standard(self) -> Standard | None:
        value = self.data.get("standard") if self.is_bound else self.initial.get("standard")
        if isinstance(value, Standard):
            return value
        try:
            return Standard.objects.filter(public_id=value).first() if value else None
        except ValidationError:
            return None


class ApprenticeshipEditForm(_PeopleFields):
    status = forms.ChoiceField(
        label="Status",
        choices=Apprenticeship.Status.choices,
        help_text="Choosing break in learning opens a break from today; use <em>Breaks in learning</em> on the "
        "apprenticeship's page to record other dates.",
    )
    # The off-the-job plan and what the gateway's gates read (portfolio/otj/, the English and maths gate).
    otj_planned_hours = forms.IntegerField(
        label="Planned off-the-job hours",
        required=False,
        min_value=1,
        max_value=10000,
        help_text="The OTJ volume in the training plan, in whole hours. Expected hours to date follow from it.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    rpl_hours = forms.IntegerField(
        label="Recognised prior learning (hours)",
        required=False,
        min_value=0,
        max_value=10000,
        help_text="Hours taken off the standard's minimum for learning done before the start.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    rpl_reason = forms.CharField(
        label="Reason for the RPL", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        widget=DATE,
        help_text="English and maths are required when the apprentice was 16 to 18 at the start.",
    )
    english_maths = forms.ChoiceField(
        label="English and maths", choices=Apprenticeship.EnglishMaths.choices, required=False
    )
    english_maths_reason = forms.CharField(
        label="Why English and maths are not required",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Needed when they are not required.",
    )

    PLAN_FIELDS = (
        "otj_planned_hours",
        "rpl_hours",
        "rpl_reason",
        "date_of_birth",
        "english_maths",
        "english_maths_reason",
    )

    def __init__(self, *args: Any, user: Any, apprenticeship: Apprenticeship, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "option": apprenticeship.option.public_id if apprenticeship.option else None,
                "start_date": apprenticeship.start_date,
                "planned_end_date": apprenticeship.planned_end_date,
                "status": apprenticeship.status,
                **{name: getattr(apprenticeship, name) for name in self.PLAN_FIELDS},
                **{
                    slot: getattr(apprenticeship, slot).public_id if getattr(apprenticeship, slot) else None
                    for slot in ("tutor", "assessor", "line_manager", "mentor")
                },
            },
        )
        super().__init__(*args, **kwargs)
        self.add_people(user)
        self.set_option_choices(apprenticeship.standard)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in self.PLAN_FIELDS:
            # A plan field the request did not send is left as it is (the page always sends them all).
            if name not in self.data:
                data.pop(name, None)
        if data.get("rpl_hours", 0) is None:
            data["rpl_hours"] = 0  # an empty box: no recognised prior learning
        if data.get("english_maths") == "":
            data.pop("english_maths")
        return data


class BreakStartForm(forms.Form):
    started_on = forms.DateField(label="First day of the break", widget=DATE)
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text="For example: long-term sickness, parental leave.",
    )  # fmt: skip


class BreakEndForm(forms.Form):
    ended_on = forms.DateField(
        label="Last day of the break",
        widget=DATE,
        help_text="The day before the apprentice returned to learning.",
    )


class InvitationForm(forms.Form):
    """Staff and employer contacts join an organisation in a role; an apprentice is (re-)invited to their
    apprenticeship at the address on it."""

    role = forms.ChoiceField(
        label="Role",
        choices=Invitation.ROLE_CHOICES,
        help_text="Provider admin, tutor, assessor and internal quality assurer work at your provider; "
        "line manager and workplace mentor at an employer.",
    )
    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
        label="Where they work",
        empty_label="Choose…",
        help_text="Your provider for staff; one of its employers for a line manager or mentor.",
    )
    apprenticeship = forms.ModelChoiceField(
        queryset=Apprenticeship.objects.none(), to_field_name="public_id", required=False, widget=forms.HiddenInput
    )
    email = forms.EmailField(
        label="Email address", required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _model_choice(self, "organisation").queryset = organisation_list_administered_by(user=user).order_by(
            "kind", "name"
        )
        self.fields["organisation"].error_messages["invalid_choice"] = "Choose your provider or one of its employers."
        _model_choice(self, "apprenticeship").queryset = apprenticeship_list_administered_by(user=user)
        self.fields["apprenticeship"].error_messages["invalid_choice"] = "That apprenticeship is not one of yours."
        # An apprentice is invited from their apprenticeship (hidden fields), so the list offers the others.
        self.fields["role"].widget.choices = Membership.Role.choices

    @property
    def for_apprentice(self) -> bool:
        role = self.data.get("role") if self.is_bound else self.initial.get("role")
        return role == Invitation.APPRENTICE

    def chosen_apprenticeship(self) -> Apprenticeship | None:
        """The apprenticeship an apprentice's invitation is for, to name it on the page (None if unknown)."""
        if not self.for_apprentice:
            return None
        value = self.data.get("apprenticeship") if self.is_bound else self.initial.get("apprenticeship")
        try:
            queryset = apprenticeship_list_administered_by(user=self.user)
            return queryset.filter(public_id=value).first() if value else None
        except ValidationError:
            return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("role") == Invitation.APPRENTICE:
            apprenticeship = data.get("apprenticeship")
            if apprenticeship is None:
                raise ValidationError("Open the apprenticeship and re-send its apprentice's invitation from there.")
            data["email"] = apprenticeship.apprentice.email
            data["organisation"] = None
        else:
            data["apprenticeship"] = None
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", "Enter the email address to send the invitation to.")
            if data.get("organisation") is None and "organisation" not in self.errors:
                self.add_error("organisation", "Choose where they work.")
        return data


def service_errors_to_form(form: forms.Form, exc: ValidationError, renames: dict[str, str] | None = None) -> None:
    """A service's field errors shown next to the form's field of the same name; the rest at the top."""
    renames = renames or {}
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            name = renames.get(field, field)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)
