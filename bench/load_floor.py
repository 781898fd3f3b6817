"""The floor for the coverage read, for `bench/load.py`: the project's settings and URLs plus one bare REST
framework endpoint that returns an apprenticeship's stored coverage JSON.

`GET /bench/floor/<id>/` authenticates like every API view (token), fetches the kept answer by the apprenticeship's
public id in one query (no scoping, no summary, no dirty mark) and sends it as it is: what any endpoint serving
this JSON must at least do on this machine. gunicorn loads it through DJANGO_SETTINGS_MODULE=load_settings.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.views import APIView


class FloorView(APIView):
    def get(self, request: Request, public_id: uuid.UUID) -> HttpResponse:
        from portfolio.coverage.models import CoverageExplanation

        body = (
            CoverageExplanation.objects.filter(apprenticeship__public_id=public_id)
            .values_list("body", flat=True)
            .first()
        )
        if body is None:
            raise Http404
        return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench/floor/<uuid:public_id>/", FloorView.as_view()),
    path("", include("portfolio.urls")),
]
