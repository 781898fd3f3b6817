from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.people.fields import PublicIdField
from api.people.serializers import OrganisationOut
from api.permissions import IsProviderAdmin, ReadOnly
from portfolio.people.models import Organisation
from portfolio.people.selectors import organisation_get_for_user, organisation_list_for_user
from portfolio.people.services.organisations import organisation_create, organisation_update


class OrganisationFilter(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)


class OrganisationCreateIn(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    name = serializers.CharField(max_length=255)
    ukprn = serializers.CharField(max_length=8, required=False, default="", allow_blank=True)
    provider = PublicIdField(
        scope=lambda user: organisation_list_for_user(user=user),
        model="provider",
        required=False,
        allow_null=True,
        default=None,
        help_text="for an employer: the training provider that works with it",
    )


class OrganisationUpdateIn(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255, required=False)
    ukprn = serializers.CharField(max_length=8, required=False, allow_blank=True)


class OrganisationListView(GenericAPIView[Organisation]):
    serializer_class = OrganisationCreateIn
    permission_classes = [IsAuthenticated, ReadOnly | IsProviderAdmin]

    @extend_schema(
        operation_id="organisations_list",
        parameters=[OrganisationFilter],
        responses=OrganisationOut(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = OrganisationFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = organisation_list_for_user(user=request.user)
        if "kind" in filters.validated_data:
            queryset = queryset.filter(kind=filters.validated_data["kind"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(OrganisationOut(page, many=True).data)

    @extend_schema(
        operation_id="organisations_create",
        request=OrganisationCreateIn,
        responses={201: OrganisationOut},
        description="Provider admins add employers they work with; only site administrators add providers.",
    )
    def post(self, request: Request) -> Response:
        data = OrganisationCreateIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        organisation = organisation_create(actor=request.user, **data.validated_data)
        return Response(OrganisationOut(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationDetailView(GenericAPIView[Organisation]):
    serializer_class = OrganisationUpdateIn
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="organisations_retrieve", responses=OrganisationOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(OrganisationOut(organisation_get_for_user(user=request.user, public_id=public_id)).data)

    @extend_schema(operation_id="organisations_partial_update", request=OrganisationUpdateIn, responses=OrganisationOut)
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        organisation = organisation_get_for_user(user=request.user, public_id=public_id)
        data = OrganisationUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organisation = organisation_update(actor=request.user, organisation=organisation, **data.validated_data)
        return Response(OrganisationOut(organisation).data)
