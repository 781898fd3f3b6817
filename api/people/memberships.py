from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.people.serializers import MembershipOut
from portfolio.people.models import Membership
from portfolio.people.selectors import membership_get_for_user, membership_list_for_user
from portfolio.people.services.memberships import membership_set_active


class MembershipFilter(serializers.Serializer[Any]):
    organisation = serializers.UUIDField(required=False, help_text="organisation id")
    role = serializers.ChoiceField(choices=Membership.Role.choices, required=False)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


class MembershipUpdateIn(serializers.Serializer[Any]):
    is_active = serializers.BooleanField()


class MembershipListView(GenericAPIView[Membership]):
    """Memberships are granted by accepting an invitation (see /api/invitations/), so there is no create."""

    serializer_class = MembershipOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="memberships_list", parameters=[MembershipFilter], responses=MembershipOut(many=True))
    def get(self, request: Request) -> Response:
        filters = MembershipFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = membership_list_for_user(user=request.user)
        if "organisation" in filters.validated_data:
            queryset = queryset.filter(organisation__public_id=filters.validated_data["organisation"])
        if "role" in filters.validated_data:
            queryset = queryset.filter(role=filters.validated_data["role"])
        if filters.validated_data.get("is_active") is not None:
            queryset = queryset.filter(is_active=filters.validated_data["is_active"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(MembershipOut(page, many=True).data)


class MembershipDetailView(GenericAPIView[Membership]):
    serializer_class = MembershipUpdateIn
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="memberships_retrieve", responses=MembershipOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(MembershipOut(membership_get_for_user(user=request.user, public_id=public_id)).data)

    @extend_schema(
        operation_id="memberships_partial_update",
        request=MembershipUpdateIn,
        responses=MembershipOut,
        description="Provider admins deactivate (or reactivate) a membership. Memberships are never deleted.",
    )
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        membership = membership_get_for_user(user=request.user, public_id=public_id)
        data = MembershipUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_set_active(
            actor=request.user,
            membership=membership,
            is_active=data.validated_data["is_active"],
        )
        return Response(MembershipOut(membership).data)
