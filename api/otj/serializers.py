"""Shapes of the OTJ API. Public UUIDs only; durations in minutes, figures in minutes and hours."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.people.serializers import PersonOut, StandardRefOut
from api.reviews.serializers import ApprenticeshipRefOut
from portfolio.otj.figures import OtjFigures
from portfolio.otj.models import MINUTES_PER_DAY, OtjActivity
from portfolio.otj.services.minimums import MAX_HOURS


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "09:30"}
)
class WallClockTimeField(serializers.TimeField):
    """A local wall-clock time, "HH:MM" (seconds accepted on input, never sent): not an RFC 3339 time, which
    would carry a zone offset the entry does not have."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class OtjEvidenceRefOut(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    title = serializers.CharField(read_only=True)


class OtjActivityOut(serializers.ModelSerializer[OtjActivity]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprenticeship = ApprenticeshipRefOut(read_only=True)
    start_time = WallClockTimeField(read_only=True)
    evidence = OtjEvidenceRefOut(many=True, read_only=True)
    logged_by = PersonOut(read_only=True)
    decided_by = PersonOut(read_only=True, allow_null=True)

    class Meta:
        model = OtjActivity
        fields = [
            "id",
            "apprenticeship",
            "date",
            "start_time",
            "minutes",
            "activity_type",
            "description",
            "evidence",
            "state",
            "version",
            "logged_by",
            "decided_by",
            "decided_at",
            "decision_comment",
            "created_at",
            "updated_at",
        ]


class OtjActivityIn(serializers.Serializer[Any]):
    date = serializers.DateField(help_text="the day it happened (not in the future, not before the start date)")
    start_time = WallClockTimeField(help_text="local wall-clock time it started, HH:MM")
    minutes = serializers.IntegerField(min_value=1, max_value=MINUTES_PER_DAY, help_text="1 to 1440")
    activity_type = serializers.ChoiceField(choices=OtjActivity.ActivityType.choices)
    description = serializers.CharField(max_length=5000, help_text="what was done and learned")
    evidence = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=50,
        help_text="ids of evidence items of the same apprenticeship",
    )


class OtjActivityUpdateIn(OtjActivityIn):
    expected_version = serializers.IntegerField(
        min_value=1, required=False, help_text="the version you looked at; a different current version answers 409"
    )


class OtjDecisionIn(serializers.Serializer[Any]):
    expected_version = serializers.IntegerField(
        min_value=1, required=False, help_text="the version you looked at; a different current version answers 409"
    )
    comment = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=2000, help_text="required to decline or reverse"
    )


class OtjBulkItemIn(serializers.Serializer[Any]):
    activity = serializers.UUIDField()
    expected_version = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class OtjBulkApproveIn(serializers.Serializer[Any]):
    items = serializers.ListField(child=OtjBulkItemIn(), allow_empty=False, max_length=500)
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class OtjBulkResultOut(serializers.Serializer[Any]):
    activity = serializers.UUIDField()
    outcome = serializers.ChoiceField(
        choices=["done", "conflict", "wrong_state", "gone", "not_found", "forbidden", "invalid"]
    )
    message = serializers.CharField()
    state = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)


class OtjBulkApproveOut(serializers.Serializer[Any]):
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = OtjBulkResultOut(many=True)


class OtjQueueFilter(serializers.Serializer[Any]):
    tutor = serializers.UUIDField(required=False, help_text="only apprenticeships this person tutors or assesses")
    apprenticeship = serializers.UUIDField(required=False)


SUMMARY_FIELDS = (
    "approved_minutes",
    "pending_minutes",
    "planned_hours",
    "minimum_hours",
    "rpl_hours",
    "required_minutes",
    "to_go_minutes",
    "minimum_met",
    "planned_days",
    "days_in_learning",
    "expected_minutes",
    "tolerance",
    "behind",
)


class OtjSummaryOut(serializers.Serializer[Any]):
    """The figures of portfolio/otj/figures.py, in minutes (and the hours they make) as of `today`."""

    today = serializers.DateField()
    approved_minutes = serializers.IntegerField()
    pending_minutes = serializers.IntegerField()
    planned_hours = serializers.IntegerField(allow_null=True, help_text="the planned OTJ volume")
    minimum_hours = serializers.IntegerField(allow_null=True, help_text="the standard version's minimum, as set")
    rpl_hours = serializers.IntegerField()
    required_minutes = serializers.IntegerField(allow_null=True, help_text="minimum less RPL, never below 0")
    to_go_minutes = serializers.IntegerField(allow_null=True)
    minimum_met = serializers.BooleanField(allow_null=True)
    planned_days = serializers.IntegerField(help_text="planned end - start, less break days")
    days_in_learning = serializers.IntegerField(help_text="so far, less break days")
    expected_minutes = serializers.IntegerField(allow_null=True, help_text="planned x days so far / planned days")
    tolerance = serializers.DecimalField(max_digits=4, decimal_places=3, help_text="0.10 = 10 %")
    behind = serializers.BooleanField(help_text="approved < expected x (1 - tolerance)")
    months_without_activity = serializers.ListField(
        child=serializers.CharField(), help_text="YYYY-MM of each month with no approved OTJ and no evidence"
    )

    @staticmethod
    def of(figures: OtjFigures, today: Any) -> dict[str, Any]:
        return {
            "today": today,
            **{name: getattr(figures, name) for name in SUMMARY_FIELDS},
            "months_without_activity": [m.strftime("%Y-%m") for m in figures.months_without_activity],
        }


class OtjMinimumOut(serializers.Serializer[Any]):
    standard = StandardRefOut(read_only=True)
    minimum_hours = serializers.IntegerField(allow_null=True)
    apprenticeships = serializers.IntegerField(help_text="the provider's apprenticeships on this standard version")


class OtjMinimumIn(serializers.Serializer[Any]):
    standard = serializers.UUIDField(help_text="the standard version's id")
    minimum_hours = serializers.IntegerField(
        min_value=1, max_value=MAX_HOURS, allow_null=True, help_text="whole hours; null clears the minimum"
    )
