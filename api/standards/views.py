from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from api.standards.serializers import StandardDetailSerializer, StandardSummarySerializer
from portfolio.standards.models import Standard
from portfolio.standards.selectors import standard_get, standard_list


@extend_schema(
    summary="List the standards in the catalogue",
    parameters=[OpenApiParameter("reference", str, description="only this reference, e.g. ST1483")],
)
class StandardListView(generics.ListAPIView[Standard]):
    serializer_class = StandardSummarySerializer

    def get_queryset(self) -> QuerySet[Standard]:
        return standard_list(reference=self.request.query_params.get("reference"))


@extend_schema(summary="One standard version: options, AOs, statements with text, the AO mapping")
class StandardDetailView(generics.GenericAPIView[Standard]):
    serializer_class = StandardDetailSerializer

    def get(self, request: Request, reference: str, version: str) -> Response:
        standard = standard_get(reference=reference, version=version)
        return Response(self.get_serializer(standard).data)
