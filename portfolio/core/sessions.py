"""Sessions kept in the database, as Django's `db` engine keeps them, their read compiled once per process.

Every signed-in page reads its session first. Building and compiling the ORM's `get()` for it cost about as much
CPU as the rest of reading and checking the session: the SQL is the same each time, so it is compiled once
(portfolio/core/compiled.py) and run with the session key and the time. Writing, expiring and cycling sessions stay
Django's.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from portfolio.core.compiled import CompiledQuery


def _unexpired(session_key: str, now: datetime.datetime) -> QuerySet[Session]:
    # What `Session.objects.get(session_key=..., expire_date__gt=now)` reads (get() drops any ordering).
    return Session.objects.filter(session_key=session_key, expire_date__gt=now).order_by()


_SESSION = CompiledQuery(
    _unexpired,
    # SQLite is sent the time as text: the stand-in and the real time are prepared as the column prepares them.
    fields={"now": Session._meta.get_field("expire_date")},
    session_key="compiled-session-key-stand-in",
    now=datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        # The key is the primary key: one row or none. None forgets the key, as Django's store does, so a
        # session that expired or was deleted is saved under a new key.
        found = _SESSION.objects(session_key=self.session_key, now=timezone.now())
        if found:
            return found[0]
        self._session_key = None
        return None
