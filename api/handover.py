"""The hand-over in the API: grants, the portfolios an assessment organisation may read, and exports."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.people.fields import PublicIdField
from portfolio.exports.contents import portfolio_contents
from portfolio.exports.models import PortfolioExport
from portfolio.exports.services import export_download_link, export_request
from portfolio.handover.models import PortfolioGrant
from portfolio.handover.selectors import (
    export_get_for_user,
    grant_list_for_assessment_user,
    grant_list_for_provider_user,
    granted_apprenticeship_get,
    staff_apprenticeship_get,
)
from portfolio.handover.services import grant_create, grant_revoke, handover_access_record
from portfolio.people.models import Organisation
from portfolio.people.selectors import organisation_list_for_user


class GrantIn(serializers.Serializer[Any]):
    organisation = PublicIdField(
        scope=lambda user: organisation_list_for_user(user=user).filter(kind=Organisation.Kind.ASSESSMENT_ORGANISATION),
        model="assessment organisation",
    )
    starts_at = serializers.DateTimeField(required=False, default=None, help_text="default: now")
    expires_at = serializers.DateTimeField(required=False, default=None, help_text="default: 90 days after the start")
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class GrantOut(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    apprenticeship = serializers.UUIDField(source="apprenticeship.public_id")
    organisation = serializers.UUIDField(source="organisation.public_id")
    organisation_name = serializers.CharField(source="organisation.name")
    starts_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


class PortfolioListOut(serializers.Serializer[Any]):
    apprenticeship = serializers.UUIDField(source="apprenticeship.public_id")
    apprentice = serializers.CharField(source="apprenticeship.apprentice.display_name")
    standard = serializers.CharField(source="apprenticeship.standard.title")
    expires_at = serializers.DateTimeField()


class PortfolioOut(serializers.Serializer[Any]):
    apprenticeship = serializers.DictField()
    ready = serializers.BooleanField()
    coverage = serializers.ListField(child=serializers.DictField())
    behaviours = serializers.ListField(child=serializers.DictField())
    evidence = serializers.ListField(child=serializers.DictField())


class ExportOut(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    apprenticeship = serializers.UUIDField(source="apprenticeship.public_id")
    state = serializers.ChoiceField(choices=PortfolioExport.State.choices)
    percent = serializers.IntegerField(help_text="of the files' bytes packed so far")
    size = serializers.IntegerField(allow_null=True)
    manifest_sha256 = serializers.CharField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)


class ExportDownloadOut(serializers.Serializer[Any]):
    url = serializers.URLField(help_text="short-lived; every link given out is in the audit log")


class GrantListView(GenericAPIView[PortfolioGrant]):
    """Provider staff: who may see this apprenticeship's portfolio. Admins and assessors grant access."""

    serializer_class = GrantIn
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="grants_list", responses=GrantOut(many=True))
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = staff_apprenticeship_get(user=request.user, public_id=public_id)
        grants = grant_list_for_provider_user(user=request.user).filter(apprenticeship=apprenticeship)
        page = self.paginate_queryset(grants)
        return self.get_paginated_response(GrantOut(page, many=True).data)

    @idempotent
    @extend_schema(operation_id="grants_create", request=GrantIn, responses={201: GrantOut})
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = staff_apprenticeship_get(user=request.user, public_id=public_id)
        data = GrantIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        grant = grant_create(actor=request.user, apprenticeship=apprenticeship, **data.validated_data)
        return Response(GrantOut(grant).data, status=status.HTTP_201_CREATED)


class GrantRevokeView(GenericAPIView[PortfolioGrant]):
    serializer_class = GrantOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="grants_revoke", request=None, responses=GrantOut)
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        grant = grant_list_for_provider_user(user=request.user).filter(public_id=public_id).first()
        if grant is None:
            raise NotFound
        return Response(GrantOut(grant_revoke(actor=request.user, grant=grant)).data)


class PortfolioListView(GenericAPIView[PortfolioGrant]):
    """An assessment organisation's user: the portfolios granted to them now."""

    serializer_class = PortfolioListOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="assessment_portfolios_list", responses=PortfolioListOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(grant_list_for_assessment_user(user=request.user).order_by("expires_at", "id"))
        return self.get_paginated_response(PortfolioListOut(page, many=True).data)


class PortfolioDetailView(GenericAPIView[PortfolioGrant]):
    serializer_class = PortfolioOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="assessment_portfolios_retrieve", responses=PortfolioOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = granted_apprenticeship_get(user=request.user, public_id=public_id)
        handover_access_record(actor=request.user, apprenticeship=apprenticeship, what="view")
        contents = portfolio_contents(apprenticeship=apprenticeship)
        evidence = [
            {
                "id": entry.public_id,
                "title": entry.title,
                "kind": entry.kind,
                "occurred_on": entry.occurred_on,
                "reflection": entry.reflection,
                "files": [
                    {"id": f.public_id, "name": f.original_name, "size": f.size, "sha256": f.sha256}
                    for f in entry.files
                ],
                "decisions": entry.decisions,
            }
            for entry in contents.evidence
        ]
        return Response(
            PortfolioOut(
                {
                    "apprenticeship": contents.apprenticeship,
                    "ready": contents.ready,
                    "coverage": contents.coverage,
                    "behaviours": contents.behaviours,
                    "evidence": evidence,
                }
            ).data
        )


class ExportCreateView(GenericAPIView[PortfolioExport]):
    """Build the portfolio's export (provider staff, or an assessment organisation with a grant in force).
    Asked for while one is being built, it answers that one."""

    serializer_class = ExportOut
    permission_classes = [IsAuthenticated]

    @idempotent
    @extend_schema(operation_id="exports_create", request=None, responses={202: ExportOut})
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        try:
            apprenticeship = staff_apprenticeship_get(user=request.user, public_id=public_id)
        except Http404:  # not staff: an assessment organisation's user with a grant in force, or 404
            apprenticeship = granted_apprenticeship_get(user=request.user, public_id=public_id)
        export = export_request(actor=request.user, apprenticeship=apprenticeship)
        return Response(ExportOut(export).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailView(GenericAPIView[PortfolioExport]):
    serializer_class = ExportOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="exports_retrieve", responses=ExportOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(ExportOut(export_get_for_user(user=request.user, public_id=public_id)).data)


class ExportDownloadView(GenericAPIView[PortfolioExport]):
    serializer_class = ExportDownloadOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="exports_download", request=None, responses=ExportDownloadOut)
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        export = export_get_for_user(user=request.user, public_id=public_id)
        if export.state != PortfolioExport.State.READY:
            raise NotFound("The export is not ready.")
        handover_access_record(actor=request.user, apprenticeship=export.apprenticeship, what="export", target=export)
        return Response(ExportDownloadOut({"url": export_download_link(export=export)}).data)
