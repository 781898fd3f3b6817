"""Each apprenticeship's coverage percent in an index of its own (PostgreSQL): the cohort sorts a provider's
apprenticeships by it, and read from the summaries' table (half-empty pages, 0003) the sort scanned every summary
and took each row's percent from its middle; an index-only scan reads a few pages. SQLite has no INCLUDE."""

from django.db import migrations

NAME = "coverage_summary_percent_of"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON coverage_coveragesummary (apprenticeship_id) INCLUDE (percent)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("coverage", "0006_coverage_summary_gateway_index")]

    operations = [migrations.RunPython(create, drop)]
