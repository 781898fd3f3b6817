"""The gateway of one apprenticeship (status, signatures, manual ticks, referral) and a provider's gateway
settings (the gate policy and its manual gates). Thin: each view finds its object through a scoped selector (a
record you may not see is a 404), validates, and calls one service."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.gateway.serializers import (
    GatewayPolicyIn,
    GatewayPolicyOut,
    GatewayStatusOut,
    ManualGateIn,
    ManualGateOut,
    ManualGatePatchIn,
    ReferralIn,
    ReferralOut,
    SignatureOut,
    SignIn,
    TickIn,
    TickOut,
)
from api.idempotency import idempotent
from portfolio.gateway.models import GatewayPolicy, GatewaySignature, ManualGate, ManualGateTick
from portfolio.gateway.selectors import (
    gateway_policy_for,
    gateway_status_for,
    manual_gate_get_for_admin,
    manual_gate_list,
    manual_tick_get,
)
from portfolio.gateway.services.policy import gateway_policy_update, manual_gate_create, manual_gate_update
from portfolio.gateway.services.signatures import gateway_declaration, gateway_refer, gateway_sign
from portfolio.gateway.services.ticks import manual_gate_tick, manual_gate_tick_withdraw
from portfolio.people.models import Apprenticeship, Organisation
from portfolio.people.selectors import apprenticeship_get_for_user, organisation_get_for_user, user_is_admin_of

TAGS = ["gateway"]


def gateway_status_data(*, apprenticeship: Apprenticeship, user: Any) -> dict[str, Any]:
    found = gateway_status_for(apprenticeship=apprenticeship, user=user)
    summary = found.summary
    sides = GatewaySignature.Side
    return {
        "apprenticeship": apprenticeship.public_id,
        "state": found.state,
        "state_label": found.state_label,
        "ready": bool(summary and summary.ready),
        "blocking": summary.blocking if summary else [],
        "stale": found.stale,
        "computed_at": summary.computed_at if summary else None,
        "gates": found.checklist,
        "manual_gates": [{"gate": row.gate, "tick": row.tick} for row in found.manual],
        "signatures": {side: found.signatures.get(side) for side in sides.values},
        "declarations": {side: gateway_declaration(apprenticeship=apprenticeship, side=side) for side in sides.values},
        "referral": found.referral,
        "past_signatures": [row for row in found.history if isinstance(row, GatewaySignature)],
        "past_referrals": [row for row in found.history if not isinstance(row, GatewaySignature)],
        "can_sign": found.can_sign,
        "can_tick": found.can_tick,
        "can_refer": found.can_refer,
    }


class GatewayStatusView(GenericAPIView[Apprenticeship]):
    serializer_class = GatewayStatusOut

    @extend_schema(operation_id="gateway_status", responses=GatewayStatusOut, tags=TAGS,
                   description="The gateway checklist (each gate on or off, passed or not, explained), the manual "
                   "gates with their ticks, the two signatures and the referral; what you may do now.")  # fmt: skip
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        return Response(GatewayStatusOut(gateway_status_data(apprenticeship=apprenticeship, user=request.user)).data)


class GatewaySignView(GenericAPIView[GatewaySignature]):
    serializer_class = SignIn

    @idempotent
    @extend_schema(operation_id="gateway_sign", request=SignIn, responses={201: SignatureOut}, tags=TAGS,
                   description="Sign the gateway declaration for your side: `employer` (a line manager or mentor of "
                   "the apprentice's employer) or `provider` (an assessor or tutor of the provider). Refused with "
                   "409 `not_ready` (and the gates that stand) before every gate passes, `already_signed` when "
                   "that side has signed.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = SignIn(data=request.data)
        data.is_valid(raise_exception=True)
        signature = gateway_sign(actor=request.user, apprenticeship=apprenticeship, side=data.validated_data["side"])
        return Response(SignatureOut(signature).data, status=status.HTTP_201_CREATED)


class GatewayTickView(GenericAPIView[ManualGateTick]):
    serializer_class = TickIn

    @idempotent
    @extend_schema(operation_id="gateway_tick", request=TickIn, responses={201: TickOut}, tags=TAGS,
                   description="Tick one of the provider's manual gates for this apprenticeship, with a note "
                   "(an assessor, tutor or admin of its provider).")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = TickIn(data=request.data)
        data.is_valid(raise_exception=True)
        gate = ManualGate.objects.filter(
            provider_id=apprenticeship.provider_id, public_id=data.validated_data["gate"]
        ).first()
        if gate is None:
            raise Http404("Not found.")  # another provider's gate, or none: the same answer
        tick = manual_gate_tick(
            actor=request.user, apprenticeship=apprenticeship, gate=gate, note=data.validated_data["note"]
        )
        return Response(TickOut(tick).data, status=status.HTTP_201_CREATED)


class GatewayTickWithdrawView(GenericAPIView[ManualGateTick]):
    serializer_class = TickOut

    @extend_schema(operation_id="gateway_tick_withdraw", request=None, responses=TickOut, tags=TAGS)
    def post(self, request: Request, public_id: uuid.UUID, tick_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        tick = manual_tick_get(apprenticeship=apprenticeship, public_id=tick_id)
        return Response(TickOut(manual_gate_tick_withdraw(actor=request.user, tick=tick)).data)


class GatewayReferralView(GenericAPIView[Apprenticeship]):
    serializer_class = ReferralIn

    @idempotent
    @extend_schema(operation_id="gateway_refer", request=ReferralIn, responses={201: ReferralOut}, tags=TAGS,
                   description="Record that the signed gateway went to the assessment organisation (an assessor, "
                   "tutor or admin of the provider). 409 `not_signed` before both signatures.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = ReferralIn(data=request.data)
        data.is_valid(raise_exception=True)
        referral = gateway_refer(actor=request.user, apprenticeship=apprenticeship, **data.validated_data)
        return Response(ReferralOut(referral).data, status=status.HTTP_201_CREATED)


def _administered_provider(request: Request, public_id: uuid.UUID) -> Organisation:
    provider = organisation_get_for_user(user=request.user, public_id=public_id)
    if not provider.is_provider:
        raise Http404("Not found.")  # employers have no gateway settings: the same answer as a missing one
    if not user_is_admin_of(user=request.user, provider=provider):
        raise PermissionDenied("Only an admin of this training provider can see its gateway settings.")
    return provider


class GatewayPolicyView(GenericAPIView[GatewayPolicy]):
    serializer_class = GatewayPolicyIn

    @extend_schema(operation_id="gateway_policy_retrieve", responses=GatewayPolicyOut, tags=TAGS)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = _administered_provider(request, public_id)
        return Response(GatewayPolicyOut(gateway_policy_for(provider=provider)).data)

    @extend_schema(operation_id="gateway_policy_partial_update", request=GatewayPolicyIn, responses=GatewayPolicyOut,
                   tags=TAGS, description="Turn gates on or off, set the minimum practical period (months) and the "
                   "OTJ behind tolerance (%). Every apprenticeship of the provider is recomputed.")  # fmt: skip
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = _administered_provider(request, public_id)
        data = GatewayPolicyIn(data=request.data)
        data.is_valid(raise_exception=True)
        policy = gateway_policy_update(actor=request.user, provider=provider, **data.validated_data)
        return Response(GatewayPolicyOut(policy).data)


class ManualGateListView(GenericAPIView[ManualGate]):
    serializer_class = ManualGateIn

    @extend_schema(operation_id="manual_gates_list", responses=ManualGateOut(many=True), tags=TAGS,
                   description="The provider's manual gates, retired ones included (`active: false`).")  # fmt: skip
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = _administered_provider(request, public_id)
        page = self.paginate_queryset(manual_gate_list(provider=provider, include_retired=True))
        return self.get_paginated_response(ManualGateOut(page, many=True).data)

    @idempotent
    @extend_schema(operation_id="manual_gates_create", request=ManualGateIn, responses={201: ManualGateOut},
                   tags=TAGS)  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = _administered_provider(request, public_id)
        data = ManualGateIn(data=request.data)
        data.is_valid(raise_exception=True)
        gate = manual_gate_create(actor=request.user, provider=provider, **data.validated_data)
        return Response(ManualGateOut(gate).data, status=status.HTTP_201_CREATED)


class ManualGateDetailView(GenericAPIView[ManualGate]):
    serializer_class = ManualGatePatchIn

    @extend_schema(operation_id="manual_gates_partial_update", request=ManualGatePatchIn, responses=ManualGateOut,
                   tags=TAGS, description="Rename, describe or retire (`active: false`) a manual gate.")  # fmt: skip
    def patch(self, request: Request, public_id: uuid.UUID, gate_id: uuid.UUID) -> Response:
        provider = _administered_provider(request, public_id)
        gate = manual_gate_get_for_admin(provider_ids=[provider.pk], public_id=gate_id)
        data = ManualGatePatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ManualGateOut(manual_gate_update(actor=request.user, gate=gate, **data.validated_data)).data)
