"""Where sealed file contents live: a local directory or an S3-compatible bucket, one protocol."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

# Keys are made by our own code (never from user input), so anything unusual is a bug: refuse it
# rather than rewrite it, since rewriting could make two keys collide.
_KEY_PATTERN = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,127}){0,7}"
)
_MAX_KEY_LENGTH = 512


class InvalidBlobKey(ValueError):
    """A key that could escape the store's root or is otherwise not one we generate."""


class BlobNotFound(KeyError):
    """No blob is stored under the key."""


class BlobStore(Protocol):
    async def put(self, key: str, data: bytes) -> None:
        """Store data under key, replacing any blob already there."""

    async def get(self, key: str) -> bytes:
        """The blob under key; raises BlobNotFound if there is none."""

    async def delete(self, key: str) -> None:
        """Remove the blob under key; deleting a missing blob is not an error."""


def check_key(key: str) -> str:
    """Return key unchanged if it is a safe relative path of plain segments, else raise."""
    if not isinstance(key, str) or len(key) > _MAX_KEY_LENGTH or not _KEY_PATTERN.fullmatch(key):
        raise InvalidBlobKey(f"invalid blob key {key!r}")
    return key


class LocalBlobStore:
    """Blobs as files under root: written atomically and durably, readable only by this user."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, self._path(key), bytes(data))

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        # The pattern already rules out "..", this also catches a symlinked directory inside root.
        if not path.is_relative_to(self.root):
            raise InvalidBlobKey(f"blob key {key!r} resolves outside the store")
        return path

    def _make_private_directories(self, directory: Path) -> None:
        # Path.mkdir(parents=True) gives parents default permissions, so each level is made here.
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        current = self.root
        for part in directory.relative_to(self.root).parts:
            current = current / part
            current.mkdir(mode=0o700, exist_ok=True)

    def _put(self, path: Path, data: bytes) -> None:
        directory = path.parent
        self._make_private_directories(directory)
        # mkstemp creates the file with mode 0600, so the content is never readable by others.
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        # The rename itself is only durable once the directory entry is flushed.
        directory_descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_descriptor)
        finally:
            os.close(directory_descriptor)


@dataclass(frozen=True)
class S3Config:
    bucket: str
    access_key_id: str
    secret_access_key: str = field(repr=False)
    endpoint_url: str | None = None  # None means AWS itself
    region: str = "us-east-1"
    prefix: str = ""  # e.g. "files/" to share a bucket with other data
    # S3-compatible services (MinIO, Ceph, R2...) mostly want path-style URLs; AWS prefers virtual.
    addressing_style: Literal["auto", "virtual", "path"] | None = None


class S3BlobStore:
    """Blobs in an S3-compatible bucket, through boto3 run in worker threads."""

    def __init__(self, config: S3Config, *, client: Any | None = None) -> None:
        if config.prefix:
            check_key(config.prefix.rstrip("/"))
        self.config = config
        self._client = client if client is not None else _make_s3_client(config)

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self.config.bucket,
            Key=self._object_key(key),
            Body=bytes(data),
            ContentType="application/octet-stream",  # sealed; the real type is in the database
        )

    async def get(self, key: str) -> bytes:
        object_key = self._object_key(key)
        try:
            response = await asyncio.to_thread(
                self._client.get_object, Bucket=self.config.bucket, Key=object_key
            )
            return await asyncio.to_thread(_read_and_close, response["Body"])
        except self._client.exceptions.NoSuchKey:
            raise BlobNotFound(key) from None

    async def delete(self, key: str) -> None:
        # S3 answers 204 whether or not the object existed, which is the idempotence we want.
        await asyncio.to_thread(
            self._client.delete_object, Bucket=self.config.bucket, Key=self._object_key(key)
        )

    def _object_key(self, key: str) -> str:
        check_key(key)
        if not self.config.prefix:
            return key
        return self.config.prefix.rstrip("/") + "/" + key


def _read_and_close(body: Any) -> bytes:
    try:
        return body.read()
    finally:
        body.close()


def _make_s3_client(config: S3Config) -> Any:
    import boto3  # imported here so that deployments on local storage need not install boto3
    from botocore.config import Config

    addressing_style = config.addressing_style or ("path" if config.endpoint_url else "virtual")
    # A boto3 client (unlike a session) is thread-safe, so one client serves every worker thread.
    return boto3.session.Session().client(
        "s3",
        endpoint_url=config.endpoint_url,
        region_name=config.region,
        aws_access_key_id=config.access_key_id,
        aws_secret_access_key=config.secret_access_key,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
            retries={"mode": "standard", "max_attempts": 5},
            connect_timeout=5,
            read_timeout=30,
        ),
    )
