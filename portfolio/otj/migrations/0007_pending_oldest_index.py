"""The pending OTJ entries oldest first, in a partial index of their own: the approval queue's page (the page and
`GET /api/otj/queue/`) reads its first entries in order from it, where sorting every waiting entry of a provider
cost most of each page."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("otj", "0006_pending_count_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="otjactivity",
            index=models.Index(
                condition=models.Q(state="pending"),
                fields=["date", "start_time", "id"],
                name="otj_activity_pending_oldest",
            ),
        ),
    ]
