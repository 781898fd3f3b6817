from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.people.serializers import PersonOut
from portfolio.core.client import client_ip
from portfolio.people.services.signin import InvalidCredentials, SignInLocked, user_authenticate
from portfolio.people.services.users import auth_token_issue, auth_token_revoke, user_update_profile


class TokenIn(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenOut(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`")


class SignInLockedError(exceptions.APIException):
    status_code = 429
    default_code = "locked_out"


class TokenView(GenericAPIView[Any]):
    """Exchange email + password for an API token. Failures count towards the sign-in lockout."""

    serializer_class = TokenIn
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    extra_error_statuses = (429,)  # the sign-in lockout

    @extend_schema(operation_id="auth_token_create", request=TokenIn, responses=TokenOut)
    def post(self, request: Request) -> Response:
        data = TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = user_authenticate(ip=client_ip(request), **data.validated_data)
        except SignInLocked as exc:
            raise SignInLockedError(str(exc)) from exc
        except InvalidCredentials as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response({"token": auth_token_issue(user=user).key})


class TokenRevokeView(GenericAPIView[Any]):
    serializer_class = TokenOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="auth_token_revoke", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        auth_token_revoke(user=request.user)  # type: ignore[arg-type]
        return Response(status=204)


class MeUpdateIn(serializers.Serializer[Any]):
    first_name = serializers.CharField(required=False, max_length=150, allow_blank=True)
    last_name = serializers.CharField(required=False, max_length=150, allow_blank=True)


class MeOut(PersonOut):
    class Meta(PersonOut.Meta):
        fields = [*PersonOut.Meta.fields, "first_name", "last_name", "is_superuser"]


class MeView(GenericAPIView[Any]):
    serializer_class = MeUpdateIn
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me_retrieve", responses=MeOut)
    def get(self, request: Request) -> Response:
        return Response(MeOut(request.user).data)  # type: ignore[arg-type]

    @extend_schema(operation_id="me_partial_update", request=MeUpdateIn, responses=MeOut)
    def patch(self, request: Request) -> Response:
        data = MeUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = user_update_profile(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(MeOut(user).data)
