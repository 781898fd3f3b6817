"""Evidence files, as the client sees them: ask for an upload slot, say the upload is complete, download.

The bytes never pass through Django: the slot is a presigned POST straight to storage, the download a
presigned GET. Verification (verification.py) runs in a worker after "complete".

A slot is used once. S3 itself would accept a second POST to the same slot until it expires (moto too),
so the rule is kept here: a file is completed once, and its sha256 is recorded when it is verified, so
the bytes that were checked are named for good (reviews fingerprint that hash). Those bytes are copied to
a verified key no slot can write, and downloads read only that copy: a later POST changes nothing served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from portfolio.audit.services import audit_record
from portfolio.core.dispatch import task_send_on_commit
from portfolio.evidence.errors import EvidenceRefused
from portfolio.evidence.models import Evidence, EvidenceFile
from portfolio.evidence.services.common import edit_check
from portfolio.evidence.services.deletions import file_objects_owe_deletion
from portfolio.evidence.signals import evidence_change_announce
from portfolio.evidence.upload_slots import UploadSlot, slot_is_expired, upload_slot_open
from portfolio.people.models import Apprenticeship
from portfolio.storage import delete_object, presign_get

_NAME_MAX = 255
# C0 controls (CR, LF, NUL...), DEL, C1 controls, and the bidirectional overrides and isolates that can
# make "report\u202efdp.exe" read as "reportexe.pdf": removed from file names, which are shown to people.
_NAME_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PATH_SEPARATORS = re.compile(r"[/\\]")


@dataclass(frozen=True)
class OpenedSlot:
    file: EvidenceFile
    slot: UploadSlot


@dataclass(frozen=True)
class DownloadLink:
    url: str  # relative for the local back end: callers make it absolute for their client
    expires_at: datetime


def _size(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


def file_name_controls_remove(typed: str) -> str:
    return _NAME_CONTROLS.sub("", typed)


def file_name_clean(typed: str) -> str:
    """The file name to keep from the one a client sent: control characters removed, and of a path
    (`../../etc/passwd`, `C:\\Users\\me\\report.pdf`) only its last part. EvidenceRefused when what is
    left cannot name a file; the message quotes the name as typed, since that is what the person knows."""
    name = file_name_controls_remove(typed).strip()
    last = _PATH_SEPARATORS.split(name)[-1].strip()
    advice = "Send the file's own name, such as report.pdf."
    if not name:
        raise EvidenceRefused(f"The file name has no characters that can be shown. {advice}", code="invalid_file_name")
    if not last.strip("."):
        where = "it ends in a folder, not a file" if last != name else "it has no letters or digits"
        raise EvidenceRefused(
            f"“{name}” is not a file name: {where}. {advice}", code="invalid_file_name", details={"name": name}
        )
    if last != name and "." not in last.strip("."):
        raise EvidenceRefused(
            f"“{name}” is a path, not a file name, and its last part “{last}” has no file extension. {advice}",
            code="invalid_file_name",
            details={"name": name},
        )
    return last[-_NAME_MAX:]


def _limits_check(*, evidence: Evidence, file_name: str, declared_size: int) -> None:
    if declared_size < 0:
        raise EvidenceRefused(
            f"The size of {file_name} is {declared_size}: a size is the file's length in bytes, so it cannot be "
            "negative. Send the size your device reports for the file.",
            code="file_size_negative",
        )
    if declared_size == 0:
        raise EvidenceRefused(
            f"{file_name} is empty (size 0): choose the file again; if it is empty on your device too, save or "
            "export it again first.",
            code="file_empty",
        )
    limit = settings.EVIDENCE_MAX_FILE_SIZE
    if declared_size > limit:
        raise EvidenceRefused(
            f"{file_name} is {_size(declared_size)}, over the {_size(limit)} limit per file "
            "(EVIDENCE_MAX_FILE_SIZE). Make it smaller (a shorter video, a lower resolution) or split it.",
            code="file_too_large",
            details={"limit": limit},
        )
    live = EvidenceFile.objects.exclude(state=EvidenceFile.State.REJECTED)
    per_item = settings.EVIDENCE_MAX_FILES_PER_ITEM
    if live.filter(evidence=evidence).count() >= per_item:
        raise EvidenceRefused(
            f"This evidence already has {per_item} files, the limit per item (EVIDENCE_MAX_FILES_PER_ITEM). "
            "Remove one, or add the file to another item.",
            code="too_many_files",
            details={"limit": per_item},
        )
    apprentice_id = evidence.apprenticeship.apprentice_id
    quota = settings.EVIDENCE_MAX_BYTES_PER_APPRENTICE
    used = live.filter(evidence__apprenticeship__apprentice_id=apprentice_id).aggregate(total=Sum("declared_size"))
    used_bytes = used["total"] or 0
    if used_bytes + declared_size > quota:
        raise EvidenceRefused(
            f"{file_name} ({_size(declared_size)}) does not fit: this apprentice's files use {_size(used_bytes)} of "
            f"the {_size(quota)} storage limit per apprentice (EVIDENCE_MAX_BYTES_PER_APPRENTICE).",
            code="storage_limit_reached",
            details={"limit": quota, "used": used_bytes},
        )


@transaction.atomic
def evidence_file_slot_open(
    *,
    actor: Any,
    evidence: Evidence,
    file_name: str,
    content_type: str,
    size: int,
) -> OpenedSlot:
    """An EvidenceFile awaiting upload, and the presigned POST for exactly its key, type and size."""
    evidence = Evidence.objects.select_for_update().select_related("apprenticeship").get(pk=evidence.pk)
    edit_check(actor=actor, evidence=evidence)
    file_name = file_name_clean(file_name)
    # Slots of one apprentice are opened one at a time, so two at once cannot both squeeze under the
    # storage limit. Locked in id order: concurrent callers never wait on each other in a cycle.
    list(
        Apprenticeship.objects.select_for_update()
        .filter(apprentice_id=evidence.apprenticeship.apprentice_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _limits_check(evidence=evidence, file_name=file_name, declared_size=size)
    try:
        slot = upload_slot_open(content_type=content_type, declared_size=size)
    except ValueError as exc:  # a malformed type; sizes were checked above
        raise EvidenceRefused(
            f"{content_type!r} is not a file type (expected something like application/pdf).",
            code="invalid_content_type",
        ) from exc
    file = EvidenceFile.objects.create(
        evidence=evidence,
        object_key=slot.key,
        original_name=file_name,
        declared_type=content_type,
        declared_size=size,
        slot_expires_at=slot.expires_at,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="evidence.file_slot_opened",
        target=evidence,
        changes={"file": str(file.public_id), "name": file_name, "type": content_type, "size": size},
    )
    evidence_change_announce(evidence=evidence, actor=actor, change=f"file added: {file_name}")
    return OpenedSlot(file=file, slot=slot)


def evidence_file_complete(*, actor: Any, file: EvidenceFile) -> EvidenceFile:
    """The client says the bytes are in storage: the file is uploaded, and verified by a worker after commit.

    Refused (409) once the file left "awaiting upload": a slot is completed once. Refused (400) after the
    slot expired: whatever arrived is deleted and the file is rejected, so nothing stays in the bucket.
    """
    with transaction.atomic():
        file = EvidenceFile.objects.select_for_update().select_related("evidence").get(pk=file.pk)
        edit_check(actor=actor, evidence=file.evidence)
        if file.state != EvidenceFile.State.AWAITING_UPLOAD:
            raise EvidenceRefused(
                f"{file.original_name} was already completed ({file.get_state_display().lower()}): an upload "
                "slot is used once. To upload the file again, ask for a new upload slot.",
                code="already_completed",
                status=409,
            )
        if not slot_is_expired(file.slot_expires_at):
            file.state = EvidenceFile.State.UPLOADED
            file.uploaded_at = timezone.now()
            file.save(update_fields=["state", "uploaded_at"])
            audit_record(
                actor=actor,
                action="evidence.file_uploaded",
                target=file.evidence,
                changes={"file": str(file.public_id)},
            )
            task_send_on_commit("evidence.verify_file", file.pk)
            return file
        # Deleted before the rejection is recorded: if storage fails, nothing changes and the sweep
        # (or a retried "complete") deletes it later.
        delete_object(file.object_key)
        reason = (
            f"The upload slot for {file.original_name} expired at {timezone.localtime(file.slot_expires_at):%H:%M} "
            "before the upload was completed. Upload the file again."
        )
        evidence_file_reject(file=file, reason=reason, actor=actor)
    # Raised after the block, so the rejection above is committed rather than rolled back.
    raise EvidenceRefused(reason, code="slot_expired")


def evidence_file_reject(*, file: EvidenceFile, reason: str, actor: Any) -> EvidenceFile:
    """Record a rejection (the caller has deleted the object, or it never arrived). Call inside a transaction."""
    file.state = EvidenceFile.State.REJECTED
    file.rejection_reason = reason
    file.rejected_at = timezone.now()
    file.save(update_fields=["state", "rejection_reason", "rejected_at"])
    audit_record(
        actor=actor,
        action="evidence.file_rejected",
        target=file.evidence,
        changes={"file": str(file.public_id), "reason": reason},
    )
    return file


@transaction.atomic
def evidence_file_remove(*, actor: Any, file: EvidenceFile) -> Evidence:
    """Remove one file from an item (a rejected one, or one the author no longer wants); its object leaves
    storage after commit.

    A file is a counted part (its hash is in the fingerprint a sign-off covers), so removing it is a change
    like adding one: on a draft nothing more happens; once the item left draft the version grows and live
    decisions end, and a confirmed or accepted item goes back to submitted for a fresh sign-off. Only the
    author may remove files, and nothing changes on a withdrawn item (edit_check).
    """
    evidence = Evidence.objects.select_for_update().select_related("apprenticeship").get(pk=file.evidence_id)
    edit_check(actor=actor, evidence=evidence)
    file = EvidenceFile.objects.select_for_update().get(pk=file.pk)
    # The debt is written with the deletion: a lost task cannot leave the objects behind for good.
    keys = file_objects_owe_deletion(
        files=[(file.object_key, file.verified_key, file.slot_expires_at)], reason="file removed"
    )
    audit_record(
        actor=actor,
        action="evidence.file_removed",
        target=evidence,
        changes={
            "file": str(file.public_id),
            "name": file.original_name,
            "state": file.state,
            "sha256": file.sha256,
            "rejection_reason": file.rejection_reason,
        },
    )
    file.delete()
    evidence_change_announce(evidence=evidence, actor=actor, change=f"file removed: {file.original_name}")
    task_send_on_commit("evidence.delete_objects", keys)
    # Its text no longer counts towards the item's statement suggestions.
    task_send_on_commit("suggestions.refresh", evidence.pk)
    evidence.refresh_from_db()
    return evidence


def evidence_file_download_link(*, file: EvidenceFile, inline: bool = False) -> DownloadLink:
    """A short-lived URL that saves the verified file under its original name (or, `inline`, shows it in the
    browser: only for the types `content_disposition.INLINE_TYPES` allows). The caller checked access."""
    if file.state != EvidenceFile.State.VERIFIED:
        raise EvidenceRefused(
            f"{file.original_name} cannot be downloaded: it is {file.get_state_display().lower()}.",
            code="file_not_verified",
            status=409,
        )
    if not file.verified_key:
        # Verified before verified copies existed, and not yet moved by `manage.py evidence_secure_verified`:
        # the upload key may hold other bytes than the ones verified, so it is never served.
        raise EvidenceRefused(
            f"{file.original_name} cannot be downloaded yet: its verified copy is still being prepared. "
            "Try again later; if this lasts, ask your administrator to run evidence_secure_verified.",
            code="file_not_secured",
            status=409,
        )
    expires_in = settings.EVIDENCE_DOWNLOAD_EXPIRY_SECONDS
    url = presign_get(
        key=file.verified_key,
        filename=file.original_name,
        content_type=file.detected_type or file.declared_type,
        expires_in=expires_in,
        inline=inline,
    )
    return DownloadLink(url=url, expires_at=timezone.now() + timedelta(seconds=expires_in))
