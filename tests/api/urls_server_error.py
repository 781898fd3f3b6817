"""A URL configuration for tests only: the project's, plus views that fail, to see how a server error answers."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class DatabaseErrorView(APIView):
    """An API view whose query PostgreSQL refuses: a real server error inside DRF."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
        return Response({})


def failing_view(request: HttpRequest) -> HttpResponse:
    """A plain Django view (not DRF) that fails: Django's handler500 answers."""
    raise RuntimeError("boom")


urlpatterns = [
    path("api/test-only/database-error/", DatabaseErrorView.as_view()),
    path("api/test-only/django-error/", failing_view),
    path("test-only/page-error/", failing_view),
    *urlpatterns,
]
