"""What every page's header needs: the person's roles (for the menu) and their unread notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portfolio.notify.selectors import notification_unread_badge
from portfolio.people.selectors import request_user_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages that never render the header (JSON, redirects) pay no query.
    user = getattr(request, "user", None)
    return {
        "nav_roles": SimpleLazyObject(lambda: request_user_roles(request=request)),
        "unread_notifications": SimpleLazyObject(lambda: notification_unread_badge(user=user)),
    }
