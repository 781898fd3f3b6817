from django.urls import path

from portfolio.core import local_storage_views

urlpatterns = [
    path("", local_storage_views.local_upload, name="local-upload"),
    path("download", local_storage_views.local_download_view, name="local-download"),
]
