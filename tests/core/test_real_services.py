"""Proof that the suite runs on the real services, not stand-ins."""

import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection

from portfolio.storage import ObjectMissing, get_store
from workers.tasks.system import ping


@pytest.mark.django_db
def test_database_is_postgresql() -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert version.startswith("PostgreSQL")


def test_object_written_through_storage_is_read_back_by_plain_boto3(plain_s3) -> None:
    key = f"tests/{uuid.uuid4()}.txt"
    body = b"evidence bytes " + uuid.uuid4().bytes
    get_store().put(key, body, content_type="text/plain")

    fetched = plain_s3.get_object(Bucket=settings.S3_BUCKET, Key=key)
    assert fetched["Body"].read() == body
    assert fetched["ContentType"] == "text/plain"
    assert b"".join(get_store().stream(key)) == body

    get_store().delete(key)
    assert plain_s3.list_objects_v2(Bucket=settings.S3_BUCKET, Prefix=key).get("KeyCount") == 0
    with pytest.raises(ObjectMissing):
        get_store().head(key)


def test_storage_refuses_keys_that_walk_out_of_their_prefix() -> None:
    for key in ("../etc/passwd", "a/../../b", "/absolute", ""):
        with pytest.raises(ValueError, match="invalid object key"):
            get_store().put(key, b"x", content_type="text/plain")


def test_celery_task_result_comes_back_through_redis_from_a_worker_process(celery_worker) -> None:
    import os

    token = uuid.uuid4().hex
    result = ping.delay(token)
    answer = result.get(timeout=30)

    assert answer["token"] == token
    assert answer["worker_pid"] == str(celery_worker.pid)
    assert answer["worker_pid"] != str(os.getpid())
    # The result is stored in Redis, where a plain client can read it.
    raw = redis.Redis.from_url(str(settings.CELERY_RESULT_BACKEND)).get(f"celery-task-meta-{result.id}")
    assert isinstance(raw, bytes)
    assert token.encode() in raw
