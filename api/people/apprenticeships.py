from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.people.fields import PublicIdField
from api.people.serializers import ApprenticeshipOut
from api.permissions import IsProviderAdmin, ReadOnly
from portfolio.people.filters import ApprenticeshipFilter
from portfolio.people.models import Apprenticeship
from portfolio.people.selectors import (
    apprenticeship_get_for_user,
    apprenticeship_list_for_user,
    organisation_list_for_user,
    user_list_for_user,
)
from portfolio.people.services.apprenticeships import apprenticeship_create, apprenticeship_update
from portfolio.standards.models import Option, Standard


def _people_field() -> PublicIdField:
    return PublicIdField(
        scope=lambda user: user_list_for_user(user=user), model="person", required=False, allow_null=True
    )


class ApprenticeshipCreateIn(serializers.Serializer[Any]):
    provider = PublicIdField(scope=lambda user: organisation_list_for_user(user=user), model="provider")
    employer = PublicIdField(scope=lambda user: organisation_list_for_user(user=user), model="employer")
    apprentice_email = serializers.EmailField()
    apprentice_first_name = serializers.CharField(required=False, default="", max_length=150)
    apprentice_last_name = serializers.CharField(required=False, default="", max_length=150)
    standard = PublicIdField(scope=lambda user: Standard.objects.all(), model="standard")
    option = PublicIdField(
        scope=lambda user: Option.objects.all(), model="option", required=False, allow_null=True, default=None
    )
    start_date = serializers.DateField()
    planned_end_date = serializers.DateField()
    tutor = _people_field()
    assessor = _people_field()
    line_manager = _people_field()
    mentor = _people_field()


class ApprenticeshipUpdateIn(serializers.Serializer[Any]):
    option = PublicIdField(scope=lambda user: Option.objects.all(), model="option", required=False, allow_null=True)
    start_date = serializers.DateField(required=False)
    planned_end_date = serializers.DateField(required=False)
    status = serializers.ChoiceField(
        choices=Apprenticeship.Status.choices,
        required=False,
        help_text="moving into `break_in_learning` opens a break from today, moving out of it closes the open "
        "break; `.../breaks/` records other dates",
    )
    tutor = _people_field()
    assessor = _people_field()
    line_manager = _people_field()
    mentor = _people_field()
    otj_planned_hours = serializers.IntegerField(required=False, allow_null=True, help_text="planned OTJ hours")
    rpl_hours = serializers.IntegerField(required=False, help_text="recognised prior learning, hours")
    rpl_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    english_maths = serializers.ChoiceField(choices=Apprenticeship.EnglishMaths.choices, required=False)
    english_maths_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="why English and maths are not required"
    )


class ApprenticeshipListView(GenericAPIView[Apprenticeship]):
    """Apprenticeships the caller may see; provider admins create them here."""

    serializer_class = ApprenticeshipCreateIn
    permission_classes = [IsAuthenticated, ReadOnly | IsProviderAdmin]

    filter_backends = [DjangoFilterBackend]
    filterset_class = ApprenticeshipFilter

    def get_queryset(self) -> QuerySet[Apprenticeship]:
        if getattr(self, "swagger_fake_view", False):  # the schema reads the FilterSet's model, no one's rows
            return Apprenticeship.objects.none()
        return apprenticeship_list_for_user(user=self.request.user)

    @extend_schema(operation_id="apprenticeships_list", responses=ApprenticeshipOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ApprenticeshipOut(page, many=True).data)

    @idempotent
    @extend_schema(
        operation_id="apprenticeships_create",
        request=ApprenticeshipCreateIn,
        responses={201: ApprenticeshipOut},
        description="Creates the apprenticeship. An apprentice without an account is emailed an invitation; "
        "an existing account (matched by email) is linked, never duplicated.",
    )
    def post(self, request: Request) -> Response:
        data = ApprenticeshipCreateIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        apprenticeship, _ = apprenticeship_create(actor=request.user, **data.validated_data)
        return Response(ApprenticeshipOut(apprenticeship).data, status=status.HTTP_201_CREATED)


class ApprenticeshipDetailView(GenericAPIView[Apprenticeship]):
    serializer_class = ApprenticeshipUpdateIn
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="apprenticeships_retrieve", responses=ApprenticeshipOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        return Response(ApprenticeshipOut(apprenticeship).data)

    @extend_schema(
        operation_id="apprenticeships_partial_update",
        request=ApprenticeshipUpdateIn,
        responses=ApprenticeshipOut,
        description="Provider admins change the option, dates, status, the people assigned, the OTJ plan "
        "(planned hours, RPL hours with a reason), the date of birth and the English and maths status (with a reason "
        "when not required). The standard, provider, employer and apprentice are fixed.",
    )
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        # Found first (404 for anyone who cannot see it), then the service decides who may change it (403).
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = ApprenticeshipUpdateIn(data=request.data, context={"request": request}, partial=True)
        data.is_valid(raise_exception=True)
        apprenticeship = apprenticeship_update(actor=request.user, apprenticeship=apprenticeship, **data.validated_data)
        return Response(ApprenticeshipOut(apprenticeship).data)
