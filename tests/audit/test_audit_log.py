from __future__ import annotations

import contextlib
import hashlib
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError

from portfolio.audit.models import AuditEntry, AuditLogImmutable
from portfolio.audit.services import audit_payload, audit_record, audit_verify, canonical_json
from portfolio.core.request_context import RequestContext, request_context_set
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def _entry() -> AuditEntry:
    world = make_world()
    with request_context_set(RequestContext(ip="203.0.113.5", user_agent="pytest-agent/1.0")):
        return audit_record(
            actor=world.admin,
            action="test.change",
            target=world.apprenticeship,
            changes={"status": ["in_learning", "ready"], "when": world.apprenticeship.start_date},
        )


def test_an_entry_records_who_what_which_when_and_where() -> None:
    entry = AuditEntry.objects.get(pk=_entry().pk)
    assert entry.actor_repr.endswith("@example.org")
    assert entry.target_type is not None
    assert entry.target_type.model == "apprenticeship"
    assert entry.target_public_id is not None
    assert entry.ip == "203.0.113.5"
    assert entry.user_agent == "pytest-agent/1.0"
    assert entry.changes == {"status": ["in_learning", "ready"], "when": "2025-09-01"}
    assert entry.at.tzinfo is not None


def test_the_digest_is_sha256_of_the_canonical_json_and_detects_a_change() -> None:
    entry = AuditEntry.objects.get(pk=_entry().pk)
    assert entry.digest == hashlib.sha256(canonical_json(audit_payload(entry)).encode()).hexdigest()
    assert audit_verify(entry=entry)
    entry.changes = {"status": ["in_learning", "withdrawn"]}
    assert not audit_verify(entry=entry)


def test_canonical_json_does_not_depend_on_key_order() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == canonical_json({"a": [1, {"c": 3, "d": 2}], "b": 1})


def test_the_model_refuses_update_and_delete() -> None:
    entry = _entry()
    entry.action = "rewritten"
    with pytest.raises(AuditLogImmutable):
        entry.save()
    with pytest.raises(AuditLogImmutable):
        entry.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.change"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET action = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_postgresql_refuses_update_and_delete_in_raw_sql(sql: str) -> None:
    entry = _entry()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.change"


def test_an_entry_that_cannot_be_written_fails_the_callers_transaction(
    django_assert_num_queries: Any,
) -> None:
    """The entry takes no savepoint of its own: a caller that swallowed its failure cannot go on to commit the
    change without its record. And writing one inside a transaction is one statement, with no savepoint."""
    world = make_world()
    with transaction.atomic():
        audit_record(actor=world.admin, action="test.warm", target=world.apprenticeship)  # content type cached
        with django_assert_num_queries(1):
            audit_record(actor=world.admin, action="test.one", target=world.apprenticeship)
    with transaction.atomic():
        with contextlib.suppress(TypeError):
            audit_record(actor=world.admin, action="test.bad", target=world.apprenticeship, changes={"x": object()})
        with pytest.raises(TransactionManagementError):
            AuditEntry.objects.count()  # refused: the transaction must roll back
        transaction.set_rollback(True)
    assert not AuditEntry.objects.filter(action="test.bad").exists()
