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


# Every page's header shows the count: one statement written out, since building the ORM's count cost several
# times the CPU of running it (the index on recipient and read_at answers it).
_UNREAD_SQL = "SELECT COUNT(*) FROM {table} WHERE recipient_id = %s AND read_at IS NULL"


def notification_unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL.format(table=connection.ops.quote_name(Notification._meta.db_table)), [user.pk])
        return int(cursor.fetchone()[0])


def notification_get_for_user(*, user: Any, public_id: uuid.UUID | str) -> Notification:
    """One of the user's own notifications; anyone else's is a 404, like a missing one."""
    try:
        return Notification.objects.get(recipient=user, public_id=public_id)
    except (Notification.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc
