"""A webhook whose receiver fails twice then succeeds is delivered once, signed, to a real HTTP server."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.reviews.services.policy import review_policy_update
from portfolio.webhooks.models import WebhookDelivery
from portfolio.webhooks.services import webhook_delivery_attempt, webhook_delivery_resend, webhook_endpoint_create
from tests.factories import EvidenceFactory, make_catalogue, make_world


class Receiver(ThreadingHTTPServer):
    def __init__(self, fail_first: int) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.fail_first = fail_first
        self.received: list[dict[str, Any]] = []


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        failing = len(self.server.received) < self.server.fail_first
        self.server.received.append({"headers": dict(self.headers), "body": body, "answered": 500 if failing else 200})
        self.send_response(500 if failing else 200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(fail_first=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_fails_twice_then_delivered_once_with_a_valid_signature(receiver: Receiver, settings: Any) -> None:
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0  # each retry due at once; the backoff itself is tested below
    catalogue = make_catalogue(behaviours=())
    world = make_world(standard=catalogue.standard)
    port = receiver.server_port
    created = webhook_endpoint_create(actor=world.admin, provider=world.provider, url=f"http://127.0.0.1:{port}/hook")
    tags = [code for code in catalogue.statements if code != "S4"]
    EvidenceFactory.create(apprenticeship=world.apprenticeship, files=0, tags=tags, state="accepted")
    [event] = coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk]).events  # not ready -> ready
    [delivery] = WebhookDelivery.objects.all()

    delays = [webhook_delivery_attempt(delivery_id=delivery.pk) for _ in range(4)]

    assert delays == [0.0, 0.0, None, None]  # retry, retry, delivered, nothing left to do
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("delivered", 3, 200)
    assert [r["answered"] for r in receiver.received] == [500, 500, 200]  # the fourth call sent nothing
    for request in receiver.received:
        timestamp = request["headers"]["X-Portfolio-Timestamp"]
        expected = hmac.new(created.secret.encode(), f"{timestamp}.".encode() + request["body"], hashlib.sha256)
        assert hmac.compare_digest(request["headers"]["X-Portfolio-Signature"], expected.hexdigest())
    payload = json.loads(receiver.received[-1]["body"])
    assert (payload["id"], payload["type"], payload["ready"]) == (str(event.public_id), "readiness.ready", True)
    assert payload["apprenticeship"]["id"] == str(world.apprenticeship.public_id)
    assert payload["coverage"]["covered"] == payload["coverage"]["mapped"] == 6

    copy = webhook_delivery_resend(actor=world.admin, delivery=delivery)
    assert webhook_delivery_attempt(delivery_id=copy.pk) is None
    copy.refresh_from_db()
    assert copy.status == "delivered"
    assert json.loads(receiver.received[-1]["body"]) == payload  # the same event, sent again


@pytest.mark.django_db
def test_backoff_doubles_and_a_deactivated_endpoint_gets_nothing(receiver: Receiver, settings: Any) -> None:
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    world = make_world()
    port = receiver.server_port
    endpoint = webhook_endpoint_create(
        actor=world.admin, provider=world.provider, url=f"http://127.0.0.1:{port}/"
    ).endpoint
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="readiness.ready", event_id=world.standard.public_id, payload={}
    )
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == 30.0
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None  # not due yet: nothing sent
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == 60.0
    assert len(receiver.received) == 2

    endpoint.active = False
    endpoint.save()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert len(receiver.received) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["ftp://example.org/hook", "file:///etc/passwd", "javascript:alert(1)", "https://"])
def test_only_http_and_https_urls_are_accepted(url: str) -> None:
    world = make_world()
    with pytest.raises(ValidationError, match="http"):
        webhook_endpoint_create(actor=world.admin, provider=world.provider, url=url)


@pytest.mark.django_db
def test_a_policy_change_marks_every_apprenticeship_of_the_provider() -> None:
    from portfolio.coverage.models import CoverageDirty

    world = make_world()
    other = make_world()
    review_policy_update(actor=world.admin, provider=world.provider, evidence_per_statement=3)
    assert set(CoverageDirty.objects.values_list("apprenticeship_id", flat=True)) >= {world.apprenticeship.pk}
    assert not CoverageDirty.objects.filter(apprenticeship=other.apprenticeship).exists()
