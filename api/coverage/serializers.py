from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.people.serializers import OptionRefOut, OrganisationRefOut, PersonOut, StandardRefOut
from portfolio.coverage.models import ReadinessEvent
from portfolio.people.models import Apprenticeship


class EvidenceRefOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    title = serializers.CharField()


class StatementCoverageOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField()
    mandatory = serializers.BooleanField()
    covered = serializers.BooleanField()
    counted = serializers.IntegerField(help_text="evidence items that count for it now")
    needed = serializers.IntegerField(help_text="items needed to cover it (the provider's policy, default 1)")
    evidence = EvidenceRefOut(many=True, help_text="the items that count: accepted tag, every file verified")


class OutcomeCoverageOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    code = serializers.CharField()
    title = serializers.CharField()
    core = serializers.BooleanField()
    option = serializers.CharField(allow_null=True, help_text="the option's title, or null for a core AO")
    covered = serializers.IntegerField()
    mapped = serializers.IntegerField()
    percent = serializers.FloatField(help_text="covered / mapped, rounded down to 0.1")
    complete = serializers.BooleanField()
    missing = StatementCoverageOut(many=True)
    statements = StatementCoverageOut(many=True)


class GateOut(serializers.Serializer[Any]):
    enabled = serializers.BooleanField()
    passed = serializers.BooleanField()
    confirmed = serializers.IntegerField()
    total = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())


class GatesOut(serializers.Serializer[Any]):
    behaviours_confirmed = GateOut()


class SummaryOut(serializers.Serializer[Any]):
    covered = serializers.IntegerField()
    mapped = serializers.IntegerField()
    percent = serializers.FloatField()
    missing = serializers.ListField(child=serializers.CharField())
    mandatory_missing = serializers.ListField(child=serializers.CharField())
    gates = GatesOut()
    ready = serializers.BooleanField()
    ready_since = serializers.DateTimeField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField(help_text="inputs changed since computed_at; a recompute is pending")


class CoverageOut(serializers.Serializer[Any]):
    apprenticeship = serializers.UUIDField()
    summary = SummaryOut(allow_null=True, help_text="the stored state; null before the first compute")
    outcomes = OutcomeCoverageOut(many=True, help_text="per AO of the route, computed now by the same rules")


class CohortRowOut(serializers.ModelSerializer[Apprenticeship]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprentice = PersonOut(read_only=True)
    employer = OrganisationRefOut(read_only=True)
    standard = StandardRefOut(read_only=True)
    option = OptionRefOut(read_only=True, allow_null=True)
    covered = serializers.IntegerField(source="coverage_summary.covered", default=0, read_only=True)
    mapped = serializers.IntegerField(source="coverage_summary.mapped", default=0, read_only=True)
    percent = serializers.FloatField(source="coverage_percent", read_only=True)
    missing = serializers.ListField(
        child=serializers.CharField(), source="coverage_summary.missing", default=list, read_only=True
    )
    mandatory_missing = serializers.ListField(
        child=serializers.CharField(), source="coverage_summary.mandatory_missing", default=list, read_only=True
    )
    gates = GatesOut(source="coverage_summary.gates", default=None, read_only=True, allow_null=True)
    ready = serializers.BooleanField(source="coverage_summary.ready", default=False, read_only=True)
    ready_since = serializers.DateTimeField(
        source="coverage_summary.ready_since", default=None, read_only=True, allow_null=True
    )
    computed_at = serializers.DateTimeField(
        source="coverage_summary.computed_at", default=None, read_only=True, allow_null=True
    )
    stale = serializers.BooleanField(source="coverage_stale", read_only=True)

    def to_representation(self, instance: Apprenticeship) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        # Before the first compute there is no summary row, and DRF answers null for every field read through a
        # missing related row (it ignores `default`): the schema promises numbers, lists and booleans.
        for name in ("covered", "mapped", "missing", "mandatory_missing", "ready"):
            if data[name] is None:
                data[name] = self.fields[name].get_default()
        return data

    class Meta:
        model = Apprenticeship
        fields = [
            "id",
            "apprentice",
            "employer",
            "standard",
            "option",
            "status",
            "covered",
            "mapped",
            "percent",
            "missing",
            "mandatory_missing",
            "gates",
            "ready",
            "ready_since",
            "computed_at",
            "stale",
        ]


class ReadinessEventOut(serializers.ModelSerializer[ReadinessEvent]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprenticeship = serializers.UUIDField(source="apprenticeship.public_id", read_only=True)
    type = serializers.CharField(source="kind", read_only=True)
    coverage = serializers.JSONField(read_only=True, help_text="the summary and per-AO coverage at the change")

    class Meta:
        model = ReadinessEvent
        fields = ["id", "apprenticeship", "type", "sequence", "ready", "occurred_at", "coverage"]
