from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from portfolio.notify.models import Notification


def notification_list_for_user(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


# Every page's header shows the unread count: one statement written out (building the ORM's count cost several
# times the CPU of running it; the index on recipient and read_at answers it), counting up to this many and showing
# more as "99+", as a person who never reads their notifications would otherwise have each page count all of them.
BADGE_MOST = 99
_UNREAD_UP_TO_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE recipient_id = %s AND read_at IS NULL LIMIT %s) AS unread"
)


def notification_unread_badge(*, user: Any) -> str:
    """The header's unread count: "" for none, the number up to 99, "99+" beyond (at most 100 index entries read)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    table = connection.ops.quote_name(Notification._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_UP_TO_SQL.format(table=table), [user.pk, BADGE_MOST + 1])
        unread = int(cursor.fetchone()[0])
    return "" if unread == 0 else f"{BADGE_MOST}+" if unread > BADGE_MOST else str(unread)


def notification_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> Notification:
    """One of the user's own notifications; anyone else's is a 404, like a missing one."""
    try:
        return Notification.objects.get(recipient=user, public_id=public_id)
    except (Notification.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc
