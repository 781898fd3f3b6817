from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.people.serializers import OptionRefOut, OrganisationRefOut, PersonOut, StandardRefOut
from portfolio.coverage.gates import GATE_KEYS
from portfolio.coverage.models import ReadinessEvent
from portfolio.coverage.readiness_states import ReadinessState
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
    enabled = serializers.BooleanField(help_text="on for this provider, and applicable")
    passed = serializers.BooleanField(help_text="a gate that is off passes")


class CoverageGateOut(GateOut):
    covered = serializers.IntegerField()
    mapped = serializers.IntegerField()


class BehavioursGateOut(GateOut):
    confirmed = serializers.IntegerField()
    total = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())


class OtjGateOut(GateOut):
    approved_minutes = serializers.IntegerField()
    pending_minutes = serializers.IntegerField(help_text="logged, awaiting approval: not counted")
    minimum_hours = serializers.IntegerField(allow_null=True, help_text="the standard version's; null: not recorded")
    rpl_hours = serializers.IntegerField(help_text="recognised prior learning, off the minimum")
    required_minutes = serializers.IntegerField(allow_null=True, help_text="(minimum - RPL) x 60; null: no minimum")
    planned_hours = serializers.IntegerField(allow_null=True)
    expected_minutes = serializers.IntegerField(
        allow_null=True, help_text="planned x days in learning so far / planned days, breaks excluded from both"
    )
    behind = serializers.BooleanField(help_text="approved is more than the tolerance below expected")
    tolerance_percent = serializers.IntegerField()
    active_last_month = serializers.BooleanField(
        allow_null=True, help_text="approved OTJ or evidence dated last calendar month; null: not in learning then"
    )


class PracticalPeriodGateOut(GateOut):
    months = serializers.IntegerField(help_text="whole months from the start to today, break days not counted")
    minimum_months = serializers.IntegerField()
    break_days = serializers.IntegerField()
    on_break = serializers.BooleanField()


class EnglishMathsGateOut(GateOut):
    status = serializers.CharField(help_text="achieved, not_required or pending")
    age_at_start = serializers.IntegerField(allow_null=True, help_text="null: no date of birth recorded")
    applies = serializers.BooleanField(allow_null=True, help_text="16-18 at the start; null: not known")


class ManualGatesOut(GateOut):
    total = serializers.IntegerField()
    ticked = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField(), help_text="names of the gates not ticked")


class GatesOut(serializers.Serializer[Any]):
    """Every gateway gate (portfolio/coverage/gates.py). A summary computed before a gate existed lacks it until
    its next recompute."""

    coverage = CoverageGateOut(required=False)
    behaviours_confirmed = BehavioursGateOut(required=False)
    otj = OtjGateOut(required=False)
    practical_period = PracticalPeriodGateOut(required=False)
    english_maths = EnglishMathsGateOut(required=False)
    manual = ManualGatesOut(required=False)


class GateCheckOut(serializers.Serializer[Any]):
    key = serializers.ChoiceField(choices=list(GATE_KEYS))
    name = serializers.CharField()
    enabled = serializers.BooleanField(help_text="on for this provider, and applicable")
    passed = serializers.BooleanField(help_text="a gate that is off passes")
    explanation = serializers.CharField(help_text="in words: “OTJ 212 h of 278 h approved: 66 h to go.”")
    figures = serializers.DictField(help_text="the gate's stored figures (as in `gates`)")


class SummaryOut(serializers.Serializer[Any]):
    covered = serializers.IntegerField()
    mapped = serializers.IntegerField()
    percent = serializers.FloatField()
    missing = serializers.ListField(child=serializers.CharField())
    mandatory_missing = serializers.ListField(child=serializers.CharField())
    gates = GatesOut()
    checklist = GateCheckOut(many=True, help_text="the gates in order, each explained")
    blocking = serializers.ListField(child=serializers.CharField(), help_text="the gates that are on and not passed")
    ready = serializers.BooleanField(help_text="every gate that is on passes: ready for gateway, or further on")
    state = serializers.ChoiceField(choices=ReadinessState.choices)
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
    blocking = serializers.ListField(
        child=serializers.CharField(), source="coverage_summary.blocking", default=list, read_only=True
    )
    ready = serializers.BooleanField(source="coverage_summary.ready", default=False, read_only=True)
    state = serializers.ChoiceField(
        choices=ReadinessState.choices, source="coverage_summary.state", default="not_ready", read_only=True
    )
    ready_since = serializers.DateTimeField(
        source="coverage_summary.ready_since", default=None, read_only=True, allow_null=True
    )
    computed_at = serializers.DateTimeField(
        source="coverage_summary.computed_at", default=None, read_only=True, allow_null=True
    )
    stale = serializers.BooleanField(source="coverage_stale", read_only=True)
    next_review_due = serializers.DateField(
        source="review_due.due_on", read_only=True, allow_null=True, default=None,
        help_text="the next progress review's due date; null when none is due or on a break in learning",
    )  # fmt: skip
    review_overdue = serializers.BooleanField(
        read_only=True, default=False, help_text="the next progress review's due date has passed"
    )

    def to_representation(self, instance: Apprenticeship) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        # Before the first compute there is no summary row, and DRF answers null for every field read through a
        # missing related row (it ignores `default`): the schema promises numbers, lists and booleans.
        for name in ("covered", "mapped", "missing", "mandatory_missing", "blocking", "ready", "state"):
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
            "blocking",
            "ready",
            "state",
            "ready_since",
            "computed_at",
            "stale",
            "next_review_due",
            "review_overdue",
        ]


class ReadinessEventOut(serializers.ModelSerializer[ReadinessEvent]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprenticeship = serializers.UUIDField(source="apprenticeship.public_id", read_only=True)
    type = serializers.CharField(source="kind", read_only=True)
    causes = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text="the gates whose change caused it (or `signatures`, `referral`)",
    )  # fmt: skip
    coverage = serializers.JSONField(read_only=True, help_text="the summary, gates and per-AO coverage at the change")

    class Meta:
        model = ReadinessEvent
        fields = ["id", "apprenticeship", "type", "sequence", "ready", "state", "previous_state", "causes",
                  "occurred_at", "coverage"]  # fmt: skip


class ReadinessFeedEventOut(ReadinessEventOut):
    """An event of the feed (`GET /api/readiness-events/`): the same fields, named apart so that the schema
    describes the feed's pages by cursor apart from an apprenticeship's pages by number."""
