"""Evidence newest first, in an index of its own: staff's lists across their organisation (the evidence page and
`GET /api/evidence/`) read a page from it, where sorting all of a provider's items cost most of each page."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0009_latest_change_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(fields=["-occurred_on", "-id"], name="evidence_newest"),
        ),
    ]
