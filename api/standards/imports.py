"""POST /api/standards/imports/: a provider admin imports an assessment plan (or previews it)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsProviderAdmin
from api.standards.serializers import StandardSummarySerializer
from portfolio.standards.services import ImportResult, standard_import
from portfolio.standards.uploads import UploadedPlanError, read_uploaded_api_document, read_uploaded_plan

IMPORT_STATUSES = ["created", "unchanged", "replaced", "preview"]


class ImportRequestSerializer(serializers.Serializer[Any]):
    plan = serializers.FileField(help_text="the assessment plan: text, HTML, or text with HTML fragments")
    api_document = serializers.FileField(
        required=False, help_text="the Skills England API document of the standard (JSON)"
    )
    reference = serializers.CharField(required=False, max_length=16, help_text="when the plan has none")
    version = serializers.CharField(required=False, max_length=16, help_text="when the plan has none")
    replace = serializers.BooleanField(default=False, help_text="replace a loaded version from another document")
    dry_run = serializers.BooleanField(default=False, help_text="read and report only; write nothing")


ISSUE_SCHEMA = {
    "type": "object",
    "properties": {"line": {"type": "integer"}, "message": {"type": "string"}, "excerpt": {"type": "string"}},
    "required": ["line", "message", "excerpt"],
}
STRINGS = {"type": "array", "items": {"type": "string"}}
NULLABLE_STRING = {"type": "string", "nullable": True}
REPORT_SCHEMA = {
    "type": "object",
    "description": "What the plan holds: the stable preview shape of `import_standard --dry-run --json`.",
    "properties": {
        "reference": NULLABLE_STRING,
        "version": NULLABLE_STRING,
        "title": NULLABLE_STRING,
        "level": {"type": "integer", "nullable": True},
        "options": {
            "type": "array",
            "items": {"type": "object", "properties": {"title": {"type": "string"}, "code": NULLABLE_STRING}},
        },
        "aos": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "title": {"type": "string"},
                    "option": NULLABLE_STRING,
                    "statements": STRINGS,
                },
            },
        },
        "statements": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "kind": {"type": "string", "enum": ["K", "S", "B"]},
                    "mandatory": {"type": "boolean"},
                    "functional_skills": {"type": "boolean"},
                    "text": {"type": "string"},
                },
            },
        },
        "errors": {"type": "array", "items": ISSUE_SCHEMA},
        "warnings": {"type": "array", "items": ISSUE_SCHEMA},
    },
}


@extend_schema_field(REPORT_SCHEMA)
class ReportField(serializers.JSONField):
    pass


class ImportResponseSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=IMPORT_STATUSES)
    message = serializers.CharField()
    standard = StandardSummarySerializer(allow_null=True)
    report = ReportField()


STATUS_CODES = {"created": 201, "replaced": 200, "unchanged": 200, "preview": 200, "refused": 409, "invalid": 400}


def _response(result: ImportResult, request: Request) -> Response:
    if not result.ok:
        code = "import_refused" if result.status == "refused" else "invalid_plan"
        details: dict[str, Any] = {"errors": result.report.to_dict()["errors"], "in_use": result.in_use}
        details["warnings"] = result.report.to_dict()["warnings"]
        return Response(
            {"code": code, "message": result.message, "details": details}, status=STATUS_CODES[result.status]
        )
    standard = None
    if result.standard is not None:
        from portfolio.standards.selectors import standard_list

        summary = standard_list(reference=result.standard.reference).get(pk=result.standard.pk)
        standard = StandardSummarySerializer(summary, context={"request": request}).data
    body = {"status": result.status, "message": result.message, "standard": standard, "report": result.report.to_dict()}
    return Response(body, status=STATUS_CODES[result.status])


@extend_schema(
    summary="Import an assessment plan as a standard version (provider admins)",
    request={"multipart/form-data": ImportRequestSerializer},
    responses={
        201: ImportResponseSerializer,
        200: ImportResponseSerializer,
        400: OpenApiResponse(description="the plan has errors: the body lists each with its line; nothing written"),
        409: OpenApiResponse(description="refused: the version is loaded from another document, or in use"),
    },
)
class StandardImportView(APIView):
    permission_classes = [IsProviderAdmin]
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request: Request) -> Response:
        form = ImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            plan = read_uploaded_plan(data["plan"])
            api_document = read_uploaded_api_document(data.get("api_document"))
        except UploadedPlanError as exc:
            raise serializers.ValidationError({exc.field: [str(exc)]}) from exc
        result = standard_import(
            plan=plan,
            api_document=api_document,
            reference=data.get("reference") or None,
            version=data.get("version") or None,
            replace=data["replace"],
            dry_run=data["dry_run"],
            actor=request.user,
        )
        return _response(result, request)
