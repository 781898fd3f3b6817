import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
def test_healthz_reports_every_part_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert body["database"] == {"ok": True, "detail": "postgresql"}
    assert body["broker"]["ok"] is True
    assert body["storage"]["ok"] is True
    assert "s3 bucket" in body["storage"]["detail"]


@pytest.mark.django_db
def test_healthz_names_a_missing_bucket(client: Client) -> None:
    with override_settings(S3_BUCKET="no-such-bucket"):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["storage"]
    assert "no-such-bucket" in body["storage"]["detail"]


@pytest.mark.django_db
def test_healthz_names_an_unreachable_broker(client: Client) -> None:
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


@pytest.mark.django_db
def test_healthz_needs_no_login_and_only_answers_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
