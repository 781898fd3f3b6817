from django.db import migrations, models

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("confirmed", "Confirmed by employer"),
    ("accepted", "Accepted"),
    ("returned", "Returned for changes"),
    ("withdrawn", "Withdrawn"),
]


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [
        # No decisions exist before this migration (nothing wrote them), so the defaults are never used.
        migrations.AddField(
            model_name="reviewdecision",
            name="from_state",
            field=models.CharField(choices=STATES, default="submitted", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reviewdecision",
            name="to_state",
            field=models.CharField(choices=STATES, default="submitted", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reviewdecision",
            name="invalidation_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("changed", "The evidence changed"),
                    ("returned", "Returned for changes"),
                    ("withdrawn", "Withdrawn"),
                    ("resubmitted", "Submitted again"),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="reviewdecision",
            name="evidence_version",
            field=models.PositiveIntegerField(help_text="the version decided on"),
        ),
    ]
