"""What every evidence endpoint shares: a refused request answers in the API's error shape."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.evidence.serializers import ErrorOut
from portfolio.evidence.errors import EvidenceRefused


class EvidenceAPIView(GenericAPIView[Any]):
    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, EvidenceRefused):
            return Response({"code": exc.code, "message": exc.message, "details": exc.details}, status=exc.status)
        return super().handle_exception(exc)


REFUSED = OpenApiResponse(ErrorOut, description="refused by a rule: `code` names it, `message` says what to do")
CONFLICT = OpenApiResponse(ErrorOut, description="the item's (or file's) state does not allow it")
