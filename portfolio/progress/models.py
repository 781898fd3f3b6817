"""Progress reviews: the provider's interval, an apprenticeship's agreed interval, each review with its frozen
record, each party's words, actions, signatures, and the reminders sent about it.

The lifecycle (states, who moves a review from which state to which) is portfolio/progress/lifecycle.py; when a
review is due, portfolio/progress/schedule.py. Only the services in portfolio/progress/services/ write these rows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from portfolio.notify.models import Notification
from portfolio.people.models import Apprenticeship, Membership, Organisation
from portfolio.progress import lifecycle
from portfolio.progress.schedule import AGREED_INTERVALS, DEFAULT_INTERVAL_MONTHS, PROVIDER_INTERVALS

Party = lifecycle.Party


class ProgressReviewPolicy(models.Model):
    """Per provider: how often its apprentices are reviewed. A provider without a row reviews every 3 months."""

    provider = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="progress_review_policy")
    interval_months = models.PositiveSmallIntegerField(
        "review at least every (months)",
        default=DEFAULT_INTERVAL_MONTHS,
        help_text="3 under the funding rules; a provider may choose 1 or 2",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "progress review policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=PROVIDER_INTERVALS[0], interval_months__lte=PROVIDER_INTERVALS[1]),
                name="progress_policy_interval_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"progress review policy of {self.provider}"


class AgreedReviewInterval(models.Model):
    """A longer interval agreed with the employer for one apprenticeship, with the evidenced reason."""

    apprenticeship = models.OneToOneField(
        Apprenticeship, on_delete=models.CASCADE, related_name="agreed_review_interval"
    )
    interval_months = models.PositiveSmallIntegerField()
    reason = models.TextField(help_text="why, and who at the employer agreed it")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=AGREED_INTERVALS[0], interval_months__lte=AGREED_INTERVALS[1]),
                name="agreed_review_interval_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"every {self.interval_months} months for {self.apprenticeship_id}"


class ProgressReview(models.Model):
    """One progress review: scheduled, then held (its record frozen), then signed by all three parties.

    `fingerprint` is sha256 of `snapshot`'s canonical JSON (portfolio/progress/fingerprint.py): the record, every
    party's words, the actions and the outcomes of the previous review's actions. `version` grows with each
    change of them; a change ends every live signature. The signed PDF is stored in the object store under
    `pdf_key`, made from the record whose fingerprint is `pdf_fingerprint`.
    """

    State = lifecycle.State

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="progress_reviews")
    state = models.CharField(max_length=32, choices=State.choices, default=State.SCHEDULED)
    scheduled_for = models.DateTimeField(help_text="when the meeting is (or was) planned")
    location = models.CharField(max_length=200, blank=True, help_text="where, or the video call's link")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="the provider's reviewer"
    )
    employer_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True, help_text="the due date it was held against")
    record = models.JSONField(null=True, blank=True, help_text="the figures as they stood when it was held")
    version = models.PositiveIntegerField(default=1)
    fingerprint = models.CharField(max_length=64, blank=True)
    snapshot = models.JSONField(null=True, blank=True, help_text="what the fingerprint covers")
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    pdf_key = models.CharField(max_length=255, blank=True)
    pdf_fingerprint = models.CharField(max_length=64, blank=True)
    pdf_made_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            # One review is prepared at a time: a second "schedule" meets this and is refused.
            models.UniqueConstraint(
                fields=["apprenticeship"], condition=Q(state="scheduled"), name="one_scheduled_progress_review"
            )
        ]
        indexes = [models.Index(fields=["apprenticeship", "state"]), models.Index(fields=["state", "held_on"])]

    def __str__(self) -> str:
        return f"progress review {self.public_id} ({self.state})"

    @property
    def on_time(self) -> bool | None:
        """Held by its due date; None until held."""
        if self.held_on is None or self.due_on is None:
            return None
        return self.held_on <= self.due_on

    @property
    def pdf_current(self) -> bool:
        return bool(self.pdf_key) and self.pdf_fingerprint == self.fingerprint and self.state == self.State.COMPLETE


class ReviewContribution(models.Model):
    """One party's words in a held review: progress, wellbeing and support, next steps."""

    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="contributions")
    party = models.CharField(max_length=16, choices=Party.choices)
    progress = models.TextField(blank=True)
    wellbeing = models.TextField("wellbeing and support", blank=True)
    next_steps = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "party"], name="one_contribution_per_party")]

    def __str__(self) -> str:
        return f"{self.party} in {self.review_id}"


class ReviewAction(models.Model):
    """An action agreed at a review (who owns it, by when), carried into the next review, which records its
    outcome."""

    class Outcome(models.TextChoices):
        NOT_RECORDED = "", "Not recorded yet"
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"
        NOT_DONE = "not_done", "Not done"
        DROPPED = "dropped", "No longer needed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=16, choices=Party.choices)
    due_on = models.DateField()
    position = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.TextField(blank=True)
    outcome_review = models.ForeignKey(
        ProgressReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_actions",
        help_text="the later review that recorded the outcome",
    )  # fmt: skip

    class Meta:
        ordering = ["review", "position", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class ReviewSignature(models.Model):
    """One party's signature of a held review: who, when, in which role, and the fingerprint of the record signed.

    Ended (kept, marked) when the record changes afterwards; the party signs again.
    """

    class Invalidation(models.TextChoices):
        EDITED = "edited", "The record changed after it was signed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=16, choices=Party.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_role = models.CharField(max_length=32, help_text="the membership (or apprentice) it was signed in")
    signed_at = models.DateTimeField()
    review_version = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    snapshot = models.JSONField(help_text="what was signed, as it was")
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidation_reason = models.CharField(max_length=16, choices=Invalidation.choices, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "party"], condition=Q(invalidated_at__isnull=True), name="one_live_review_signature"
            )
        ]

    def __str__(self) -> str:
        return f"{self.party} signature of {self.review_id}"

    @property
    def role_label(self) -> str:
        """ "Line manager", "Tutor", "Apprentice": the role signed in, for people."""
        if self.signer_role == "apprentice":
            return "Apprentice"
        try:
            return str(Membership.Role(self.signer_role).label)
        except ValueError:
            return self.signer_role


class ReviewReminder(models.Model):
    """A reminder sent once: (apprenticeship, person, rule, occurrence) is unique, and the row is written in the
    same transaction as the notification and its owed email, so a duplicated or repeated run sends nothing more."""

    class Rule(models.TextChoices):
        MEETING = "meeting", "Before the meeting"
        SIGNATURE = "signature", "Signature missing"
        OVERDUE = "overdue", "Review overdue"

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=16, choices=Rule.choices)
    occurrence = models.CharField(max_length=80, help_text="which one of the rule's reminders, e.g. day-3")
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "recipient", "rule", "occurrence"], name="progress_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.occurrence} to {self.recipient_id}"
