"""The one module that talks to object storage: S3-compatible in production, local disk when embedded.

Both back ends answer the same small interface, so the rest of the code never knows which one it has.
Object keys are chosen by the project (random); a user's file name is never part of a key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import boto3
from botocore.client import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

CHUNK_SIZE = 1024 * 1024
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,1023}$")


class StorageError(Exception):
    """The storage could not be reached or refused the operation."""


class ObjectMissing(StorageError):
    """No object exists under that key."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    content_type: str


class ObjectStore(Protocol):
    description: str

    def put(self, key: str, data: bytes | IO[bytes], *, content_type: str) -> None: ...
    def stream(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]: ...
    def head(self, key: str) -> ObjectInfo: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def check(self) -> None: ...


def validate_key(key: str) -> str:
    # Keys come from our own random generator; refusing anything else keeps a forged key from walking
    # out of the local storage root or into another prefix.
    if not _KEY_PATTERN.match(key) or ".." in key.split("/"):
        raise ValueError(f"invalid object key: {key!r}")
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
    ) -> None:
        self.bucket = bucket
        self.description = f"s3 bucket {bucket!r} at {endpoint_url or 'AWS'}"
        s3_options: Any = {"addressing_style": addressing_style}
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                signature_version="s3v4",
                s3=s3_options,
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )

    def put(self, key: str, data: bytes | IO[bytes], *, content_type: str) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=validate_key(key), Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"could not write {key}: {exc}") from exc

    def stream(self, key: str, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=validate_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise ObjectMissing(key) from exc
            raise StorageError(f"could not read {key}: {exc}") from exc
        body = response["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

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
        path = self._path(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        with handle:
            while chunk := handle.read(chunk_size):
                yield chunk

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
        )
    return LocalStore(Path(settings.LOCAL_STORAGE_ROOT))


@receiver(setting_changed)
def _forget_store(*, setting: str, **_: object) -> None:
    if setting.startswith("S3_") or setting == "LOCAL_STORAGE_ROOT":
        get_store.cache_clear()
