from __future__ import annotations

from django import forms


class PlanImportForm(forms.Form):
    plan = forms.FileField(
        label="Assessment plan", help_text="The plan as text or HTML (for example ST1483-production-manager.aap.txt)."
    )
    api_document = forms.FileField(
        label="Standard from the Skills England API (optional)",
        required=False,
        help_text="The JSON of the standard: it gives the statement texts and behaviours.",
    )
    reference = forms.CharField(
        label="Reference", required=False, max_length=16, help_text="Only if the plan has none."
    )
    version = forms.CharField(label="Version", required=False, max_length=16, help_text="Only if the plan has none.")
    replace = forms.BooleanField(
        label="Replace the loaded version if this document differs", required=False, initial=False
    )
    dry_run = forms.BooleanField(label="Preview only: write nothing", required=False, initial=True)
