"""Output shapes shared by the people endpoints. Public UUIDs only; database ids never leave the server."""

from __future__ import annotations

from rest_framework import serializers

from portfolio.people.models import Apprenticeship, Invitation, Membership, Organisation, User
from portfolio.standards.models import Option, Standard


class PersonOut(serializers.ModelSerializer[User]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name"]


class OrganisationRefOut(serializers.ModelSerializer[Organisation]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name"]


class OrganisationOut(serializers.ModelSerializer[Organisation]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    provider = OrganisationRefOut(read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "ukprn", "provider", "created_at"]


class MembershipOut(serializers.ModelSerializer[Membership]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    user = PersonOut(read_only=True)
    organisation = OrganisationRefOut(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "organisation", "role", "is_active", "created_at"]


class StandardRefOut(serializers.ModelSerializer[Standard]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Standard
        fields = ["id", "reference", "version", "title"]


class OptionRefOut(serializers.ModelSerializer[Option]):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Option
        fields = ["id", "title", "code"]


class ApprenticeshipOut(serializers.ModelSerializer[Apprenticeship]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    apprentice = PersonOut(read_only=True)
    provider = OrganisationRefOut(read_only=True)
    employer = OrganisationRefOut(read_only=True)
    standard = StandardRefOut(read_only=True)
    option = OptionRefOut(read_only=True, allow_null=True)
    tutor = PersonOut(read_only=True, allow_null=True)
    assessor = PersonOut(read_only=True, allow_null=True)
    line_manager = PersonOut(read_only=True, allow_null=True)
    mentor = PersonOut(read_only=True, allow_null=True)

    class Meta:
        model = Apprenticeship
        fields = [
            "id",
            "apprentice",
            "provider",
            "employer",
            "standard",
            "option",
            "start_date",
            "planned_end_date",
            "status",
            "tutor",
            "assessor",
            "line_manager",
            "mentor",
            "otj_planned_hours",
            "rpl_hours",
            "rpl_reason",
            "date_of_birth",
            "english_maths",
            "english_maths_reason",
            "created_at",
            "updated_at",
        ]


class InvitationOut(serializers.ModelSerializer[Invitation]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    organisation = OrganisationRefOut(read_only=True, allow_null=True)
    apprenticeship = serializers.UUIDField(source="apprenticeship.public_id", read_only=True, allow_null=True)
    provider = OrganisationRefOut(read_only=True)
    created_by = PersonOut(read_only=True)
    state = serializers.ChoiceField(choices=["pending", "accepted", "revoked", "expired"], read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "organisation",
            "apprenticeship",
            "provider",
            "state",
            "created_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
