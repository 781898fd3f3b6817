from django.urls import path

from portfolio.notify import views

urlpatterns = [
    path("", views.notification_list_page, name="notification-list"),
    path("read/", views.notification_mark_all_read_page, name="notification-mark-read"),
    path("<uuid:public_id>/open/", views.notification_open_page, name="notification-open"),
]
