"""The audit log reads who asked from the request being served, not from a parameter of every service."""

from __future__ import annotations

import pytest

from portfolio.audit.models import AuditEntry
from portfolio.audit.services import audit_record
from portfolio.core.request_context import RequestContext, request_context, request_context_set
from tests.factories import make_world


@pytest.mark.django_db
def test_an_entry_written_while_a_request_is_served_records_its_address_and_agent(client) -> None:
    world = make_world()
    client.force_login(world.admin)
    response = client.patch(
        f"/api/apprenticeships/{world.apprenticeship.public_id}/",
        {"tutor": str(world.tutor.public_id)},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT="context-test/2.0",
    )
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get(action="apprenticeship.update")
    assert (entry.ip, entry.user_agent) == ("198.51.100.7", "context-test/2.0")
    assert request_context() is None  # nothing is left behind once the response is out


@pytest.mark.django_db
def test_an_entry_written_outside_a_request_records_no_address() -> None:
    world = make_world()
    entry = audit_record(actor=world.admin, action="test.outside", target=world.apprenticeship)
    assert (entry.ip, entry.user_agent) == (None, "")
    with request_context_set(RequestContext(ip="203.0.113.9", user_agent="cmd")):
        inside = audit_record(actor=world.admin, action="test.inside", target=world.apprenticeship)
    assert (inside.ip, inside.user_agent) == ("203.0.113.9", "cmd")
