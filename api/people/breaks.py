"""Breaks in learning of an apprenticeship: GET/POST .../breaks/ (list, start one), POST .../breaks/end/."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from portfolio.people.models import BreakInLearning
from portfolio.people.selectors import apprenticeship_get_for_user
from portfolio.people.services.breaks import break_in_learning_end, break_in_learning_start


class BreakOut(serializers.ModelSerializer[BreakInLearning]):
    class Meta:
        model = BreakInLearning
        fields = ["started_on", "ended_on", "reason", "created_at"]


class BreakStartIn(serializers.Serializer[Any]):
    started_on = serializers.DateField(help_text="the first day of the break (today or earlier)")
    reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class BreakEndIn(serializers.Serializer[Any]):
    ended_on = serializers.DateField(help_text="the last day of the break, the day before learning resumed")


class BreakListView(GenericAPIView[BreakInLearning]):
    serializer_class = BreakStartIn
    pagination_class = None

    @extend_schema(
        operation_id="breaks_list",
        responses=BreakOut(many=True),
        tags=["apprenticeships"],
        description="The apprenticeship's breaks in learning, latest first (`ended_on` null: open).",
    )
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        breaks = BreakInLearning.objects.filter(apprenticeship=apprenticeship).order_by("-started_on")
        return Response(BreakOut(breaks, many=True).data)

    @idempotent
    @extend_schema(
        operation_id="breaks_start",
        request=BreakStartIn,
        responses={201: BreakOut},
        tags=["apprenticeships"],
        description="A provider admin records the start of a break; the status becomes `break_in_learning`. "
        "Refused while a break is open, before the start date, in the future, or inside an earlier break.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = BreakStartIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = break_in_learning_start(actor=request.user, apprenticeship=apprenticeship, **data.validated_data)
        return Response(BreakOut(record).data, status=status.HTTP_201_CREATED)


class BreakEndView(GenericAPIView[BreakInLearning]):
    serializer_class = BreakEndIn

    @extend_schema(operation_id="breaks_end", request=BreakEndIn, responses=BreakOut, tags=["apprenticeships"],
                   description="A provider admin records the last day of the open break; the status goes back to "
                   "`in_learning`.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = BreakEndIn(data=request.data)
        data.is_valid(raise_exception=True)
        record = break_in_learning_end(actor=request.user, apprenticeship=apprenticeship, **data.validated_data)
        return Response(BreakOut(record).data)
