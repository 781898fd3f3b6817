from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.people.fields import PublicIdField
from api.people.serializers import InvitationOut, PersonOut
from api.permissions import IsProviderAdmin
from portfolio.core.client import client_ip
from portfolio.people.models import Invitation
from portfolio.people.selectors import (
    apprenticeship_list_for_user,
    invitation_get_for_user,
    invitation_list_for_user,
    organisation_list_for_user,
)
from portfolio.people.services.invitations import (
    InvitationInvalid,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)


class InvitationCreateIn(serializers.Serializer[Any]):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Invitation.ROLE_CHOICES)
    organisation = PublicIdField(
        scope=lambda user: organisation_list_for_user(user=user),
        model="organisation",
        required=False,
        allow_null=True,
        default=None,
        help_text="for staff and employer contacts: the provider or employer they join",
    )
    apprenticeship = PublicIdField(
        scope=lambda user: apprenticeship_list_for_user(user=user),
        model="apprenticeship",
        required=False,
        allow_null=True,
        default=None,
        help_text="for role apprentice: the apprenticeship (re-sends its apprentice's invitation)",
    )
    first_name = serializers.CharField(required=False, default="", max_length=150)
    last_name = serializers.CharField(required=False, default="", max_length=150)


class InvitationAcceptIn(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="the token from the invitation link")
    password = serializers.CharField(
        style={"input_type": "password"},
        help_text="a new password; or, for an existing account, its current password",
    )
    first_name = serializers.CharField(required=False, default="", max_length=150)
    last_name = serializers.CharField(required=False, default="", max_length=150)


class InvitationListView(GenericAPIView[Invitation]):
    """Invitations sent by the caller's providers. The link's secret is only ever in the email."""

    serializer_class = InvitationCreateIn
    permission_classes = [IsAuthenticated, IsProviderAdmin]

    @extend_schema(operation_id="invitations_list", responses=InvitationOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(invitation_list_for_user(user=request.user))
        return self.get_paginated_response(InvitationOut(page, many=True).data)

    @idempotent
    @extend_schema(
        operation_id="invitations_create",
        request=InvitationCreateIn,
        responses={201: InvitationOut},
        description="Emails a single-use link that expires after INVITATION_EXPIRY_DAYS. An email that "
        "already has an account is linked to it; a newer invitation replaces a pending one for the same "
        "access.",
    )
    def post(self, request: Request) -> Response:
        data = InvitationCreateIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        issued = invitation_create(actor=request.user, **data.validated_data)
        return Response(InvitationOut(issued.invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(GenericAPIView[Invitation]):
    serializer_class = InvitationOut
    permission_classes = [IsAuthenticated, IsProviderAdmin]

    @extend_schema(operation_id="invitations_retrieve", responses=InvitationOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(InvitationOut(invitation_get_for_user(user=request.user, public_id=public_id)).data)


class InvitationRevokeView(GenericAPIView[Invitation]):
    serializer_class = InvitationOut
    permission_classes = [IsAuthenticated, IsProviderAdmin]

    @extend_schema(operation_id="invitations_revoke", request=None, responses=InvitationOut)
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        invitation = invitation_get_for_user(user=request.user, public_id=public_id)
        invitation = invitation_revoke(actor=request.user, invitation=invitation)
        return Response(InvitationOut(invitation).data)


class InvitationAcceptView(GenericAPIView[Invitation]):
    """Open to anyone holding a valid link: the token is the credential."""

    serializer_class = InvitationAcceptIn
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(operation_id="invitations_accept", request=InvitationAcceptIn, responses=PersonOut)
    def post(self, request: Request) -> Response:
        data = InvitationAcceptIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = invitation_accept(ip=client_ip(request), **data.validated_data)
        except InvitationInvalid as exc:
            raise serializers.ValidationError({"token": [str(exc)]}) from exc
        return Response(PersonOut(user).data)
