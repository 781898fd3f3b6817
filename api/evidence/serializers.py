"""Shapes of the evidence endpoints. Public UUIDs only; database ids and object keys never leave the server."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.schema import ErrorOut  # noqa: F401 - the API's one error shape, re-exported for the views
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.evidence.services.files import file_name_controls_remove
from portfolio.people.models import User


class AuthorOut(serializers.ModelSerializer[User]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class EvidenceFileOut(serializers.ModelSerializer[EvidenceFile]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "name",
            "declared_type",
            "declared_size",
            "state",
            "rejection_reason",
            "size",
            "sha256",
            "detected_type",
            "slot_expires_at",
            "created_at",
            "uploaded_at",
            "verified_at",
        ]
        read_only_fields = fields


class EvidenceTagOut(serializers.ModelSerializer[EvidenceTag]):
    code = serializers.CharField(source="statement.code", read_only=True)
    kind = serializers.CharField(source="statement.kind", read_only=True)
    text = serializers.CharField(source="statement.text", read_only=True)

    class Meta:
        model = EvidenceTag
        fields = ["code", "kind", "text", "state", "comment", "decided_at"]
        read_only_fields = fields


class EvidenceOut(serializers.ModelSerializer[Evidence]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprenticeship = serializers.UUIDField(source="apprenticeship.public_id", read_only=True)
    author = AuthorOut(read_only=True)
    files = EvidenceFileOut(many=True, read_only=True)
    tags = EvidenceTagOut(many=True, read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "apprenticeship",
            "author",
            "author_role",
            "kind",
            "title",
            "occurred_on",
            "reflection",
            "state",
            "version",
            "ever_submitted",
            "created_at",
            "updated_at",
            "submitted_at",
            "files",
            "tags",
        ]
        read_only_fields = fields


class EvidenceCreateIn(serializers.Serializer[Any]):
    apprenticeship = serializers.UUIDField(help_text="the apprenticeship whose portfolio the evidence joins")
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    title = serializers.CharField(max_length=200)
    occurred_on = serializers.DateField(help_text="the date it happened")
    reflection = serializers.CharField(required=False, default="", allow_blank=True)


class EvidenceUpdateIn(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    occurred_on = serializers.DateField(required=False)
    reflection = serializers.CharField(required=False, allow_blank=True)


class FileNameField(serializers.CharField):
    """A file name from a device: control characters (NUL included) are removed before any validation."""

    def to_internal_value(self, data: Any) -> str:
        value: str = super().to_internal_value(data)
        return file_name_controls_remove(value).strip()


class UploadSlotIn(serializers.Serializer[Any]):
    # Control characters in the name are removed and of a path only the last part is kept (the service's
    # file_name_clean), rather than refused: names come from devices, and people cannot see what to fix.
    name = FileNameField(
        max_length=255,
        help_text="the file's name on the user's device (metadata only); control characters are removed, and "
        "of a path only its last part is kept",
    )
    content_type = serializers.CharField(max_length=127, help_text="the declared MIME type, e.g. application/pdf")
    # No min_value: a negative or zero size is refused by the service with its own code (file_size_negative,
    # file_empty) and a message, not the generic `invalid`.
    size = serializers.IntegerField(help_text="the exact size in bytes (1 or more)")


class PresignedPostOut(serializers.Serializer[Any]):
    url = serializers.URLField(help_text="POST the fields, then the file as `file` (last), to this URL")
    # S3 names this part of a presigned POST "fields". DRF's metaclass moves declared fields off the class,
    # so this does not shadow Serializer.fields at run time; only the type checker sees a clash.
    fields = serializers.DictField(child=serializers.CharField())  # type: ignore[assignment]
    expires_at = serializers.DateTimeField()
    expires_in_minutes = serializers.IntegerField()


class UploadSlotOut(serializers.Serializer[Any]):
    file = EvidenceFileOut()
    upload = PresignedPostOut()


class DownloadOut(serializers.Serializer[Any]):
    url = serializers.URLField(help_text="a short-lived link that saves the file under its original name")
    expires_at = serializers.DateTimeField()


class TagsIn(serializers.Serializer[Any]):
    statements = serializers.ListField(
        child=serializers.CharField(max_length=8),
        allow_empty=True,
        max_length=500,
        help_text="statement codes (K1, S12) of the apprentice's route; replaces the current set",
    )


class TagsOut(serializers.Serializer[Any]):
    statements = EvidenceTagOut(many=True)
