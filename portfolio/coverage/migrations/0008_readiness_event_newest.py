"""The readiness events newest first, in an index of their own: the feeds (the page and the API) read a page from
it by position, where sorting every event a reader may see cost each page more as events accumulated."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0007_coverage_summary_percent_covering_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="readinessevent",
            index=models.Index(fields=["-occurred_at", "-id"], name="readiness_event_newest"),
        ),
    ]
