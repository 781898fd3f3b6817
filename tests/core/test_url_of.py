"""`{% url_of %}` (portfolio/core/templatetags/addresses.py) writes what `{% url %}` writes, its `reverse()` kept
once per process for each URLconf and script prefix: the same addresses for any public ids, under the prefix the
site is mounted at, and any other argument reversed as `{% url %}` reverses it."""

from __future__ import annotations

import uuid

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, set_script_prefix

from portfolio.core.html import url_around, url_of


def _both(source: str, **context: object) -> tuple[str, str]:
    url = Template("{% load addresses %}" + source.replace("TAG", "url")).render(Context(context))
    kept = Template("{% load addresses %}" + source.replace("TAG", "url_of")).render(Context(context))
    return url, kept


def test_the_same_address_as_the_url_tag() -> None:
    for _ in range(2):  # reversed, then kept
        first, second = uuid.uuid4(), uuid.uuid4()
        url, kept = _both(
            "{% TAG 'evidence-detail-page' a %}|{% TAG 'evidence-file-remove-page' a b %}|{% TAG 'otj-mine-page' %}",
            a=first,
            b=second,
        )
        assert url == kept
        assert kept == f"/evidence/{first}/|/evidence/{first}/files/{second}/remove/|/otj/"
        before, after = url_around("progress-page")
        assert before + str(first) + after == url_of("progress-page", first) == f"/progress/{first}/"


def test_the_address_carries_the_prefix_the_site_is_mounted_under() -> None:
    public_id = uuid.uuid4()
    assert _both("{% TAG 'evidence-detail-page' a %}", a=public_id)[1] == f"/evidence/{public_id}/"
    set_script_prefix("/portfolio/")  # as the WSGI handler sets it from SCRIPT_NAME
    try:
        url, kept = _both("{% TAG 'evidence-detail-page' a %}", a=public_id)
    finally:
        set_script_prefix("/")
    assert url == kept == f"/portfolio/evidence/{public_id}/"
    assert _both("{% TAG 'evidence-detail-page' a %}", a=public_id)[1] == f"/evidence/{public_id}/"


def test_another_argument_is_reversed_as_the_url_tag_reverses_it() -> None:
    public_id = uuid.uuid4()
    url, kept = _both("{% TAG 'evidence-detail-page' a %}", a=str(public_id))
    assert url == kept == f"/evidence/{public_id}/"
    for tag in ("url", "url_of"):
        with pytest.raises(NoReverseMatch):
            Template("{% load addresses %}{% " + tag + " 'evidence-detail-page' a %}").render(Context({"a": "x<y"}))
