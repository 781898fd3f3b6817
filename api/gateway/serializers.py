"""Shapes of the gateway endpoints: status with the explained checklist, signatures, ticks, referral, settings."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.coverage.serializers import GateCheckOut
from api.people.serializers import PersonOut
from portfolio.coverage.readiness_states import ReadinessState
from portfolio.gateway.models import AssessmentReferral, GatewayPolicy, GatewaySignature, ManualGate, ManualGateTick


class TickOut(serializers.ModelSerializer[ManualGateTick]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    gate = serializers.UUIDField(source="gate.public_id", read_only=True)
    ticked_by = PersonOut(read_only=True)
    withdrawn_by = PersonOut(read_only=True, allow_null=True)

    class Meta:
        model = ManualGateTick
        fields = ["id", "gate", "ticked_by", "ticked_at", "note", "withdrawn_at", "withdrawn_by"]


class ManualGateOut(serializers.ModelSerializer[ManualGate]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ManualGate
        fields = ["id", "name", "description", "position", "active", "created_at", "retired_at"]


class ManualRowOut(serializers.Serializer[Any]):
    gate = ManualGateOut()
    tick = TickOut(allow_null=True, help_text="the live tick, or null while the gate is not ticked")


class SignatureOut(serializers.ModelSerializer[GatewaySignature]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    signed_by = PersonOut(read_only=True)
    snapshot = serializers.JSONField(read_only=True, help_text="what was signed: coverage, OTJ total, every gate")

    class Meta:
        model = GatewaySignature
        fields = ["id", "side", "signed_by", "signer_role", "signed_at", "declaration", "fingerprint", "snapshot",
                  "invalidated_at", "invalidation_reason", "invalidated_gates"]  # fmt: skip


class ReferralOut(serializers.ModelSerializer[AssessmentReferral]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    referred_by = PersonOut(read_only=True)

    class Meta:
        model = AssessmentReferral
        fields = ["id", "assessment_organisation", "note", "referred_by", "referred_at", "invalidated_at",
                  "invalidation_reason", "invalidated_gates"]  # fmt: skip


class SignaturesOut(serializers.Serializer[Any]):
    employer = SignatureOut(allow_null=True)
    provider = SignatureOut(allow_null=True)


class DeclarationsOut(serializers.Serializer[Any]):
    employer = serializers.CharField()
    provider = serializers.CharField()


class GatewayStatusOut(serializers.Serializer[Any]):
    apprenticeship = serializers.UUIDField()
    state = serializers.ChoiceField(choices=ReadinessState.choices)
    state_label = serializers.CharField()
    ready = serializers.BooleanField(help_text="every gate that is on passes (ready for gateway or beyond)")
    blocking = serializers.ListField(child=serializers.CharField(), help_text="the gates that stand, in order")
    stale = serializers.BooleanField(help_text="a change is waiting to be computed")
    computed_at = serializers.DateTimeField(allow_null=True)
    gates = GateCheckOut(many=True, help_text="the checklist, every gate in order")
    manual_gates = ManualRowOut(many=True)
    signatures = SignaturesOut(help_text="the live signature of each side, or null")
    declarations = DeclarationsOut(help_text="the words each side signs")
    referral = ReferralOut(allow_null=True, help_text="the live referral to the assessment organisation")
    past_signatures = SignatureOut(many=True, help_text="signatures that no longer stand, newest first")
    past_referrals = ReferralOut(many=True, help_text="referrals that no longer stand, newest first")
    can_sign = serializers.ListField(child=serializers.CharField(), help_text="the sides you may sign now")
    can_tick = serializers.BooleanField()
    can_refer = serializers.BooleanField()


class SignIn(serializers.Serializer[Any]):
    side = serializers.ChoiceField(choices=GatewaySignature.Side.choices, help_text="the side you sign for")


class TickIn(serializers.Serializer[Any]):
    gate = serializers.UUIDField(help_text="one of the provider's manual gates")
    note = serializers.CharField(max_length=5000, help_text="what you checked")


class ReferralIn(serializers.Serializer[Any]):
    assessment_organisation = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class GatewayPolicyOut(serializers.ModelSerializer[GatewayPolicy]):
    class Meta:
        model = GatewayPolicy
        fields = ["coverage_gate", "behaviours_gate", "otj_gate", "practical_period_gate", "minimum_practical_months",
                  "english_maths_gate", "otj_tolerance_percent", "updated_at"]  # fmt: skip


class GatewayPolicyIn(serializers.Serializer[Any]):
    coverage_gate = serializers.BooleanField(required=False)
    behaviours_gate = serializers.BooleanField(required=False)
    otj_gate = serializers.BooleanField(required=False)
    practical_period_gate = serializers.BooleanField(required=False)
    minimum_practical_months = serializers.IntegerField(required=False, min_value=1, max_value=60)
    english_maths_gate = serializers.BooleanField(required=False)
    otj_tolerance_percent = serializers.IntegerField(required=False, min_value=0, max_value=100)


class ManualGateIn(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ManualGatePatchIn(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False, help_text="false retires the gate (it cannot come back)")
