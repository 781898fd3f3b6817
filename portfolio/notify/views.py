from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portfolio.notify.selectors import notification_list_for_user
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
