"""Readiness states (portfolio/coverage/readiness_states.py): the summary's state and failing gates, and each
event's state, the state it left and its causes. Events recorded before states existed were either "ready" or
"not ready", alternating from "not ready"."""

import django.utils.timezone
from django.db import migrations, models

STATES = [
    ("not_ready", "Not ready for gateway"),
    ("ready", "Ready for gateway"),
    ("gateway_signed", "Gateway signed"),
    ("with_assessment_organisation", "With the assessment organisation"),
]


def recompute_everyone(apps, schema_editor):
    """Every summary gains the new gates at its next recompute: mark them all, and the periodic pass (beat) works
    through them in batches after the deployment."""
    dirty = apps.get_model("coverage", "CoverageDirty")
    apprenticeships = apps.get_model("people", "Apprenticeship")
    now = django.utils.timezone.now()
    dirty.objects.bulk_create(
        [dirty(apprenticeship_id=pk, marked_at=now, reason="gateway gates added")
         for pk in apprenticeships.objects.values_list("pk", flat=True).iterator()],
        batch_size=5000,
        ignore_conflicts=True,
    )  # fmt: skip


def states_from_ready(apps, schema_editor):
    summaries = apps.get_model("coverage", "CoverageSummary")
    events = apps.get_model("coverage", "ReadinessEvent")
    summaries.objects.filter(ready=True).update(state="ready")
    events.objects.filter(ready=True).update(state="ready", previous_state="not_ready")
    events.objects.filter(ready=False).update(state="not_ready", previous_state="ready")


class Migration(migrations.Migration):
    dependencies = [("coverage", "0003_coverage_fillfactor"), ("people", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="coveragesummary",
            name="blocking",
            field=models.JSONField(default=list, help_text="the gates that are on and not passed, in checklist order"),
        ),
        migrations.AddField(
            model_name="coveragesummary",
            name="state",
            field=models.CharField(choices=STATES, default="not_ready", max_length=32),
        ),
        migrations.AlterField(
            model_name="coveragesummary",
            name="gates",
            field=models.JSONField(default=dict, help_text="every gateway gate: on or off, passed or not, its figures"),
        ),
        migrations.AlterField(
            model_name="coveragesummary",
            name="ready",
            field=models.BooleanField(
                default=False, help_text="every gate that is on passes (ready for gateway or beyond)"
            ),
        ),
        migrations.AddField(
            model_name="readinessevent",
            name="state",
            field=models.CharField(choices=STATES, default="not_ready", help_text="the state entered", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="readinessevent",
            name="previous_state",
            field=models.CharField(choices=STATES, default="not_ready", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="readinessevent",
            name="causes",
            field=models.JSONField(
                default=list, help_text="the gates (or signatures, referral) whose change caused it"
            ),
        ),
        migrations.AlterField(
            model_name="readinessevent",
            name="ready",
            field=models.BooleanField(help_text="every gate that is on passes in the state entered"),
        ),
        migrations.AlterField(
            model_name="readinessevent",
            name="coverage",
            field=models.JSONField(help_text="the summary, gates and per-AO coverage at the change"),
        ),
        migrations.RunPython(states_from_ready, migrations.RunPython.noop),
        migrations.RunPython(recompute_everyone, migrations.RunPython.noop),
    ]
