from __future__ import annotations

from typing import Any

from django import forms

from portfolio.evidence.models import Evidence


class EvidenceForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Evidence.Kind.choices)
    occurred_on = forms.DateField(label="Date it happened", widget=forms.DateInput(attrs={"type": "date"}))
    reflection = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you did, what you learned, and which knowledge and skills it shows.",
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field = self.fields["kind"]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
            field.choices = [(value, label) for value, label in Evidence.Kind.choices if value in kinds]
