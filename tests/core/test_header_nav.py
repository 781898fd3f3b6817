"""The header's links are rendered once per process for each set of roles (`{% rendered_once_per %}` in
templates/base.html): whoever asks in whatever order, each person's menu is the one rendered for them alone, and
the links carry the prefix the site is mounted under."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import set_script_prefix

from portfolio.core.templatetags.fragments import RenderedOncePerNode
from tests.factories import UserFactory, build_world

pytestmark = pytest.mark.django_db


def _nav(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/standards/")
    assert response.status_code == 200
    found = re.search(r'<nav aria-label="Main">(.*?)</nav>', response.content.decode(), re.S)
    assert found is not None
    # The sign-out form's CSRF token differs per request.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", found.group(1))


def test_each_person_sees_the_menu_of_their_own_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    own, other = build_world()
    superuser = UserFactory.create(is_superuser=True, is_staff=True)
    people = [own.apprentice, own.tutor, own.line_manager, own.admin, superuser, other.apprentice, other.assessor]
    with monkeypatch.context() as patched:  # rendered afresh for each request: what each menu must be
        patched.setattr(RenderedOncePerNode, "render", lambda self, context: self.nodelist.render(context))
        fresh = [_nav(person) for person in people]
    assert len(set(fresh[:5])) == 5  # five sets of roles, five menus
    for person, expected in [*zip(people, fresh, strict=True), *reversed(list(zip(people, fresh, strict=True)))]:
        assert _nav(person) == expected, person


def test_the_links_carry_the_prefix_the_site_is_mounted_under() -> None:
    own, _ = build_world()
    assert 'href="/standards/"' in _nav(own.tutor)
    set_script_prefix("/portfolio/")  # as the WSGI handler sets it from SCRIPT_NAME (the test client does not)
    try:
        mounted = _nav(own.tutor)
    finally:
        set_script_prefix("/")
    links = re.findall(r'(?:href|action)="([^"]+)"', mounted)
    assert links
    assert all(link.startswith("/portfolio/") for link in links), links
