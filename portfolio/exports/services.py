"""Build, publish and expire portfolio exports. The ZIP is streamed from the verified copies in the object
store into a multipart upload: no file is ever held whole in memory or on local disk, and a failure at any
point aborts the upload, so nothing half-built is ever published."""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from stream_zip import ZIP_64, stream_zip

from portfolio.audit.services import audit_record
from portfolio.core.dispatch import task_send_on_commit
from portfolio.exports.contents import PackedFile, PortfolioContents, portfolio_contents
from portfolio.exports.manifest import MANIFEST_NAME, manifest_build, manifest_bytes
from portfolio.exports.models import PortfolioExport
from portfolio.people.models import Apprenticeship
from portfolio.storage import ObjectMissing, StorageError, delete_object, object_writer, open_object, presign_get

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 4 * 1024 * 1024  # bytes between two progress updates
_GENERATED_AT = datetime(
    2000, 1, 1, tzinfo=UTC
)  # members we write carry a fixed time: the same portfolio, the same ZIP


class ExportFailed(Exception):
    """The export cannot be built; the message says why, in words for the page."""


def export_request(*, actor: Any, apprenticeship: Apprenticeship) -> PortfolioExport:
    """Start an export, or return the one already being built (asked for twice at once: one is built)."""
    building = PortfolioExport.objects.filter(apprenticeship=apprenticeship, state=PortfolioExport.State.BUILDING)
    if existing := building.first():
        return existing
    try:
        with transaction.atomic():
            export = PortfolioExport.objects.create(apprenticeship=apprenticeship, requested_by=actor)
            audit_record(actor=actor, action="export.requested", target=export, target_repr=str(apprenticeship))
            task_send_on_commit("exports.build", export.pk)
    except IntegrityError:  # another request created it between our read and our insert
        return building.get()
    return export


def export_build(*, export_id: int) -> PortfolioExport | None:
    """Build the export once. A duplicate delivery finds it claimed (or finished) and does nothing."""
    claimed = PortfolioExport.objects.filter(pk=export_id, state=PortfolioExport.State.BUILDING, object_key="").update(
        object_key=f"exports/{export_id}-{hashlib.sha256(str(export_id).encode()).hexdigest()[:12]}.zip"
    )
    if not claimed:
        return None
    export = PortfolioExport.objects.select_related(
        "apprenticeship__apprentice", "apprenticeship__standard", "apprenticeship__option"
    ).get(pk=export_id)
    try:
        contents = portfolio_contents(apprenticeship=export.apprenticeship)
        PortfolioExport.objects.filter(pk=export.pk).update(bytes_total=contents.bytes_total)
        html = index_html(contents)
        # The PDF is laid out in a thread while the files stream: the stream mostly waits on the file store
        # (the GIL is free then), so the layout costs the export almost no time. summary.pdf therefore comes
        # after the files in the ZIP, and the manifest, which names its hash, last.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-pdf") as pool:
            pdf = pool.submit(_summary_pdf_in_thread, contents)
            manifest: dict[str, Any] = {}
            with object_writer(export.object_key, content_type="application/zip") as out:
                for chunk in _zip_stream(export, contents, html=html, pdf=pdf, manifest=manifest):
                    out.write(chunk)
                size = out.bytes_written
    except ExportFailed as exc:
        return _failed(export, str(exc))
    except StorageError as exc:
        return _failed(export, f"The file store failed while the export was written ({exc}). Try again later.")
    manifest_sha = manifest["manifest_sha256"]
    PortfolioExport.objects.filter(pk=export.pk, state=PortfolioExport.State.BUILDING).update(
        state=PortfolioExport.State.READY,
        size=size,
        bytes_done=contents.bytes_total,
        manifest_sha256=manifest_sha,
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=settings.EXPORT_EXPIRY_DAYS),
    )
    export.refresh_from_db()
    return export


def _failed(export: PortfolioExport, reason: str) -> PortfolioExport:
    logger.warning("export %s failed: %s", export.public_id, reason)
    PortfolioExport.objects.filter(pk=export.pk).update(
        state=PortfolioExport.State.FAILED, error=reason, finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export


def index_html(contents: PortfolioContents) -> bytes:
    """The portfolio readable offline in a browser, its links relative to the ZIP's own folders."""
    return render_to_string("exports/portfolio_index.html", {"c": contents, "for_print": False}).encode()


def summary_pdf(contents: PortfolioContents) -> bytes:
    try:
        from weasyprint import HTML  # needs Pango from the system: imported only when a PDF is made
    except OSError as exc:
        raise ExportFailed(f"The PDF summary cannot be made on this server: {exc}") from exc
    html = render_to_string("exports/portfolio_index.html", {"c": contents, "for_print": True})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _summary_pdf_in_thread(contents: PortfolioContents) -> bytes:
    try:
        return summary_pdf(contents)
    finally:
        connections.close_all()  # this thread's own connections, should the layout have opened one


def contents_manifest(contents: PortfolioContents) -> dict[str, Any]:
    """The manifest an export of these contents has (the same portfolio gives the same manifest)."""
    return _manifest(contents, index_html(contents), summary_pdf(contents))


def _manifest(contents: PortfolioContents, html: bytes, pdf: bytes) -> dict[str, Any]:
    files = [(f.path, f.size, f.sha256) for f in contents.files]
    files += [("index.html", len(html), hashlib.sha256(html).hexdigest())]
    files += [("summary.pdf", len(pdf), hashlib.sha256(pdf).hexdigest())]
    decisions = [
        {
            "id": d["id"],
            "evidence": e.public_id,
            "action": d["action"],
            "fingerprint": d["fingerprint"],
            "valid": d["valid"],
        }
        for e in contents.evidence
        for d in e.decisions
    ]
    return manifest_build(apprenticeship_id=contents.apprenticeship["id"], files=files, decisions=decisions)


def _zip_stream(
    export: PortfolioExport,
    contents: PortfolioContents,
    *,
    html: bytes,
    pdf: Future[bytes],
    manifest: dict[str, Any],
) -> Iterable[bytes]:
    """The ZIP's bytes. `manifest` is filled in once the PDF is ready, before the manifest member is written."""
    progress = _Progress(export.pk)

    def members() -> Iterator[tuple[str, datetime, int, Any, Iterable[bytes]]]:
        yield "index.html", _GENERATED_AT, 0o644, ZIP_64, (html,)
        for packed in contents.files:
            yield packed.path, _GENERATED_AT, 0o644, ZIP_64, _checked_bytes(packed, progress)
        summary = pdf.result()  # raises what the layout raised (ExportFailed when Pango is missing)
        yield "summary.pdf", _GENERATED_AT, 0o644, ZIP_64, (summary,)
        manifest.update(_manifest(contents, html, summary))
        yield MANIFEST_NAME, _GENERATED_AT, 0o644, ZIP_64, (manifest_bytes(manifest),)

    # Deflate at level 0: evidence is mostly already compressed (PDF, JPEG, MP4, DOCX), so compressing
    # again costs CPU for nothing; the ZIP still streams with ZIP64 sizes and CRCs after each member.
    return stream_zip(members(), get_compressobj=lambda: zlib.compressobj(wbits=-zlib.MAX_WBITS, level=0))


class _Progress:
    def __init__(self, export_id: int) -> None:
        self.export_id = export_id
        self.done = 0
        self.reported = 0

    def add(self, count: int) -> None:
        self.done += count
        if self.done - self.reported >= PROGRESS_EVERY:
            PortfolioExport.objects.filter(pk=self.export_id).update(bytes_done=self.done)
            self.reported = self.done


def _checked_bytes(packed: PackedFile, progress: _Progress) -> Iterator[bytes]:
    """The verified copy's bytes, checked against the hash taken at verification as they pass."""
    try:
        stream = open_object(packed.key)
    except ObjectMissing as exc:
        raise ExportFailed(f"“{packed.original_name}” is missing from the file store; the export was stopped.") from exc
    digest = hashlib.sha256()
    size = 0
    for chunk in stream.chunks:
        digest.update(chunk)
        size += len(chunk)
        progress.add(len(chunk))
        yield chunk
    if digest.hexdigest() != packed.sha256 or size != packed.size:
        raise ExportFailed(f"“{packed.original_name}” in the file store differs from the file that was verified.")


def export_download_link(*, export: PortfolioExport) -> str:
    """A short-lived link to the finished ZIP. The caller has checked the user may download it."""
    apprentice = export.apprenticeship.apprentice
    name = f"portfolio-{apprentice.get_full_name() or apprentice.pk}-{export.finished_at:%Y-%m-%d}.zip"
    return presign_get(
        key=export.object_key,
        filename=name,
        content_type="application/zip",
        expires_in=settings.EVIDENCE_DOWNLOAD_EXPIRY_SECONDS,
    )


def exports_expire_due(*, now: datetime | None = None) -> int:
    """Periodic: delete finished exports past their expiry, and fail builds that stopped (a worker died)."""
    now = now or timezone.now()
    expired = 0
    for export in PortfolioExport.objects.filter(state=PortfolioExport.State.READY, expires_at__lte=now):
        try:
            delete_object(export.object_key)
        except StorageError:
            logger.warning("export %s not deleted yet; the next pass tries again", export.public_id)
            continue
        expired += PortfolioExport.objects.filter(pk=export.pk, state=PortfolioExport.State.READY).update(
            state=PortfolioExport.State.EXPIRED
        )
    stalled = PortfolioExport.objects.filter(
        state=PortfolioExport.State.BUILDING, created_at__lte=now - timedelta(hours=settings.EXPORT_BUILD_HOURS)
    )
    for export in stalled:
        if export.object_key:
            try:
                delete_object(export.object_key)
            except StorageError:
                continue
        _failed(export, "The export stopped before it was finished. Ask for a new one.")
    return expired
