"""Room on each page for the next version of a row (PostgreSQL), so a recompute's updates are HOT updates.

Every recompute rewrites its summaries (computed_at, recompute_count) and the AO rows that changed. With full
pages each new row version goes to another page and every index gets a new entry; with room on the page, and no
indexed column changed, PostgreSQL writes the version beside the old one and leaves the indexes alone. Existing
rows move as they are rewritten (or at once with VACUUM FULL).
"""

from django.db import migrations

FILLFACTOR = {"coverage_coveragesummary": 50, "coverage_aocoverage": 80}


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, percent in FILLFACTOR.items():
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET (fillfactor = {int(percent)})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FILLFACTOR:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("coverage", "0002_aocoverage_coveragesummary_readinessevent")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
