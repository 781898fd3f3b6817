"""Evidence files: an upload slot (a presigned POST straight to storage), "complete", a download link, and
removal of a file (a rejected one, or one the author no longer wants)."""

from __future__ import annotations

import math
import uuid

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.evidence.base import CONFLICT, REFUSED, EvidenceAPIView
from api.evidence.serializers import DownloadOut, EvidenceFileOut, EvidenceOut, UploadSlotIn, UploadSlotOut
from api.idempotency import idempotent
from portfolio.evidence.selectors import evidence_file_get_for_user, evidence_get_for_user
from portfolio.evidence.services.files import (
    evidence_file_complete,
    evidence_file_download_link,
    evidence_file_remove,
    evidence_file_slot_open,
)


def absolute(request: Request, url: str) -> str:
    # S3 URLs are absolute already; the local back end's are paths on this site.
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


class EvidenceFileListView(EvidenceAPIView):
    serializer_class = UploadSlotIn
    # UploadSlotIn.name removes control characters from the file name as the browser sent it.
    cleans_control_characters = frozenset({"name"})

    @idempotent
    @extend_schema(
        operation_id="evidence_files_create",
        request=UploadSlotIn,
        responses={201: UploadSlotOut, 400: REFUSED, 409: CONFLICT},
        description="Opens an upload slot: POST `upload.fields` and then the file (as `file`, last) to "
        "`upload.url` before `upload.expires_at`, then call `complete`. The slot accepts exactly one object "
        "of the declared type and size. Refused (400) for an empty file or one over a limit: the size per "
        "file, the files per item, the storage per apprentice.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        evidence = evidence_get_for_user(user=request.user, public_id=public_id)
        data = UploadSlotIn(data=request.data)
        data.is_valid(raise_exception=True)
        opened = evidence_file_slot_open(
            actor=request.user,
            evidence=evidence,
            file_name=data.validated_data["name"],
            content_type=data.validated_data["content_type"],
            size=data.validated_data["size"],
        )
        upload = {
            "url": absolute(request, opened.slot.post.url),
            "fields": opened.slot.post.fields,
            "expires_at": opened.slot.expires_at,
            "expires_in_minutes": math.ceil(settings.EVIDENCE_UPLOAD_EXPIRY_SECONDS / 60),
        }
        body = UploadSlotOut({"file": opened.file, "upload": upload}).data
        return Response(body, status=status.HTTP_201_CREATED)


class EvidenceFileCompleteView(EvidenceAPIView):
    serializer_class = EvidenceFileOut

    @extend_schema(
        operation_id="evidence_files_complete",
        request=None,
        responses={200: EvidenceFileOut, 400: REFUSED, 409: CONFLICT},
        description="Says the upload is done: the file is `uploaded`, then `verified` or `rejected` by a worker "
        "(poll the item). Refused once the file was completed (409 `already_completed`), and after the slot "
        "expired (400 `slot_expired`: what arrived is deleted, the file rejected).",
    )
    def post(self, request: Request, public_id: uuid.UUID, file_id: uuid.UUID) -> Response:
        file = evidence_file_get_for_user(user=request.user, evidence_public_id=public_id, file_public_id=file_id)
        file = evidence_file_complete(actor=request.user, file=file)
        return Response(EvidenceFileOut(file).data)


class EvidenceFileDownloadView(EvidenceAPIView):
    serializer_class = DownloadOut

    @extend_schema(
        operation_id="evidence_files_download",
        responses={200: DownloadOut, 409: CONFLICT},
        description="A short-lived link to a verified file, for anyone who may see the evidence.",
    )
    def get(self, request: Request, public_id: uuid.UUID, file_id: uuid.UUID) -> Response:
        file = evidence_file_get_for_user(user=request.user, evidence_public_id=public_id, file_public_id=file_id)
        link = evidence_file_download_link(file=file)
        return Response(DownloadOut({"url": absolute(request, link.url), "expires_at": link.expires_at}).data)


class EvidenceFileDetailView(EvidenceAPIView):
    serializer_class = EvidenceOut  # DELETE takes no body and answers the item as it is now

    @extend_schema(
        operation_id="evidence_files_destroy",
        request=None,
        responses={200: EvidenceOut, 403: REFUSED, 409: CONFLICT},
        description="Removes a file from the item (a rejected one, or one no longer wanted) and deletes its "
        "object from storage; the audit log records it. Only the item's author may (403). A file is a counted "
        "part: once the item left draft, removing one is a change like adding one, so the version grows, "
        "earlier review decisions no longer hold, and a confirmed or accepted item goes back to `submitted` "
        "for a fresh sign-off. Refused for a withdrawn item (409 `evidence_withdrawn`). Answers the item as it "
        "is now, with its new `version` for the next submit.",
    )
    def delete(self, request: Request, public_id: uuid.UUID, file_id: uuid.UUID) -> Response:
        file = evidence_file_get_for_user(user=request.user, evidence_public_id=public_id, file_public_id=file_id)
        evidence_file_remove(actor=request.user, file=file)
        return Response(EvidenceOut(evidence_get_for_user(user=request.user, public_id=public_id)).data)
