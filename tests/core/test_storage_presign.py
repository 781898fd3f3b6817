"""Presigned upload and download URLs, used over HTTP as a browser would, on both back ends."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from portfolio.storage import get_store, presign_get, presign_post
from tests.storage_backends import Backend

KEY = "evidence/ab/abcdef0123456789"
NAME = "R\u00e9flexion \u2013 week 3.pdf"


def _post(**overrides: Any) -> Any:
    terms = {"key": KEY, "content_type": "application/pdf", "min_size": 1, "max_size": 100, "expires_in": 60}
    return presign_post(**{**terms, **overrides})


def test_a_download_url_returns_the_bytes_under_the_original_name(backend: Backend) -> None:
    data = b"%PDF-1.4 evidence"
    get_store().put(KEY, data, content_type="application/pdf")

    url = presign_get(key=KEY, filename=NAME, content_type="application/pdf", expires_in=60)
    response = requests.get(backend.absolute(url), timeout=30)

    assert response.status_code == 200
    assert response.content == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Reflexion _ week 3.pdf\"; filename*=UTF-8''R%C3%A9flexion%20%E2%80%93%20week%203.pdf"
    )
    get_store().delete(KEY)


@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_s3_post_policy_names_exactly_one_key_type_and_size_range(backend: Backend) -> None:
    post = _post()
    policy = json.loads(base64.b64decode(post.fields["policy"]))

    assert ["eq", "$key", KEY] in policy["conditions"]
    assert ["eq", "$Content-Type", "application/pdf"] in policy["conditions"]
    assert ["content-length-range", 1, 100] in policy["conditions"]
    assert post.fields["key"] == KEY
    assert not any(condition[0] == "starts-with" for condition in policy["conditions"] if isinstance(condition, list))


def test_s3_urls_for_browsers_use_the_public_endpoint(s3_server: str, settings: Any, plain_s3: Any) -> None:
    public = s3_server.replace("127.0.0.1", "localhost")
    settings.S3_PUBLIC_ENDPOINT_URL = public

    post = _post()
    download = presign_get(key=KEY, filename="a.pdf", content_type="application/pdf", expires_in=60)

    assert post.url.startswith(public + "/")
    assert download.startswith(public + "/")
    # The server-side client still uses the private endpoint.
    assert get_store().client.meta.endpoint_url == s3_server  # type: ignore[attr-defined]
    # And the public URL works: the upload lands in the bucket.
    files = {"file": ("a.pdf", b"%PDF-1.4 x", "application/pdf")}
    assert requests.post(post.url, data=post.fields, files=files, timeout=30).status_code == 204
    assert plain_s3.get_object(Bucket=settings.S3_BUCKET, Key=KEY)["Body"].read() == b"%PDF-1.4 x"
    plain_s3.delete_object(Bucket=settings.S3_BUCKET, Key=KEY)


def _local_post(backend: Backend, fields: dict[str, str], data: bytes = b"%PDF-1.4 x") -> requests.Response:
    return requests.post(
        backend.absolute(_post().url),
        data=fields,
        files={"file": ("a.pdf", data, "application/pdf")},
        timeout=30,
    )


@pytest.mark.parametrize("backend", ["local"], indirect=True)
def test_the_local_endpoint_checks_the_signed_policy(backend: Backend) -> None:
    fields = _post().fields
    refusals = {
        "forged": {**fields, "policy": fields["policy"][:-2] + "xx"},
        "other key": {**fields, "key": "evidence/ab/someone-elses"},
        "other type": {**fields, "Content-Type": "text/html"},
        "no policy": {"key": KEY, "Content-Type": "application/pdf"},
    }
    for case, form in refusals.items():
        response = _local_post(backend, form)
        assert response.status_code == 403, case
        assert response.json()["code"] == "AccessDenied", case
    too_small = presign_post(key=KEY, content_type="application/pdf", min_size=50, max_size=100, expires_in=60)
    response = _local_post(backend, too_small.fields)
    assert response.status_code == 400
    assert response.json()["code"] == "EntityTooSmall"
    no_file = requests.post(backend.absolute(_post().url), data=fields, files={}, timeout=30)
    assert no_file.status_code == 400
    assert backend.stored_keys() == []

    assert _local_post(backend, fields).status_code == 204
    assert backend.stored_keys() == [KEY]


@pytest.mark.parametrize("backend", ["local"], indirect=True)
def test_a_local_download_link_cannot_be_altered_or_used_after_expiry(backend: Backend) -> None:
    get_store().put(KEY, b"bytes", content_type="text/plain")
    url = backend.absolute(presign_get(key=KEY, filename="a.txt", content_type="text/plain", expires_in=2))
    tampered = url[:-3] + ("abc" if not url.endswith("abc") else "xyz")

    assert requests.get(url, timeout=30).status_code == 200  # a link lasts at least as long as it was made for
    assert requests.get(tampered, timeout=30).status_code == 404
    payload = parse_qs(urlsplit(url).query)["token"][0].split(":")[0]  # signed JSON, as Django's signing writes it
    expires = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"]
    time.sleep(max(0.0, expires - time.time()) + 0.1)  # let the link run out; nothing here measures time
    assert requests.get(url, timeout=30).status_code == 404
    assert urlsplit(url).path == "/uploads/local/download"


@pytest.mark.parametrize(
    ("content_type", "disposition"),
    [
        ("application/pdf", "inline"),
        ("image/png", "inline"),
        ("image/svg+xml", "attachment"),
        ("text/html", "attachment"),
    ],
)
def test_an_inline_link_shows_only_the_safe_types_in_the_browser(
    backend: Backend, content_type: str, disposition: str
) -> None:
    # A preview of a type that could run script (SVG, HTML) is an attachment all the same.
    get_store().put(KEY, b"bytes", content_type=content_type)

    url = presign_get(key=KEY, filename="week 3.pdf", content_type=content_type, expires_in=60, inline=True)
    response = requests.get(backend.absolute(url), timeout=30)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'{disposition}; filename="week 3.pdf"'
    get_store().delete(KEY)
