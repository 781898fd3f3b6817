"""Portfolio exports built from the verified copies in moto's S3 server, over real HTTP, and checked."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.exports.contents import safe_name
from portfolio.exports.manifest import export_verify, manifest_digest
from portfolio.exports.models import PortfolioExport
from portfolio.exports.services import export_build, export_request, exports_expire_due
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.services.accept import TagVerdict, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.submit import evidence_submit
from portfolio.storage import get_store
from tests.factories import EvidenceFactory, EvidenceFileFactory, World, make_catalogue, make_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"evidence page " * 2000


@pytest.fixture
def world() -> World:
    return make_world(standard=make_catalogue().standard)  # a route with AOs: K1 sits in AO1


def _accepted_with_files(world: World, title: str, files: list[tuple[str, bytes, str]]) -> Evidence:
    """An item with files whose bytes are in the bucket, taken through submit, confirm and accept."""
    evidence = EvidenceFactory.create(apprenticeship=world.apprenticeship, files=0, title=title, tags=("K1",))
    for name, content, detected in files:
        kept = name.replace("/", "-")  # the upload keeps a path's last part only (file_name_clean)
        file = EvidenceFileFactory.create(
            evidence=evidence, original_name=kept, content=content, declared_type=detected, stored=True
        )
        if kept != name:
            # A name no upload keeps, written directly on purpose: the export must make any stored name safe
            # itself, not count on the upload's cleaning.
            EvidenceFile.objects.filter(pk=file.pk).update(original_name=name)
    evidence_submit(actor=world.apprentice, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    evidence_confirm(actor=world.line_manager, evidence=evidence, expected_version=evidence.version)
    evidence.refresh_from_db()
    evidence_accept(
        actor=world.assessor, evidence=evidence, expected_version=evidence.version, tags=[TagVerdict("K1", True)]
    )
    evidence.refresh_from_db()
    coverage_recompute(apprenticeship_ids=[world.apprenticeship.pk])
    return evidence


def _portfolio(world: World) -> list[Evidence]:
    return [
        _accepted_with_files(
            world,
            "Site survey / week 3",
            [("Survey report.pdf", PDF, "application/pdf"), ("../../etc/passwd", b"x" * 10, "text/plain")],
        ),
        _accepted_with_files(
            world,
            "R\u00e9flexion: customer call",
            [("notes.pdf", PDF + b"2", "application/pdf"), ("notes.pdf", PDF + b"3", "application/pdf")],
        ),
    ]


def _built(world: World) -> tuple[PortfolioExport, bytes]:
    export = export_request(actor=world.assessor, apprenticeship=world.apprenticeship)
    built = export_build(export_id=export.pk)
    assert built is not None
    assert built.state == PortfolioExport.State.READY, built.error
    return built, b"".join(get_store().stream(built.object_key))


def test_the_export_holds_every_verified_file_the_index_and_a_manifest_that_checks(world: World) -> None:
    items = _portfolio(world)
    export, data = _built(world)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))

    # Every verified file of every counted item, under its item's folder, its name made safe.
    assert {"index.html", "summary.pdf", "manifest.json"} <= names
    files = sorted(n for n in names if n.startswith("evidence/"))
    assert files == [
        "evidence/001 Site survey week 3/Survey report.pdf",
        "evidence/001 Site survey week 3/passwd",
        "evidence/002 Reflexion customer call/notes-2.pdf",
        "evidence/002 Reflexion customer call/notes.pdf",
    ]
    assert archive.read("evidence/001 Site survey week 3/Survey report.pdf") == PDF
    # The manifest: each member's size and sha256, each decision's fingerprint, its own digest.
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == names - {"manifest.json"}
    for path, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(archive.read(path)).hexdigest()
        assert entry["size"] == len(archive.read(path))
    stored = ReviewDecision.objects.filter(evidence__in=items)
    assert {d["id"]: d["fingerprint"] for d in manifest["decisions"]} == {
        str(d.public_id): d.fingerprint for d in stored
    }
    assert manifest["manifest_sha256"] == manifest_digest(manifest) == export.manifest_sha256
    # The index links to files that are in the archive, and shows each decision's fingerprint.
    index = archive.read("index.html").decode()
    for path in files:
        assert f'href="{path}"' in index.replace("%20", " ")
    for decision in stored:
        assert decision.fingerprint in index
    assert "Gateway to completion" in index
    assert "The gateway has not been signed." in index
    assert archive.read("summary.pdf").startswith(b"%PDF")
    assert export_verify(io.BytesIO(data)) == []


def test_the_same_portfolio_gives_the_same_manifest(world: World) -> None:
    _portfolio(world)
    first, _ = _built(world)
    second, _ = _built(world)
    assert first.pk != second.pk
    assert first.object_key != second.object_key
    assert first.manifest_sha256 == second.manifest_sha256


def _rewritten(data: bytes, change: Any) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def test_verify_export_finds_a_changed_byte_a_removed_file_and_an_edited_manifest(world: World, tmp_path: Any) -> None:
    _portfolio(world)
    _, data = _built(world)
    good = tmp_path / "good.zip"
    good.write_bytes(data)
    call_command("verify_export", str(good))  # an intact export passes

    victim = "evidence/001 Site survey week 3/Survey report.pdf"
    changed = _rewritten(data, lambda name, body: body[:100] + b"X" + body[101:] if name == victim else body)
    differences = [str(d) for d in export_verify(io.BytesIO(changed))]
    assert differences == [f"{victim}: its sha256 differs from the manifest: the file was changed"]

    removed = _rewritten(data, lambda name, body: None if name == victim else body)
    assert [str(d) for d in export_verify(io.BytesIO(removed))] == [
        f"{victim}: listed in the manifest but missing from the ZIP"
    ]

    def edit_manifest(name: str, body: bytes) -> bytes:
        if name != "manifest.json":
            return body
        manifest = json.loads(body)
        manifest["decisions"][0]["fingerprint"] = "0" * 64
        return json.dumps(manifest).encode()

    edited = _rewritten(data, edit_manifest)
    problems = [str(d) for d in export_verify(io.BytesIO(edited))]
    assert "manifest.json: its sha256 does not match its content: it was edited" in problems
    assert any("its fingerprint differs from the decision stored" in p for p in problems)

    bad = tmp_path / "changed.zip"
    bad.write_bytes(changed)
    with pytest.raises(CommandError, match="1 difference"):
        call_command("verify_export", str(bad))
    assert next(str(d) for d in export_verify(io.BytesIO(b"not a zip"))).startswith("(the file): not a readable ZIP")


def _no_trace_of(export: PortfolioExport, plain_s3: Any, settings: Any) -> None:
    assert not get_store().exists(export.object_key)
    uploads = plain_s3.list_multipart_uploads(Bucket=settings.S3_BUCKET, Prefix=export.object_key)
    assert uploads.get("Uploads", []) == []  # the multipart upload was aborted


def test_a_file_missing_from_storage_fails_the_export_with_its_name_and_publishes_nothing(
    world: World, plain_s3: Any, settings: Any
) -> None:
    items = _portfolio(world)
    gone = items[1].files.order_by("id").first()
    assert gone is not None
    get_store().delete(gone.verified_key)
    export = export_build(export_id=export_request(actor=world.assessor, apprenticeship=world.apprenticeship).pk)
    assert export is not None
    assert export.state == PortfolioExport.State.FAILED
    assert export.error == f"“{gone.original_name}” is missing from the file store; the export was stopped."
    _no_trace_of(export, plain_s3, settings)


def test_storage_failing_mid_way_fails_the_export_and_aborts_the_upload(
    world: World, plain_s3: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _portfolio(world)
    video = b"v" * (12 * 1024 * 1024)  # more than one part of the multipart upload
    _accepted_with_files(world, "Walkthrough", [("walkthrough.mp4", video, "video/mp4")])
    client = get_store().client  # type: ignore[attr-defined]
    upload_part = client.upload_part
    parts: list[int] = []

    def the_store_fails_on_the_second_part(**kwargs: Any) -> Any:
        parts.append(kwargs["PartNumber"])
        if kwargs["PartNumber"] >= 2:
            raise ClientError({"Error": {"Code": "InternalError", "Message": "disk full"}}, "UploadPart")
        return upload_part(**kwargs)

    monkeypatch.setattr(client, "upload_part", the_store_fails_on_the_second_part)
    monkeypatch.setattr("portfolio.exports.services.PROGRESS_EVERY", 1024 * 1024)

    export = export_build(export_id=export_request(actor=world.assessor, apprenticeship=world.apprenticeship).pk)
    assert parts == [1, 2]
    assert export is not None
    assert export.state == PortfolioExport.State.FAILED
    assert export.error.startswith("The file store failed while the export was written")
    assert export.bytes_done > 0  # progress was reported while it ran
    _no_trace_of(export, plain_s3, settings)


def test_bytes_changed_in_storage_since_verification_fail_the_export(
    world: World, plain_s3: Any, settings: Any
) -> None:
    items = _portfolio(world)
    changed = items[0].files.order_by("id").first()
    assert changed is not None
    get_store().put(changed.verified_key, PDF + b"tampered", content_type="application/pdf")
    export = export_build(export_id=export_request(actor=world.assessor, apprenticeship=world.apprenticeship).pk)
    assert export is not None
    assert export.state == PortfolioExport.State.FAILED
    assert "differs from the file that was verified" in export.error
    _no_trace_of(export, plain_s3, settings)


@pytest.mark.django_db(transaction=True)
def test_asked_for_twice_at_once_one_export_is_built() -> None:
    world = make_world(standard=make_catalogue().standard)
    results: list[PortfolioExport] = []
    barrier = threading.Barrier(2)

    def ask() -> None:
        try:
            barrier.wait()
            results.append(export_request(actor=world.assessor, apprenticeship=world.apprenticeship))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert results[0].pk == results[1].pk
    assert PortfolioExport.objects.count() == 1
    # The request sent the build task at commit: a worker another test started may already have claimed it, so
    # this first delivery builds it or finds it claimed; either way one claim holds, and a second builds nothing.
    first = export_build(export_id=results[0].pk)
    assert PortfolioExport.objects.get().object_key != ""
    if first is not None:
        assert first.state == PortfolioExport.State.READY
    assert export_build(export_id=results[0].pk) is None  # a duplicate delivery builds nothing


def test_finished_exports_expire_and_their_zip_is_deleted(world: World) -> None:
    _portfolio(world)
    export, _ = _built(world)
    assert exports_expire_due(now=timezone.now()) == 0
    assert export.expires_at is not None
    assert exports_expire_due(now=export.expires_at + timedelta(seconds=1)) == 1
    export.refresh_from_db()
    assert export.state == PortfolioExport.State.EXPIRED
    assert not get_store().exists(export.object_key)


@pytest.mark.parametrize(
    ("original", "safe"),
    [
        ("Survey report.pdf", "Survey report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\CON.txt", "CON-file.txt"),
        (".hidden", "hidden"),
        ("R\u00e9flexion\u2013\u00e9t\u00e9.docx", "Reflexion-ete.docx"),
        ("????.pdf", "file.pdf"),
        ("a" * 200 + ".pdf", "a" * 76 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(original: str, safe: str) -> None:
    assert safe_name(original) == safe
