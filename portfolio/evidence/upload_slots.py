"""Upload slots: a random key and a presigned POST for one file, and the rule for when a slot is over."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from portfolio.storage import PresignedPost, presign_post


@dataclass(frozen=True)
class UploadSlot:
    key: str
    post: PresignedPost

    @property
    def expires_at(self) -> datetime:
        return self.post.expires_at


def new_object_key() -> str:
    # Random and meaningless: the key reveals nothing (not the user, not the file name) and cannot be
    # guessed, so one slot can never name another's object.
    token = secrets.token_hex(16)
    return f"evidence/{token[:2]}/{token}"


def upload_slot_open(*, content_type: str, declared_size: int) -> UploadSlot:
    """A slot for one file of exactly `declared_size` bytes; ValueError when that size is not allowed.

    The size range is the declared size itself, so S3 refuses any other size at upload time; the
    verification checks it again, since not every S3-compatible server enforces the policy.
    """
    if not 0 < declared_size <= settings.EVIDENCE_MAX_FILE_SIZE:
        raise ValueError(f"declared size {declared_size} is outside 1..{settings.EVIDENCE_MAX_FILE_SIZE}")
    key = new_object_key()
    post = presign_post(
        key=key,
        content_type=content_type,
        min_size=declared_size,
        max_size=declared_size,
        expires_in=settings.EVIDENCE_UPLOAD_EXPIRY_SECONDS,
    )
    return UploadSlot(key=key, post=post)


def slot_is_expired(expires_at: datetime, *, now: datetime | None = None) -> bool:
    """Whether "upload complete" comes too late for a slot that expired at `expires_at`.

    S3 itself refuses a POST after the policy's expiry, but S3-compatible servers do not all enforce it
    (moto does not), so the service that records the slot refuses completing it afterwards.
    """
    return (now or timezone.now()) >= expires_at
