"""The reads every signed-in request makes, compiled once per process: the session (portfolio/core/sessions.py) and
its user (portfolio/people/backends.py). Each answers what Django's own read answers through the ORM, for people
of two organisations, an expired or unknown session, and an unknown, inactive or text id."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from portfolio.core.sessions import SessionStore
from portfolio.people.backends import LockoutAwareBackend
from portfolio.people.models import User
from tests.factories import build_world

pytestmark = pytest.mark.django_db


def _session(**data: Any) -> str:
    store = DjangoSessionStore()
    store.update(data)
    store.create()
    assert store.session_key is not None
    return store.session_key


def _row(store: Any) -> tuple[Any, ...] | None:
    found = store._get_session_from_db()
    return None if found is None else (found.session_key, found.session_data, found.expire_date)


def test_the_compiled_session_read_answers_what_djangos_answers() -> None:
    one, other = build_world()
    expired = _session(**{SESSION_KEY: str(other.tutor.pk)})
    Session.objects.filter(session_key=expired).update(expire_date=timezone.now() - timedelta(seconds=1))
    keys = [
        _session(**{SESSION_KEY: str(one.apprentice.pk)}),
        _session(**{SESSION_KEY: str(other.apprentice.pk), "note": "x"}),
        _session(),
        expired,
        "nosuchsessionkey0123456789abcdef",
    ]
    found = 0
    for key in keys:
        ours, djangos = SessionStore(key), DjangoSessionStore(key)
        row = _row(ours)
        assert row == _row(djangos)
        assert ours.session_key == djangos.session_key  # forgotten (None) when no row is read
        assert SessionStore(key).load() == DjangoSessionStore(key).load()
        found += row is not None
    assert found == 3


def test_the_compiled_user_read_answers_what_model_backends_answers() -> None:
    one, other = build_world()
    inactive = other.mentor
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    ids: list[Any] = [one.apprentice.pk, other.apprentice.pk, one.admin.pk, str(other.tutor.pk), inactive.pk, -1]
    found = 0
    for user_id in ids:
        ours, djangos = LockoutAwareBackend().get_user(user_id), ModelBackend().get_user(user_id)
        assert (ours and ours.__dict__ | {"_state": None}) == (djangos and djangos.__dict__ | {"_state": None})
        assert ours is None or not ours._state.adding
        found += ours is not None
    assert found == 4
