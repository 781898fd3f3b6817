"""PostgreSQL plans a query a connection repeats once: psycopg prepares it (settings: DATABASE_PREPARED_STATEMENTS)."""

import pytest
from django.db import connection

from portfolio.people.models import Organisation

pytestmark = pytest.mark.django_db


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_sent_twice_is_prepared_and_answers_as_before() -> None:
    made = Organisation.objects.create(kind=Organisation.Kind.PROVIDER, name="Prepared provider")
    named = Organisation.objects.filter(name="Prepared provider").values_list("pk", flat=True)
    answers = [list(named.all()) for _ in range(3)]
    assert answers == [[made.pk]] * 3
    assert any('"people_organisation"."name" = $1' in statement for statement in _prepared())
