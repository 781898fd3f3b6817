from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio.standards.models import AssessmentOutcome, Option, PerformanceDescriptor, Standard, Statement


class StandardBaseSerializer(serializers.ModelSerializer[Standard]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Standard
        fields = ["id", "reference", "version", "title", "level", "status", "updated_at", "url"]

    def get_url(self, standard: Standard) -> str:
        request = self.context.get("request")
        path = f"/api/standards/{standard.reference}/{standard.version}/"
        return request.build_absolute_uri(path) if request else path


class StandardSummarySerializer(StandardBaseSerializer):
    option_count = serializers.IntegerField(read_only=True)
    outcome_count = serializers.IntegerField(read_only=True)
    statement_count = serializers.IntegerField(read_only=True)

    class Meta(StandardBaseSerializer.Meta):
        fields = [*StandardBaseSerializer.Meta.fields, "option_count", "outcome_count", "statement_count"]


class OptionSerializer(serializers.ModelSerializer[Option]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Option
        fields = ["id", "title", "code", "other_names"]


class StatementSerializer(serializers.ModelSerializer[Statement]):
    class Meta:
        model = Statement
        fields = ["code", "kind", "text", "mandatory", "functional_skills"]


class OutcomeSerializer(serializers.ModelSerializer[AssessmentOutcome]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    option = serializers.SerializerMethodField()
    statements = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentOutcome
        fields = ["id", "code", "title", "description", "option", "statements"]

    @extend_schema_field(OptionSerializer(allow_null=True))
    def get_option(self, outcome: AssessmentOutcome) -> dict[str, Any] | None:
        return OptionSerializer(outcome.option).data if outcome.option else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_statements(self, outcome: AssessmentOutcome) -> list[str]:
        # The prefetched mapping, in the plan's order.
        return [mapping.statement.code for mapping in outcome.mappings.all()]


METHODS_SCHEMA = {
    "type": "object",
    "properties": {
        "required": {"type": "array", "items": {"type": "string"}},
        "additional": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["required", "additional"],
}


class DescriptorSerializer(serializers.ModelSerializer[PerformanceDescriptor]):
    class Meta:
        model = PerformanceDescriptor
        fields = ["category", "pass_text", "distinction_text"]


class StandardDetailSerializer(StandardBaseSerializer):
    options = OptionSerializer(many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    statements = StatementSerializer(many=True, read_only=True)
    assessment_methods = serializers.SerializerMethodField()
    performance_descriptors = DescriptorSerializer(many=True, read_only=True)

    class Meta(StandardBaseSerializer.Meta):
        fields = [
            *StandardBaseSerializer.Meta.fields,
            "options", "outcomes", "statements", "assessment_methods", "performance_descriptors",
        ]  # fmt: skip

    @extend_schema_field(METHODS_SCHEMA)
    def get_assessment_methods(self, standard: Standard) -> dict[str, list[str]]:
        methods = list(standard.assessment_methods.all())
        return {
            "required": [m.name for m in methods if m.required],
            "additional": [m.name for m in methods if not m.required],
        }
