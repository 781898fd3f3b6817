"""The one module that talks to object storage: S3-compatible in production, local disk when embedded.

Both back ends answer the same small interface, so the rest of the code never knows which one it has.
Object keys are chosen by the project (random); a user's file name is never part of a key.

Verified bytes live apart from uploads: once a file is verified its object is copied, on the store, to
`verified/<upload key>` (`verified_key_for`), a key no upload slot can name (presign_post refuses the
prefix, and S3 policies name exactly one key). An upload slot stays usable until it expires, so only that
copy is ever downloaded: whatever is POSTed to the slot later replaces nothing anyone reads.

Bytes never pass through Django in production: clients upload with a presigned POST straight to S3 and
download with a presigned GET. The embedded default imitates both with signed local URLs, served by
portfolio/core/local_storage_views.py, which calls back into this module for every disk access.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import math
import os
import re
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

import boto3
from botocore.client import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.http import urlencode

from portfolio.core.content_disposition import INLINE_TYPES, attachment_header, inline_header

CHUNK_SIZE = 1024 * 1024
# The size of each part of a streamed write: S3 wants at least 5 MiB for every part but the last, and the
# writer holds at most one part in memory, so this also bounds its memory.
PART_SIZE = 8 * 1024 * 1024
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,1023}$")
_CONTENT_TYPE_PATTERN = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_UPLOAD_SALT = "portfolio.storage.local-upload"
_DOWNLOAD_SALT = "portfolio.storage.local-download"
VERIFIED_PREFIX = "verified/"


class StorageError(Exception):
    """The storage could not be reached or refused the operation."""


class ObjectMissing(StorageError):
    """No object exists under that key."""


class ObjectChanged(StorageError):
    """The object is no longer the version that was read: replaced (or removed) in the meantime."""


class UploadRefused(Exception):
    """The local upload endpoint refuses a POST, as S3 would refuse one that breaks its policy."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    content_type: str


@dataclass(frozen=True)
class ObjectStream:
    """An object's bytes, and the version they belong to (S3's ETag, or a token of the local file)."""

    version: str
    chunks: Iterator[bytes]


@dataclass(frozen=True)
class PresignedPost:
    """Where and how a client uploads one object: POST `fields` then the file (as `file`, last) to `url`.

    `url` is absolute for S3; for the local back end it is a path on this site, which an API view turns
    into an absolute URL with `request.build_absolute_uri`.
    """

    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class LocalUploadPolicy:
    key: str
    content_type: str
    min_size: int
    max_size: int
    expires_at: datetime


@dataclass(frozen=True)
class LocalDownload:
    key: str
    filename: str
    content_type: str
    inline: bool = False


class ObjectWriter(Protocol):
    """An object written in pieces, never held whole: visible under its key only once `commit` returns;
    `abort` (or an exception inside `with`) leaves nothing behind."""

    bytes_written: int

    def write(self, data: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...
    def __enter__(self) -> ObjectWriter: ...
    def __exit__(self, kind: Any, error: Any, trace: Any) -> None: ...


class _WriterContext:
    """`with store.writer(key) as out:` commits when the block ends normally and aborts when it raises."""

    def __enter__(self) -> Any:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.commit()  # type: ignore[attr-defined]
        else:
            self.abort()  # type: ignore[attr-defined]


class S3MultipartWriter(_WriterContext):
    """A multipart upload: parts of `part_size` bytes are sent as they fill; the last part may be smaller."""

    def __init__(self, store: S3Store, key: str, *, content_type: str, part_size: int) -> None:
        self.store = store
        self.key = validate_key(key)
        self.part_size = max(part_size, 5 * 1024 * 1024)
        self.bytes_written = 0
        # The part being filled, as the pieces written: joined once when the part is sent, so each byte is
        # copied once on its way to the socket (a growing bytearray sliced into parts copied it three times).
        self._pieces: list[bytes] = []
        self._pending = 0
        self._parts: list[dict[str, Any]] = []
        self._done = False
        try:
            created = store.client.create_multipart_upload(Bucket=store.bucket, Key=self.key, ContentType=content_type)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"could not start writing {key}: {exc}") from exc
        self.upload_id: str = created["UploadId"]

    def write(self, data: bytes) -> None:
        if self._done:
            raise StorageError(f"{self.key} is already committed or aborted")
        self.bytes_written += len(data)
        data = bytes(data)  # a caller's bytearray may change after the call; bytes are kept as they are
        while data:
            room = self.part_size - self._pending
            piece, data = (data, b"") if len(data) <= room else (data[:room], data[room:])
            self._pieces.append(piece)
            self._pending += len(piece)
            if self._pending == self.part_size:
                self._send_pending()

    def _send_pending(self) -> None:
        part = b"".join(self._pieces)
        self._pieces, self._pending = [], 0
        self._send(part)

    def _send(self, part: bytes) -> None:
        number = len(self._parts) + 1
        try:
            sent = self.store.client.upload_part(
                Bucket=self.store.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=part
            )
        except (BotoCoreError, ClientError) as exc:
            self.abort()
            raise StorageError(f"could not write part {number} of {self.key}: {exc}") from exc
        self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})

    def commit(self) -> None:
        if self._done:
            return
        if self._pending or not self._parts:
            self._send_pending()
        try:
            self.store.completing_client.complete_multipart_upload(
                Bucket=self.store.bucket, Key=self.key, UploadId=self.upload_id, MultipartUpload={"Parts": self._parts}
            )
        except (BotoCoreError, ClientError) as exc:
            self.abort()
            raise StorageError(f"could not finish writing {self.key}: {exc}") from exc
        self._done = True

    def abort(self) -> None:
        if self._done:
            return
        self._done = True
        self._buffer = bytearray()
        # If even this fails, the bucket's lifecycle rule for incomplete uploads removes what is left.
        with contextlib.suppress(BotoCoreError, ClientError):
            self.store.client.abort_multipart_upload(Bucket=self.store.bucket, Key=self.key, UploadId=self.upload_id)


class LocalFileWriter(_WriterContext):
    """A hidden partial file, renamed into place on commit, so no reader ever sees half an object."""

    def __init__(self, path: Path, *, content_type: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.content_type = content_type
        self.bytes_written = 0
        self._partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        self._out: IO[bytes] | None = self._partial.open("xb")

    def write(self, data: bytes) -> None:
        if self._out is None:
            raise StorageError(f"{self.path.name} is already committed or aborted")
        self._out.write(data)
        self.bytes_written += len(data)

    def commit(self) -> None:
        if self._out is None:
            return
        self._out.close()
        self._out = None
        self._partial.replace(self.path)
        self.path.with_name(self.path.name + ".type").write_text(self.content_type)

    def abort(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        self._partial.unlink(missing_ok=True)


class ObjectStore(Protocol):
    description: str

    def put(self, key: str, data: bytes | IO[bytes], *, content_type: str) -> None: ...
    def stream(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]: ...
    def open(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> ObjectStream: ...
    def copy_verified(self, *, source: str, dest: str, version: str, sha256: str) -> None: ...
    def writer(self, key: str, *, content_type: str, part_size: int = PART_SIZE) -> ObjectWriter: ...
    def head(self, key: str) -> ObjectInfo: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def check(self) -> None: ...
    def presign_post(
        self, *, key: str, content_type: str, min_size: int, max_size: int, expires_in: int
    ) -> PresignedPost: ...
    def presign_get(
        self, *, key: str, filename: str, content_type: str, expires_in: int, inline: bool = False
    ) -> str: ...


def validate_key(key: str) -> str:
    # Keys come from our own random generator; refusing anything else keeps a forged key from walking
    # out of the local storage root or into another prefix.
    if not _KEY_PATTERN.match(key) or ".." in key.split("/"):
        raise ValueError(f"invalid object key: {key!r}")
    return key


def verified_key_for(key: str) -> str:
    """Where the verified copy of the object uploaded under `key` lives: a key no upload slot covers."""
    return VERIFIED_PREFIX + validate_key(key)


def _upload_key(key: str) -> str:
    if validate_key(key).startswith(VERIFIED_PREFIX):
        raise ValueError(f"an upload slot may not name a verified key: {key!r}")
    return key


class S3Store:
    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        addressing_style: str,
        public_endpoint_url: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.description = f"s3 bucket {bucket!r} at {endpoint_url or 'AWS'}"
        s3_options: Any = {"addressing_style": addressing_style}
        session = boto3.session.Session()

        def client(endpoint: str | None, read_timeout: int = 60) -> Any:
            return session.client(
                "s3",
                endpoint_url=endpoint,
                region_name=region,
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                config=Config(
                    signature_version="s3v4",
                    s3=s3_options,
                    retries={"max_attempts": 3, "mode": "standard"},
                    connect_timeout=5,
                    read_timeout=read_timeout,
                ),
            )

        self.client: Any = client(endpoint_url)
        # Completing a multipart upload of gigabytes can take minutes (S3 says so; it keeps the connection
        # alive meanwhile): that one call waits up to 15 minutes for its answer.
        self.completing_client: Any = client(endpoint_url, read_timeout=900)
        # Presigned URLs embed the host they were signed for, so the ones handed to browsers are signed
        # by a second client for the browser-facing endpoint (e.g. MinIO behind a public name, while
        # the app reaches it on a private network). Signing needs no network call.
        self.public_client: Any = (
            client(public_endpoint_url) if public_endpoint_url and public_endpoint_url != endpoint_url else self.client
        )

    def put(self, key: str, data: bytes | IO[bytes], *, content_type: str) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=validate_key(key), Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"could not write {key}: {exc}") from exc

    def stream(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        yield from self.open(key, chunk_size=chunk_size).chunks

    def open(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> ObjectStream:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=validate_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise ObjectMissing(key) from exc
            raise StorageError(f"could not read {key}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"could not read {key}: {exc}") from exc
        body = response["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(chunk_size)
            finally:
                body.close()

        # The ETag of the very response the bytes come from: it names exactly the version that was read.
        return ObjectStream(version=response["ETag"], chunks=chunks())

    def copy_verified(self, *, source: str, dest: str, version: str, sha256: str) -> None:
        """Copy `source` to `dest` on the store, only while it is still `version` with SHA-256 `sha256`.

        Two guards: S3 refuses the copy (412) when the source's ETag is no longer `version`; and the store's
        own SHA-256 of the copy must be `sha256`, which also covers stores that ignore the condition (moto
        does) and two different contents sharing an MD5 ETag. Without a checksum in the answer, the copy is
        read back and hashed. ObjectChanged when either guard fails; `dest` is then removed.
        """
        try:
            response = self.client.copy_object(
                Bucket=self.bucket,
                Key=validate_key(dest),
                CopySource={"Bucket": self.bucket, "Key": validate_key(source)},
                CopySourceIfMatch=version,
                ChecksumAlgorithm="SHA256",
                MetadataDirective="COPY",
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in {"PreconditionFailed", "412", "NoSuchKey", "404"}:
                raise ObjectChanged(f"{source} changed since version {version} was read") from exc
            raise StorageError(f"could not copy {source} to {dest}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"could not copy {source} to {dest}: {exc}") from exc
        reported = response.get("CopyObjectResult", {}).get("ChecksumSHA256", "")
        copied = base64.b64decode(reported).hex() if reported else _sha256_of(self.stream(dest))
        if copied != sha256:
            self.delete(dest)
            raise ObjectChanged(f"{source} changed since version {version} was read (sha256 {copied})")

    def writer(self, key: str, *, content_type: str, part_size: int = PART_SIZE) -> ObjectWriter:
        return S3MultipartWriter(self, key, content_type=content_type, part_size=part_size)

    def head(self, key: str) -> ObjectInfo:
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=validate_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                raise ObjectMissing(key) from exc
            raise StorageError(f"could not inspect {key}: {exc}") from exc
        return ObjectInfo(key=key, size=response["ContentLength"], content_type=response.get("ContentType", ""))

    def exists(self, key: str) -> bool:
        try:
            self.head(key)
        except ObjectMissing:
            return False
        return True

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=validate_key(key))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"could not delete {key}: {exc}") from exc

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"{self.description} is not reachable: {exc}") from exc

    def presign_post(
        self, *, key: str, content_type: str, min_size: int, max_size: int, expires_in: int
    ) -> PresignedPost:
        _check_post_terms(content_type=content_type, min_size=min_size, max_size=max_size, expires_in=expires_in)
        _upload_key(key)
        # S3 enforces these conditions itself: exactly this key (no prefix wildcard), the declared type,
        # and the size range. The policy is signed by the credentials, so a client cannot widen it.
        conditions: list[Any] = [
            {"bucket": self.bucket},
            ["eq", "$key", validate_key(key)],
            ["eq", "$Content-Type", content_type],
            ["content-length-range", min_size, max_size],
        ]
        expires_at = _expiry(expires_in)
        post = self.public_client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=conditions,
            ExpiresIn=expires_in,
        )
        return PresignedPost(url=post["url"], fields=dict(post["fields"]), expires_at=expires_at)

    def presign_get(self, *, key: str, filename: str, content_type: str, expires_in: int, inline: bool = False) -> str:
        url: str = self.public_client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": validate_key(key),
                # An attachment unless a preview of a type that cannot run script (see _disposition).
                "ResponseContentDisposition": _disposition(filename, content_type, inline),
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )
        return url


class LocalStore:
    """Files on local disk: the embedded default, behind the same interface as S3."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = f"local directory {root}"

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def put(self, key: str, data: bytes | IO[bytes], *, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                while chunk := data.read(CHUNK_SIZE):
                    out.write(chunk)
        partial.replace(path)  # readers never see a half-written object
        path.with_name(path.name + ".type").write_text(content_type)

    def stream(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        yield from self.open(key, chunk_size=chunk_size).chunks

    def open(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> ObjectStream:
        handle = self._open(key)

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(chunk_size):
                    yield chunk

        return ObjectStream(version=_file_version(handle), chunks=chunks())

    def _open(self, key: str) -> IO[bytes]:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc

    def copy_verified(self, *, source: str, dest: str, version: str, sha256: str) -> None:
        """Copy `source` to `dest` while it is still `version` and its bytes hash to `sha256`; else ObjectChanged.

        Uploads replace a file by linking a new one in (LocalUpload.commit), so the open handle's inode,
        size and modification time name the bytes it reads; the hash taken while copying proves them.
        """
        try:
            handle = self._open(source)
        except ObjectMissing as exc:
            raise ObjectChanged(f"{source} is gone since version {version} was read") from exc
        path = self._path(dest)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        digest = hashlib.sha256()
        try:
            with handle, partial.open("xb") as out:
                if _file_version(handle) != version:
                    raise ObjectChanged(f"{source} was replaced since version {version} was read")
                while chunk := handle.read(CHUNK_SIZE):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha256:
                raise ObjectChanged(f"{source} no longer has sha256 {sha256}")
            type_file = self._path(source).with_name(self._path(source).name + ".type")
            content_type = type_file.read_text() if type_file.exists() else ""
            partial.replace(path)  # readers never see a half-written copy
        finally:
            partial.unlink(missing_ok=True)
        path.with_name(path.name + ".type").write_text(content_type)

    def writer(self, key: str, *, content_type: str, part_size: int = PART_SIZE) -> ObjectWriter:
        return LocalFileWriter(self._path(key), content_type=content_type)

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            size = path.stat().st_size
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        type_file = path.with_name(path.name + ".type")
        content_type = type_file.read_text() if type_file.exists() else ""
        return ObjectInfo(key=key, size=size, content_type=content_type)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".type").unlink(missing_ok=True)

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".healthz"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise StorageError(f"{self.description} is not writable: {exc}") from exc

    def presign_post(
        self, *, key: str, content_type: str, min_size: int, max_size: int, expires_in: int
    ) -> PresignedPost:
        _check_post_terms(content_type=content_type, min_size=min_size, max_size=max_size, expires_in=expires_in)
        expires_at = _expiry(expires_in)
        policy = signing.dumps(
            {
                "key": _upload_key(key),
                "type": content_type,
                "min": min_size,
                "max": max_size,
                "exp": int(expires_at.timestamp()),
            },
            salt=_UPLOAD_SALT,
        )
        return PresignedPost(
            url=reverse("local-upload"),
            fields={"key": key, "Content-Type": content_type, "policy": policy},
            expires_at=expires_at,
        )

    def presign_get(self, *, key: str, filename: str, content_type: str, expires_in: int, inline: bool = False) -> str:
        terms = {"key": validate_key(key), "name": filename, "type": content_type, "exp": _expiry_ts(expires_in)}
        if inline and content_type in INLINE_TYPES:
            terms["inline"] = True
        token = signing.dumps(terms, salt=_DOWNLOAD_SALT)
        return f"{reverse('local-download')}?{urlencode({'token': token})}"

    def begin_upload(self, policy: LocalUploadPolicy) -> LocalUpload:
        # A verified slot has no object under its own key any more (the bytes moved to the verified
        # key), so the verified copy's existence also says the slot was used.
        if self.exists(_upload_key(policy.key)) or self.exists(verified_key_for(policy.key)):
            raise _slot_used(policy.key)
        return LocalUpload(self._path(policy.key), policy)


class LocalUpload:
    """One upload through the local endpoint, written to a private partial file as it arrives.

    The bytes are written chunk by chunk (the whole file is never in memory) and the size range is
    enforced while they arrive, so an oversized body stops at the limit instead of filling the disk.
    """

    def __init__(self, path: Path, policy: LocalUploadPolicy) -> None:
        self.path = path
        self.policy = policy
        self.size = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of our own per request: two concurrent POSTs for one slot never share a partial file.
        self.partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        self._handle: IO[bytes] | None = self.partial.open("xb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.policy.max_size:
            raise UploadRefused(
                400, "EntityTooLarge", f"The file is larger than the {self.policy.max_size} bytes allowed."
            )
        assert self._handle is not None  # noqa: S101 - write after commit/abort is a programming error
        self._handle.write(chunk)

    def commit(self) -> None:
        if self.size < self.policy.min_size:
            raise UploadRefused(
                400, "EntityTooSmall", f"The file is smaller than the {self.policy.min_size} bytes required."
            )
        self._close()
        try:
            # A hard link fails when the key exists: of two uploads racing for one slot only the
            # first wins, and a slot can never be used to replace bytes that were already uploaded.
            os.link(self.partial, self.path)
        except FileExistsError as exc:
            raise _slot_used(self.policy.key) from exc
        finally:
            self.partial.unlink(missing_ok=True)
        self.path.with_name(self.path.name + ".type").write_text(self.policy.content_type)

    def abort(self) -> None:
        self._close()
        self.partial.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _slot_used(key: str) -> UploadRefused:
    return UploadRefused(
        409, "SlotAlreadyUsed", f"This upload slot ({key}) has already been used. Ask for a new upload slot."
    )


def _file_version(handle: IO[bytes]) -> str:
    stat = os.fstat(handle.fileno())
    return f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}"


def _sha256_of(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _check_post_terms(*, content_type: str, min_size: int, max_size: int, expires_in: int) -> None:
    if not _CONTENT_TYPE_PATTERN.match(content_type):
        raise ValueError(f"invalid content type: {content_type!r}")
    if not 0 <= min_size <= max_size:
        raise ValueError(f"invalid size range: {min_size}..{max_size}")
    if expires_in <= 0:
        raise ValueError(f"expires_in must be positive, got {expires_in}")


def _disposition(filename: str, content_type: str, inline: bool) -> str:
    # A browser must never render an uploaded file inline unless its (sniffed) type is one that cannot run
    # script: a preview of anything else is downloaded as an attachment all the same.
    if inline and content_type in INLINE_TYPES:
        return inline_header(filename)
    return attachment_header(filename)


def _expiry_ts(expires_in: int) -> int:
    # Whole seconds, rounded up: a link lasts at least `expires_in` seconds (truncated, one of 1 second could
    # expire at once).
    return math.ceil(time.time()) + expires_in


def _expiry(expires_in: int) -> datetime:
    return datetime.fromtimestamp(_expiry_ts(expires_in), tz=UTC)


def local_upload_policy(fields: Mapping[str, str]) -> LocalUploadPolicy:
    """The policy of a POST to the local endpoint, checked as S3 checks its own; UploadRefused if not met."""
    try:
        terms = signing.loads(fields.get("policy", ""), salt=_UPLOAD_SALT)
    except signing.BadSignature as exc:
        raise UploadRefused(403, "AccessDenied", "The upload policy is missing or its signature is invalid.") from exc
    policy = LocalUploadPolicy(
        key=terms["key"],
        content_type=terms["type"],
        min_size=terms["min"],
        max_size=terms["max"],
        expires_at=datetime.fromtimestamp(terms["exp"], tz=UTC),
    )
    if time.time() > terms["exp"]:
        raise UploadRefused(403, "AccessDenied", "This upload slot has expired. Ask for a new upload slot.")
    if fields.get("key") != policy.key:
        raise UploadRefused(403, "AccessDenied", "The key field does not match the upload policy.")
    if fields.get("Content-Type") != policy.content_type:
        raise UploadRefused(
            403,
            "AccessDenied",
            f"The Content-Type field must be {policy.content_type!r}, as the policy says.",
        )
    return policy


def local_download(token: str) -> LocalDownload:
    """What a signed local download URL grants; signing.BadSignature when forged, tampered or expired."""
    terms = signing.loads(token, salt=_DOWNLOAD_SALT)
    if time.time() > terms["exp"]:
        raise signing.SignatureExpired("the download link has expired")
    return LocalDownload(
        key=validate_key(terms["key"]),
        filename=terms["name"],
        content_type=terms["type"],
        inline=bool(terms.get("inline")),
    )


@functools.cache
def get_store() -> ObjectStore:
    """The configured store, built once per process (boto3 clients are costly to create, safe to share)."""
    if settings.S3_BUCKET:
        return S3Store(
            bucket=settings.S3_BUCKET,
            endpoint_url=settings.S3_ENDPOINT_URL,
            region=settings.S3_REGION,
            access_key_id=settings.S3_ACCESS_KEY_ID,
            secret_access_key=settings.S3_SECRET_ACCESS_KEY,
            addressing_style=settings.S3_ADDRESSING_STYLE,
            public_endpoint_url=settings.S3_PUBLIC_ENDPOINT_URL,
        )
    return LocalStore(Path(settings.LOCAL_STORAGE_ROOT))


def presign_post(*, key: str, content_type: str, min_size: int, max_size: int, expires_in: int) -> PresignedPost:
    """A short-lived upload slot for exactly one key, one Content-Type and sizes in [min_size, max_size]."""
    return get_store().presign_post(
        key=key, content_type=content_type, min_size=min_size, max_size=max_size, expires_in=expires_in
    )


def presign_get(*, key: str, filename: str, content_type: str, expires_in: int, inline: bool = False) -> str:
    """A short-lived download URL that saves the object under the user's original `filename`; with `inline`,
    one that shows it in the browser instead, for the few types that are safe to show (INLINE_TYPES)."""
    return get_store().presign_get(
        key=key, filename=filename, content_type=content_type, expires_in=expires_in, inline=inline
    )


def stream_object(key: str, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The object's bytes in chunks of at most `chunk_size`; ObjectMissing when there is none."""
    return get_store().stream(key, chunk_size=chunk_size)


def open_object(key: str, *, chunk_size: int = CHUNK_SIZE) -> ObjectStream:
    """The object's version and its bytes in chunks; ObjectMissing at once when there is none."""
    return get_store().open(key, chunk_size=chunk_size)


def copy_to_verified(*, key: str, version: str, sha256: str) -> str:
    """Copy the uploaded object to its verified key, only if it is still the `version` that was read and
    hashed to `sha256`; the verified key. ObjectChanged when the bytes were replaced meanwhile."""
    dest = verified_key_for(key)
    get_store().copy_verified(source=key, dest=dest, version=version, sha256=sha256)
    return dest


def object_writer(key: str, *, content_type: str, part_size: int = PART_SIZE) -> ObjectWriter:
    """Write an object in pieces (a multipart upload on S3), holding at most one part in memory. Use it as
    `with object_writer(key, content_type=...) as out: out.write(...)`: committed when the block ends,
    aborted (nothing published) when it raises."""
    return get_store().writer(key, content_type=content_type, part_size=part_size)


def head_object(key: str) -> ObjectInfo:
    return get_store().head(key)


def delete_object(key: str) -> None:
    """Remove the object; deleting one that is already gone is not an error (callers may retry)."""
    get_store().delete(key)


@receiver(setting_changed)
def _forget_store(*, setting: str, **_: object) -> None:
    if setting.startswith("S3_") or setting == "LOCAL_STORAGE_ROOT":
        get_store.cache_clear()
