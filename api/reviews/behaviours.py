"""Behaviour confirmations of an apprenticeship: GET/POST .../behaviours/, POST .../{id}/withdraw/."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.reviews.serializers import BehaviourConfirmationOut, BehaviourConfirmIn, BehaviourStatusOut
from portfolio.people.selectors import apprenticeship_get_for_user
from portfolio.reviews.models import BehaviourConfirmation
from portfolio.reviews.selectors.behaviours import behaviour_confirmation_get, behaviour_list_for_apprenticeship
from portfolio.reviews.services.behaviours import behaviour_confirm, behaviour_confirmation_withdraw


class BehaviourListView(GenericAPIView[BehaviourConfirmation]):
    serializer_class = BehaviourConfirmIn

    @extend_schema(operation_id="behaviours_list", responses=BehaviourStatusOut(many=True), tags=["reviews"],
                   description="Each behaviour of the apprenticeship's standard, with its live confirmation "
                   "and every earlier one.")  # fmt: skip
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        page = self.paginate_queryset(behaviour_list_for_apprenticeship(apprenticeship=apprenticeship))  # type: ignore[arg-type]
        return self.get_paginated_response(BehaviourStatusOut(page, many=True).data)

    @extend_schema(operation_id="behaviours_confirm", request=BehaviourConfirmIn,
                   responses={201: BehaviourConfirmationOut(many=True)}, tags=["reviews"],
                   description="An employer contact of the apprentice's employer confirms behaviours, once each, "
                   "with a date and a comment.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = BehaviourConfirmIn(data=request.data)
        data.is_valid(raise_exception=True)
        created = behaviour_confirm(
            actor=request.user,
            apprenticeship=apprenticeship,
            statement_codes=data.validated_data["statements"],
            confirmed_on=data.validated_data["confirmed_on"],
            comment=data.validated_data["comment"],
        )
        return Response(BehaviourConfirmationOut(created, many=True).data, status=status.HTTP_201_CREATED)


class BehaviourWithdrawView(GenericAPIView[BehaviourConfirmation]):
    serializer_class = BehaviourConfirmationOut

    @extend_schema(operation_id="behaviours_withdraw", request=None, responses=BehaviourConfirmationOut,
                   tags=["reviews"])  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID, confirmation_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        confirmation = behaviour_confirmation_get(apprenticeship=apprenticeship, public_id=confirmation_id)
        confirmation = behaviour_confirmation_withdraw(actor=request.user, confirmation=confirmation)
        return Response(BehaviourConfirmationOut(confirmation).data)
