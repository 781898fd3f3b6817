from django.urls import path

from portfolio.otj import staff_views, views

urlpatterns = [
    path("", views.otj_mine, name="otj-mine-page"),
    path("apprenticeships/<uuid:public_id>/", views.otj_log, name="otj-log-page"),
    path("entries/<uuid:public_id>/", views.otj_entry, name="otj-entry-page"),
    path("entries/<uuid:public_id>/edit/", views.otj_entry_edit, name="otj-entry-edit-page"),
    path("entries/<uuid:public_id>/delete/", views.otj_entry_delete, name="otj-entry-delete-page"),
    path("approvals/", staff_views.otj_queue, name="otj-queue-page"),
    path("minimums/", staff_views.otj_minimums, name="otj-minimums-page"),
    path("minimums/import/", staff_views.otj_minimums_import_page, name="otj-minimums-import-page"),
]
