from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portfolio.notify.selectors import notification_get_for_user, notification_list_for_user
from portfolio.notify.services.notifications import notification_mark_read


@require_GET
@login_required
def notification_list_page(request: HttpRequest) -> HttpResponse:
    notifications = notification_list_for_user(user=request.user)[:100]
    return render(request, "notify/list.html", {"notifications": notifications})


@require_POST
@login_required
def notification_mark_all_read_page(request: HttpRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("notification-list")


@require_GET
@login_required
def notification_open_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Following a notification's link marks it read, then goes where it points.

    Only a path on this site is followed (a link is written by our own services, but a redirect to
    whatever a row holds would be an open redirect if one were ever wrong).
    """
    notification = notification_get_for_user(user=request.user, public_id=public_id)
    notification_mark_read(user=request.user, public_ids=[notification.public_id])
    link = notification.link
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return redirect(link)
    return redirect("notification-list")
