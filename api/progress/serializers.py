"""Shapes of the progress review endpoints: a review with its record, words, actions and signatures; an
apprenticeship's schedule; the staff's list rows; the intervals."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.people.serializers import OrganisationRefOut, PersonOut
from portfolio.progress.lifecycle import Action, Party, State
from portfolio.progress.models import AgreedReviewInterval, ProgressReview, ReviewAction, ReviewSignature
from portfolio.progress.schedule import AGREED_INTERVALS, PROVIDER_INTERVALS


class WordsOut(serializers.Serializer[Any]):
    progress = serializers.CharField()
    wellbeing = serializers.CharField(help_text="wellbeing and support")
    next_steps = serializers.CharField()


class ContributionsOut(serializers.Serializer[Any]):
    apprentice = WordsOut()
    employer = WordsOut()
    provider = WordsOut()


class ActionOut(serializers.ModelSerializer[ReviewAction]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    outcome = serializers.ChoiceField(
        choices=ReviewAction.Outcome.choices, help_text="recorded by the next review; empty until then"
    )

    class Meta:
        model = ReviewAction
        fields = ["id", "description", "owner", "due_on", "outcome", "outcome_note"]


class ReviewSignatureOut(serializers.ModelSerializer[ReviewSignature]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    signed_by = PersonOut(read_only=True)

    class Meta:
        model = ReviewSignature
        fields = ["id", "party", "signed_by", "signer_role", "signed_at", "review_version", "fingerprint",
                  "invalidated_at", "invalidation_reason"]  # fmt: skip


class ReviewRefOut(serializers.ModelSerializer[ProgressReview]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    on_time = serializers.BooleanField(
        allow_null=True, read_only=True, help_text="held by its due date; null until held"
    )

    class Meta:
        model = ProgressReview
        fields = ["id", "state", "scheduled_for", "held_on", "due_on", "on_time", "completed_at"]


class ProgressReviewOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    apprenticeship = serializers.UUIDField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    scheduled_for = serializers.DateTimeField()
    location = serializers.CharField()
    reviewer = PersonOut()
    employer_contact = PersonOut(allow_null=True)
    held_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True, help_text="the due date it was held against")
    on_time = serializers.BooleanField(allow_null=True, help_text="held by its due date; null until held")
    version = serializers.IntegerField(help_text="grows with each change of the record; send it when you sign")
    fingerprint = serializers.CharField(help_text="sha256 of the record, the words, actions and outcomes")
    record = serializers.JSONField(help_text="the figures: frozen when held; pre-filled as they stand now before")
    record_frozen = serializers.BooleanField()
    contributions = ContributionsOut(help_text="each party's words")
    actions = ActionOut(many=True, help_text="agreed at this review")
    previous_actions = ActionOut(many=True, help_text="the previous review's actions, with the outcomes")
    signatures = ReviewSignatureOut(many=True, help_text="the live signatures")
    ended_signatures = ReviewSignatureOut(many=True, help_text="signatures a later change ended")
    missing_signatures = serializers.ListField(child=serializers.ChoiceField(choices=Party.choices))
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    pdf_available = serializers.BooleanField(help_text="the signed PDF of the current record is made")
    can = serializers.ListField(child=serializers.ChoiceField(choices=Action.choices), help_text="what you may do now")
    can_sign = serializers.ListField(
        child=serializers.ChoiceField(choices=Party.choices), help_text="the parties you may sign for now"
    )


class ScheduleIn(serializers.Serializer[Any]):
    scheduled_for = serializers.DateTimeField(help_text="when the meeting starts, with its time zone")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reviewer = serializers.UUIDField(
        required=False, help_text="an assessor or tutor of the provider; default: you, or the tutor"
    )
    employer_contact = serializers.UUIDField(
        required=False, allow_null=True, help_text="a line manager or mentor; default: the line manager"
    )


class RescheduleIn(serializers.Serializer[Any]):
    scheduled_for = serializers.DateTimeField(required=False)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reviewer = serializers.UUIDField(required=False)
    employer_contact = serializers.UUIDField(required=False, allow_null=True)


class WordsIn(serializers.Serializer[Any]):
    progress = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    wellbeing = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    next_steps = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class ContributionsIn(serializers.Serializer[Any]):
    apprentice = WordsIn(required=False)
    employer = WordsIn(required=False)
    provider = WordsIn(required=False)


class ActionIn(serializers.Serializer[Any]):
    id = serializers.UUIDField(required=False, help_text="an action of this review to keep and change")
    description = serializers.CharField(max_length=2000)
    owner = serializers.ChoiceField(choices=Party.choices)
    due_on = serializers.DateField()


class OutcomeIn(serializers.Serializer[Any]):
    action = serializers.UUIDField(help_text="an action of the previous review")
    outcome = serializers.ChoiceField(choices=ReviewAction.Outcome.choices, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class HoldIn(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    contributions = ContributionsIn(required=False)
    actions = serializers.ListField(child=ActionIn(), required=False, max_length=30)
    outcomes = serializers.ListField(child=OutcomeIn(), required=False)


class RecordIn(serializers.Serializer[Any]):
    expected_version = serializers.IntegerField(required=False, min_value=1, help_text="the version you read")
    contributions = ContributionsIn(required=False, help_text="your own party's words only")
    actions = serializers.ListField(
        child=ActionIn(), required=False, max_length=30, help_text="the reviewer's: replaces the list"
    )
    outcomes = serializers.ListField(child=OutcomeIn(), required=False, help_text="the reviewer's")


class CancelIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewSignIn(serializers.Serializer[Any]):
    party = serializers.ChoiceField(choices=Party.choices, required=False, help_text="needed only if you sign for two")
    expected_version = serializers.IntegerField(required=False, min_value=1, help_text="the version you read")


class PdfLinkOut(serializers.Serializer[Any]):
    url = serializers.URLField()
    expires_in = serializers.IntegerField(help_text="seconds")


class DueOut(serializers.Serializer[Any]):
    next_due_on = serializers.DateField(allow_null=True, help_text="null: none due, or paused on a break")
    overdue = serializers.BooleanField()
    paused = serializers.BooleanField(help_text="on a break in learning: the clock stands still")
    none_due = serializers.CharField(help_text="`withdrawn` or `completed` when no review is due at all; else empty")
    interval_months = serializers.IntegerField()
    since = serializers.DateField(help_text="the previous review, or the start date")
    explanation = serializers.CharField()


class ScheduleOut(serializers.Serializer[Any]):
    apprenticeship = serializers.UUIDField()
    due = DueOut()
    agreed_interval = serializers.DictField(allow_null=True, help_text="{interval_months, reason} or null")
    provider_interval_months = serializers.IntegerField()
    reviews = ReviewRefOut(many=True, help_text="newest first")


class ScheduleRowOut(serializers.Serializer[Any]):
    apprenticeship = serializers.UUIDField()
    apprentice = PersonOut()
    employer = OrganisationRefOut()
    tutor = PersonOut(allow_null=True)
    due = DueOut()
    scheduled = ReviewRefOut(allow_null=True)
    awaiting_signatures = serializers.ListField(
        child=serializers.DictField(), help_text="held reviews missing signatures: {review, held_on, missing}"
    )


class ReviewListOut(serializers.ModelSerializer[ProgressReview]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprenticeship = serializers.UUIDField(source="apprenticeship.public_id", read_only=True)
    apprentice = PersonOut(source="apprenticeship.apprentice", read_only=True)
    reviewer = PersonOut(read_only=True)
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    on_time = serializers.BooleanField(allow_null=True, read_only=True)

    class Meta:
        model = ProgressReview
        fields = ["id", "apprenticeship", "apprentice", "reviewer", "state", "scheduled_for", "held_on", "due_on",
                  "on_time", "completed_at"]  # fmt: skip


class PolicyOut(serializers.Serializer[Any]):
    interval_months = serializers.IntegerField()


class PolicyIn(serializers.Serializer[Any]):
    interval_months = serializers.IntegerField(min_value=PROVIDER_INTERVALS[0], max_value=PROVIDER_INTERVALS[1])


class IntervalOut(serializers.ModelSerializer[AgreedReviewInterval]):
    recorded_by = PersonOut(read_only=True)

    class Meta:
        model = AgreedReviewInterval
        fields = ["interval_months", "reason", "recorded_by", "recorded_at"]


class IntervalIn(serializers.Serializer[Any]):
    interval_months = serializers.IntegerField(min_value=AGREED_INTERVALS[0], max_value=AGREED_INTERVALS[1])
    reason = serializers.CharField(max_length=2000, help_text="why, and who at the employer agreed it")
