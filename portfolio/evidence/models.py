"""Evidence items, their files and their tags to statements.

Only services in portfolio/evidence/services and portfolio/reviews/services write these rows.
`Evidence.version` grows by one with every change to a counted part (fields, files, tags), so a reviewer's
decision can name the version it saw, and a concurrent change is detected as a conflict.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from portfolio.evidence import lifecycle
from portfolio.people.models import Apprenticeship
from portfolio.standards.models import Statement


class Evidence(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        PHOTO = "photo", "Photo"
        VIDEO = "video", "Video"
        AUDIO = "audio", "Audio"
        REFLECTIVE_ACCOUNT = "reflective_account", "Reflective account"
        WITNESS_TESTIMONY = "witness_testimony", "Witness testimony"
        OBSERVATION_RECORD = "observation_record", "Observation record"
        PROFESSIONAL_DISCUSSION = "professional_discussion", "Professional discussion notes"
        PROJECT_WORK = "project_work", "Project work"

    # The review states and who moves an item between them: portfolio/evidence/lifecycle.py.
    State = lifecycle.State

    class AuthorRole(models.TextChoices):
        APPRENTICE = "apprentice", "Apprentice"
        EMPLOYER_CONTACT = "employer_contact", "Employer contact"
        PROVIDER_STAFF = "provider_staff", "Provider staff"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.PROTECT, related_name="evidence")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=32, choices=AuthorRole.choices)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    occurred_on = models.DateField(help_text="the date it happened")
    reflection = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=lifecycle.INITIAL)
    version = models.PositiveIntegerField(default=1)
    ever_submitted = models.BooleanField(default=False, help_text="once true, the item is withdrawn, never deleted")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = "evidence"
        indexes = [
            models.Index(fields=["apprenticeship", "state"]),
            # The review queues: an organisation's items waiting for a sign-off, oldest first, read from the index
            # alone (with the state, which decides whose queue an item is in) rather than from the evidence rows.
            models.Index(
                fields=["apprenticeship", "submitted_at", "id", "state"],
                condition=models.Q(state__in=["submitted", "confirmed"]),
                name="evidence_awaiting_review",
            ),
            # The acceptance queue under the default policy (confirmed items), its length and oldest items on the
            # start page: read from an index of those items alone, not among every submitted one.
            models.Index(
                fields=["apprenticeship", "submitted_at", "id"],
                condition=models.Q(state="confirmed"),
                name="evidence_awaiting_acceptance",
            ),
            # The gateway's monthly activity rule: a full coverage pass finds last month's items by their dates
            # (a range of each index) rather than reading every item (portfolio/coverage/gates_sql.py).
            models.Index(fields=["created_at"], name="evidence_created_at"),
            models.Index(fields=["submitted_at"], name="evidence_submitted_at"),
            # An apprenticeship's last activity, its newest change (the cohort's rows and CSV): one entry of this
            # index per apprenticeship, not every item read and compared.
            models.Index(fields=["apprenticeship", "updated_at"], name="evidence_latest_change"),
            # Staff's evidence lists across their organisation (the page and the API), newest first: a page read
            # from here, where sorting all of a provider's items (100,000 at 2,500 apprentices) cost most of it.
            models.Index(fields=["-occurred_on", "-id"], name="evidence_newest"),
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceFile(models.Model):
    class State(models.TextChoices):
        AWAITING_UPLOAD = "awaiting_upload", "Awaiting upload"
        UPLOADED = "uploaded", "Uploaded, being checked"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="files")
    object_key = models.CharField(max_length=255, unique=True, help_text="random; never the user's file name")
    # Set when the file is verified: where its verified bytes were copied, a key no upload slot can write.
    # Downloads read only this key; "" on a verified file means it still awaits evidence_secure_verified.
    verified_key = models.CharField(max_length=255, blank=True, help_text="the verified copy; the only one served")
    original_name = models.CharField(max_length=255)
    declared_type = models.CharField(max_length=127)
    declared_size = models.PositiveBigIntegerField()
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    detected_type = models.CharField(max_length=127, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.AWAITING_UPLOAD)
    rejection_reason = models.TextField(blank=True)
    slot_expires_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    uploaded_at = models.DateTimeField(null=True, blank=True, help_text="when the client said the upload was complete")
    verified_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["evidence", "state"]),
            # The periodic sweep looks for files stuck in one state: uploaded too long, or slots long expired.
            models.Index(fields=["state", "uploaded_at"]),
            models.Index(fields=["state", "slot_expires_at"]),
            # Coverage counts an item only when none of its files is unverified: the few such files, apart.
            models.Index(fields=["evidence"], condition=~models.Q(state="verified"), name="evidence_file_unverified"),
        ]

    def __str__(self) -> str:
        return self.original_name


class EvidenceTag(models.Model):
    """Evidence <-> statement. The assessor accepts or declines each tag; only accepted tags count."""

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting acceptance"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="tags")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="evidence_tags")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement__position"]
        constraints = [models.UniqueConstraint(fields=["evidence", "statement"], name="tag_evidence_statement")]
        indexes = [models.Index(fields=["statement", "state"])]

    def __str__(self) -> str:
        return f"{self.evidence_id} -> {self.statement_id} ({self.state})"


class EvidenceFileText(models.Model):
    """The text of a verified file, read by a worker from its verified bytes (portfolio/evidence/services/text.py).

    Read only from bytes whose sha256 is the file's verified one, so never from unverified or rejected bytes;
    kept for statement suggestions. One row per file once it was looked at, whatever came of it (`status`),
    so a file is read once.
    """

    class Status(models.TextChoices):
        EXTRACTED = "extracted", "Text read"
        EMPTY = "empty", "No text in it"
        UNSUPPORTED = "unsupported", "Not a type whose text is read"
        TOO_LARGE = "too_large", "Too large to read"
        FAILED = "failed", "Could not be read"

    file = models.OneToOneField(EvidenceFile, on_delete=models.CASCADE, related_name="text")
    status = models.CharField(max_length=16, choices=Status.choices)
    text = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True, help_text="of `text`: what suggestions were made from")
    truncated = models.BooleanField(default=False, help_text="only the first EVIDENCE_TEXT_MAX_CHARS were kept")
    detail = models.CharField(max_length=255, blank=True, help_text="why nothing was read, for operations")
    source_sha256 = models.CharField(max_length=64, help_text="the verified sha256 of the bytes it was read from")
    extracted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"text of {self.file_id} ({self.status})"


class PendingObjectDeletion(models.Model):
    """An object owed a deletion from storage: written in the transaction that dropped its last row.

    The rows that named the object (a deleted draft's files) are gone once the transaction commits, so
    the debt is kept here: a task deletes the object after commit and then this row, and the periodic
    sweep retries whatever a lost task left behind. Nothing is left in the bucket for good.
    """

    object_key = models.CharField(max_length=255, unique=True)
    reason = models.CharField(max_length=64)
    # While the object's upload slot is still valid, the client could POST to it again (S3 allows it): the
    # debt is kept, and the object deleted again by each sweep, until the slot is over.
    keep_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.object_key
