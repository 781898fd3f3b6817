"""Shapes of the review API. Public UUIDs only; statements are named by their code (K1, S3, B2)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.people.serializers import PersonOut
from portfolio.evidence.models import Evidence, EvidenceTag
from portfolio.people.models import Apprenticeship
from portfolio.reviews.models import BehaviourConfirmation, ReviewDecision, ReviewPolicy, TagDecision


class ExpectedVersionIn(serializers.Serializer[Any]):
    expected_version = serializers.IntegerField(
        min_value=1, help_text="the version you looked at; a different current version answers 409 conflict"
    )


class DecisionIn(ExpectedVersionIn):
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class ReturnIn(ExpectedVersionIn):
    comment = serializers.CharField(max_length=5000, help_text="what the apprentice should change")


class TagVerdictIn(serializers.Serializer[Any]):
    statement = serializers.CharField(max_length=8, help_text="statement code, e.g. K3")
    accepted = serializers.BooleanField()
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class AcceptIn(DecisionIn):
    tags = TagVerdictIn(many=True, help_text="one verdict per statement the evidence is tagged to")


class TagOut(serializers.ModelSerializer[EvidenceTag]):
    statement = serializers.CharField(source="statement.code", read_only=True)
    decided_by = PersonOut(read_only=True, allow_null=True)

    class Meta:
        model = EvidenceTag
        fields = ["statement", "state", "comment", "decided_by", "decided_at"]


class ApprenticeshipRefOut(serializers.ModelSerializer[Apprenticeship]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprentice = PersonOut(read_only=True)

    class Meta:
        model = Apprenticeship
        fields = ["id", "apprentice"]


class EvidenceReviewOut(serializers.ModelSerializer[Evidence]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprenticeship = ApprenticeshipRefOut(read_only=True)
    tags = TagOut(many=True, read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "apprenticeship", "title", "kind", "occurred_on", "state", "version", "ever_submitted",
                  "submitted_at", "tags"]  # fmt: skip


class ReturnedEvidenceOut(EvidenceReviewOut):
    return_comment = serializers.CharField(read_only=True, allow_null=True)
    returned_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta(EvidenceReviewOut.Meta):
        fields = [*EvidenceReviewOut.Meta.fields, "return_comment", "returned_at"]


class TagDecisionOut(serializers.ModelSerializer[TagDecision]):
    statement = serializers.CharField(source="statement.code", read_only=True)

    class Meta:
        model = TagDecision
        fields = ["statement", "accepted", "comment"]


class DecisionOut(serializers.ModelSerializer[ReviewDecision]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    actor = PersonOut(read_only=True)
    tag_decisions = TagDecisionOut(many=True, read_only=True)
    snapshot = serializers.SerializerMethodField()

    class Meta:
        model = ReviewDecision
        fields = ["id", "action", "actor", "actor_role", "comment", "evidence_version", "from_state", "to_state",
                  "fingerprint", "snapshot", "decided_at", "invalidated_at", "invalidation_reason",
                  "tag_decisions"]  # fmt: skip

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_snapshot(self, decision: ReviewDecision) -> dict[str, Any]:
        """The counted parts as decided on: title, kind, occurred_on, reflection, files (sha256), tags (codes)."""
        return dict(decision.snapshot)


class DecisionResultOut(serializers.Serializer[Any]):
    evidence = EvidenceReviewOut()
    decision = DecisionOut()


class BulkItemIn(serializers.Serializer[Any]):
    evidence = serializers.UUIDField(help_text="evidence id")
    expected_version = serializers.IntegerField(min_value=1)


class BulkConfirmIn(serializers.Serializer[Any]):
    items = serializers.ListField(child=BulkItemIn(), allow_empty=False, max_length=200)
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class BulkResultOut(serializers.Serializer[Any]):
    evidence = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=["done", "conflict", "wrong_state", "not_found", "forbidden", "invalid"])
    message = serializers.CharField()
    state = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    details = serializers.DictField()


class BulkConfirmOut(serializers.Serializer[Any]):
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BulkResultOut(many=True)


class BehaviourConfirmationOut(serializers.ModelSerializer[BehaviourConfirmation]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    statement = serializers.CharField(source="statement.code", read_only=True)
    confirmed_by = PersonOut(read_only=True)
    withdrawn_by = PersonOut(read_only=True, allow_null=True)

    class Meta:
        model = BehaviourConfirmation
        fields = ["id", "statement", "confirmed_by", "confirmed_on", "comment", "created_at", "withdrawn_at",
                  "withdrawn_by"]  # fmt: skip


class BehaviourStatusOut(serializers.Serializer[Any]):
    statement = serializers.CharField(source="statement.code")
    text = serializers.CharField(source="statement.text")
    confirmed = serializers.SerializerMethodField()
    confirmation = BehaviourConfirmationOut(allow_null=True, help_text="the live confirmation")
    history = BehaviourConfirmationOut(many=True, help_text="every confirmation, withdrawn ones included")

    def get_confirmed(self, status: Any) -> bool:
        return status.confirmation is not None


class BehaviourConfirmIn(serializers.Serializer[Any]):
    statements = serializers.ListField(
        child=serializers.CharField(max_length=8), allow_empty=False, help_text="behaviour codes, e.g. B1"
    )
    confirmed_on = serializers.DateField()
    comment = serializers.CharField(max_length=5000)


class ReviewPolicyOut(serializers.ModelSerializer[ReviewPolicy]):
    class Meta:
        model = ReviewPolicy
        fields = ["require_employer_confirmation", "require_provider_acceptance", "evidence_per_statement",
                  "updated_at"]  # fmt: skip


class ReviewPolicyIn(serializers.Serializer[Any]):
    require_employer_confirmation = serializers.BooleanField(required=False)
    require_provider_acceptance = serializers.BooleanField(required=False)
    evidence_per_statement = serializers.IntegerField(required=False, min_value=1, max_value=20)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The behaviours gate moved to the gateway policy: say so rather than ignore the field silently.
        if isinstance(self.initial_data, dict) and "require_behaviours_confirmed" in self.initial_data:
            moved = "The behaviours gate is a gateway setting now: PATCH behaviours_gate at /api/organisations/{id}/"
            raise serializers.ValidationError({"require_behaviours_confirmed": moved + "gateway-policy/."})
        return attrs
