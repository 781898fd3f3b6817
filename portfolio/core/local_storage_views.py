"""The embedded default's stand-in for S3's presigned POST and GET: signed local URLs.

Production never routes file bytes through Django; these views exist so that the embedded default (no
S3) follows the same upload path as production. Every disk access goes through portfolio.storage.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.core import signing
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.http.response import HttpResponseBase
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from portfolio.core.content_disposition import attachment_header, inline_header
from portfolio.storage import (
    CHUNK_SIZE,
    LocalStore,
    LocalUpload,
    ObjectMissing,
    UploadRefused,
    get_store,
    local_download,
    local_upload_policy,
)


class _SignedSlotHandler(FileUploadHandler):
    """Streams the `file` part to disk, but only after the signed policy fields before it were checked.

    Like S3, the form fields come first and the file last, so the policy is known before the first byte
    of the file arrives: a forged or expired slot is refused without writing anything.
    """

    chunk_size = 64 * 1024

    def __init__(self, request: HttpRequest, store: LocalStore) -> None:
        super().__init__(request)
        self.store = store
        self.parser: MultiPartParser | None = None
        self.upload: LocalUpload | None = None

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        if field_name != "file" or self.upload is not None:
            raise UploadRefused(400, "InvalidArgument", "Send exactly one file, in a field named 'file'.")
        assert self.parser is not None  # noqa: S101 - set by the view before parsing
        # The parser's fields so far; Django keeps them on `_post` while it parses (pinned Django 5.2).
        so_far = self.parser._post  # type: ignore[attr-defined]
        fields = {name: so_far.get(name, "") for name in ("key", "Content-Type", "policy")}
        self.upload = self.store.begin_upload(local_upload_policy(fields))

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.upload is not None  # noqa: S101 - new_file always runs first
        self.upload.write(raw_data)

    def file_complete(self, file_size: int) -> None:
        return None


def _refusal(refused: UploadRefused) -> JsonResponse:
    return JsonResponse({"code": refused.code, "message": refused.message}, status=refused.status)


def _drain(request: HttpRequest) -> None:
    # Read what the client is still sending, so it gets our answer rather than a reset connection.
    while request.read(CHUNK_SIZE):
        pass


# No session or CSRF token here, deliberately: like S3's presigned POST, the signed policy in the form
# is the whole authority (one key, one type, a size range, an expiry), and it is issued only to the
# signed-in user who asked for the slot. A cross-site form could not forge it.
@csrf_exempt
@never_cache
@require_POST
def local_upload(request: HttpRequest) -> HttpResponse:
    store = get_store()
    if not isinstance(store, LocalStore):
        return HttpResponse(status=404)
    if not (request.content_type or "").startswith("multipart/form-data"):
        return _refusal(UploadRefused(400, "InvalidArgument", "Send the upload as multipart/form-data."))
    handler = _SignedSlotHandler(request, store)
    # The request is a readable stream of the body; Django's own request.POST parsing does the same.
    parser = MultiPartParser(request.META, cast(IO[bytes], request), [handler], request.encoding)
    handler.parser = parser
    committed = False
    try:
        parser.parse()
        if handler.upload is None:
            raise UploadRefused(400, "InvalidArgument", "The form has no file: send it in a field named 'file'.")
        handler.upload.commit()
        committed = True
    except UploadRefused as refused:
        _drain(request)
        return _refusal(refused)
    except MultiPartParserError:
        return _refusal(UploadRefused(400, "MalformedPOSTRequest", "The multipart body could not be read."))
    finally:
        # Whatever went wrong, no partial file stays behind.
        if handler.upload is not None and not committed:
            handler.upload.abort()
    return HttpResponse(status=204)


@never_cache
@require_GET
def local_download_view(request: HttpRequest) -> HttpResponseBase:
    store = get_store()
    if not isinstance(store, LocalStore):
        return HttpResponse(status=404)
    try:
        grant = local_download(request.GET.get("token", ""))
        info = store.head(grant.key)
    except (signing.BadSignature, ValueError, ObjectMissing):
        # Forged, expired and missing look the same: nothing to download here.
        return HttpResponse(status=404)
    response = StreamingHttpResponse(store.stream(grant.key), content_type=grant.content_type)
    response["Content-Length"] = str(info.size)
    if grant.inline:
        # A preview (an image or a PDF, see presign_get) is shown in a frame of the review page.
        response["Content-Disposition"] = inline_header(grant.filename)
        response["X-Frame-Options"] = "SAMEORIGIN"
    else:
        response["Content-Disposition"] = attachment_header(grant.filename)
    return response
