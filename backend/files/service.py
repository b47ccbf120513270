"""Accept, seal, read back and delete the documents parents send, keeping them encrypted at rest."""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import images
from backend.clock import Clock
from backend.files.crypto import FileDecryptionError, KeyRing
from backend.files.models import StoredFile
from backend.files.sniff import HEIC, JPEG, PDF, PNG, detect_type
from backend.files.storage import BlobNotFound, BlobStore
from backend.sandbox import Sandbox, SandboxBusy, SandboxFailed, shared_sandbox

log = logging.getLogger(__name__)

MEBIBYTE = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MEBIBYTE
DEFAULT_ALLOWED_TYPES = frozenset({JPEG, PNG, PDF, HEIC})
_IMAGE_LABELS = {JPEG: "JPEG", PNG: "PNG", HEIC: "HEIC"}  # in the order parents read them
_REF_MAX_LENGTH = 128


class FileRejected(Exception):
    """A file the parent must send again differently; message_th tells them how."""

    def __init__(self, message: str, message_th: str) -> None:
        super().__init__(message)
        self.message_th = message_th


class UnsupportedFileType(FileRejected):
    pass


class FileTooLarge(FileRejected):
    pass


class ImageTooLarge(FileRejected):
    """More pixels than a phone photo has: decoding it anywhere (a slip reader, a staff member's
    phone) would cost what no document needs."""


class StoredFileNotFound(LookupError):
    """No live file with that id in that school (another school's file looks the same: absent)."""


class FileIntegrityError(Exception):
    """The stored bytes are missing, tampered with or do not match the recorded checksum."""


class FileVault:
    def __init__(
        self,
        keyring: KeyRing,
        blob_store: BlobStore,
        clock: Clock,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allowed_types: frozenset[str] = DEFAULT_ALLOWED_TYPES,
        sandbox: Sandbox | None = None,
    ) -> None:
        unknown = set(allowed_types) - DEFAULT_ALLOWED_TYPES
        if unknown or not allowed_types:
            raise ValueError(
                f"allowed_types must be a non-empty subset of {sorted(DEFAULT_ALLOWED_TYPES)}"
            )
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.keyring = keyring
        self.blob_store = blob_store
        self.clock = clock
        self.max_bytes = max_bytes
        self.allowed_types = frozenset(allowed_types)
        # Where an image's header is read (backend/images.py): untrusted bytes are parsed there.
        self.sandbox = sandbox or shared_sandbox()

    async def store(
        self,
        session: AsyncSession,
        *,
        school_id: int,
        owner_ref: str,
        source_ref: str,
        data: bytes,
        group_ref: str | None = None,
        group_index: int | None = None,
        group_size: int | None = None,
    ) -> StoredFile:
        """Check, seal and keep a file; the row is flushed, committing is the caller's decision."""
        for name, value in (
            ("owner_ref", owner_ref),
            ("source_ref", source_ref),
            ("group_ref", group_ref),
        ):
            if value is not None and not (0 < len(value) <= _REF_MAX_LENGTH):
                raise ValueError(f"{name} must be 1-{_REF_MAX_LENGTH} characters")
        if len(data) > self.max_bytes:
            raise FileTooLarge(
                f"file of {len(data)} bytes exceeds the limit of {self.max_bytes}",
                _too_large_message_th(self.max_bytes),
            )
        content_type = detect_type(data)
        if content_type not in self.allowed_types:
            raise UnsupportedFileType(
                f"content type {content_type or 'unknown'} is not accepted",
                _unsupported_message_th(self.allowed_types),
            )
        if content_type in (JPEG, PNG):
            await self._check_pixels(data)

        file_id = uuid.uuid4().hex
        sealed = self.keyring.seal(school_id, data, aad=_aad(school_id, file_id))
        row = StoredFile(
            id=file_id,
            school_id=school_id,
            owner_ref=owner_ref,
            source_ref=source_ref,
            group_ref=group_ref,
            group_index=group_index,
            group_size=group_size,
            content_type=content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_key=_storage_key(school_id, file_id),
            wrapped_key=sealed.wrapped_key,
            key_id=sealed.key_id,
            created_at=self.clock.now(),
        )
        # Blob first: a blob without its row is unreadable noise; a row without its blob is broken.
        await self.blob_store.put(row.storage_key, sealed.ciphertext)
        session.add(row)
        try:
            await session.flush()
        except BaseException:
            await self.blob_store.delete(row.storage_key)
            raise
        log.info(
            "stored file %s for school %s (%s, %d bytes)",
            file_id,
            school_id,
            content_type,
            len(data),
        )
        return row

    async def _check_pixels(self, data: bytes) -> None:
        """Refuse an image with more pixels than a phone photo, from its header alone. HEIC is
        not decoded anywhere on the server, so only its byte size is limited."""
        try:
            await self.sandbox.run(images.read_header, data)
        except SandboxBusy:
            raise  # not the file's fault: the event is tried again later
        except (images.ImageRefused, SandboxFailed) as error:
            raise ImageTooLarge(f"image refused: {error}", _too_many_pixels_message_th()) from None

    async def read(
        self, session: AsyncSession, file_id: str, *, school_id: int
    ) -> tuple[bytes, str]:
        """The decrypted content and its sniffed type, checked against the stored checksum."""
        row = await session.scalar(
            sa.select(StoredFile).where(
                StoredFile.id == file_id,
                StoredFile.school_id == school_id,
                StoredFile.deleted_at.is_(None),
            )
        )
        if row is None or row.wrapped_key is None:
            raise StoredFileNotFound(file_id)
        try:
            ciphertext = await self.blob_store.get(row.storage_key)
        except BlobNotFound:
            raise FileIntegrityError(f"blob of file {file_id} is missing") from None
        try:
            plaintext = self.keyring.open(
                row.school_id,
                ciphertext,
                row.wrapped_key,
                row.key_id,
                aad=_aad(row.school_id, row.id),
            )
        except FileDecryptionError as error:
            raise FileIntegrityError(f"file {file_id} could not be decrypted: {error}") from error
        if not hmac.compare_digest(hashlib.sha256(plaintext).hexdigest(), row.sha256):
            raise FileIntegrityError(f"file {file_id} does not match its recorded checksum")
        return plaintext, row.content_type

    async def delete_by_source(
        self, session: AsyncSession, *, school_id: int, source_ref: str
    ) -> int:
        """Forget the files from one source (the parent unsent the message); returns how many.

        The row stays as a tombstone without its wrapped key. The blob is removed at once, before
        the caller commits: a parent who unsends expects the file gone even if the rest fails.
        """
        rows = (
            await session.scalars(
                sa.select(StoredFile).where(
                    StoredFile.school_id == school_id,
                    StoredFile.source_ref == source_ref,
                    StoredFile.deleted_at.is_(None),
                )
            )
        ).all()
        now = self.clock.now()
        for row in rows:
            row.deleted_at = now
            row.wrapped_key = None
        await session.flush()
        for row in rows:
            await self.blob_store.delete(row.storage_key)
        if rows:
            log.info("deleted %d file(s) of school %s on unsend", len(rows), school_id)
        return len(rows)

    async def purge(self, session: AsyncSession, file_ids: Iterable[str]) -> int:
        """Erase files whose retention has ended, blob and row alike; returns how many rows went."""
        wanted = list(dict.fromkeys(file_ids))
        if not wanted:
            return 0
        rows = (await session.scalars(sa.select(StoredFile).where(StoredFile.id.in_(wanted)))).all()
        for row in rows:
            await self.blob_store.delete(row.storage_key)
            await session.delete(row)
        await session.flush()
        if rows:
            log.info("purged %d file(s)", len(rows))
        return len(rows)

    async def erase(self, session: AsyncSession, file_ids: Iterable[str]) -> int:
        """Make files unreadable whose rows must stay (an issued document's row names its PDF):
        the blob goes and the wrapped key with it, as on unsend; returns how many."""
        wanted = list(dict.fromkeys(file_ids))
        if not wanted:
            return 0
        rows = (await session.scalars(sa.select(StoredFile).where(
            StoredFile.id.in_(wanted), StoredFile.deleted_at.is_(None)))).all()
        now = self.clock.now()
        for row in rows:
            row.deleted_at = now
            row.wrapped_key = None
        await session.flush()
        for row in rows:
            await self.blob_store.delete(row.storage_key)
        return len(rows)

    async def group_count(self, session: AsyncSession, *, school_id: int, group_ref: str) -> int:
        """How many live files of a group (photos sent together) have arrived so far."""
        count = await session.scalar(
            sa.select(sa.func.count())
            .select_from(StoredFile)
            .where(
                StoredFile.school_id == school_id,
                StoredFile.group_ref == group_ref,
                StoredFile.deleted_at.is_(None),
            )
        )
        return int(count or 0)

    async def group_file_ids(self, session: AsyncSession, *, school_id: int, group_ref: str) -> list[str]:
        """The live files of a group in the order they were sent."""
        rows = await session.scalars(
            sa.select(StoredFile.id)
            .where(
                StoredFile.school_id == school_id,
                StoredFile.group_ref == group_ref,
                StoredFile.deleted_at.is_(None),
            )
            .order_by(StoredFile.group_index, StoredFile.created_at)
        )
        return list(rows)


def _aad(school_id: int, file_id: str) -> bytes:
    # Binding both means a blob (or wrapped key) copied onto another row or school will not open.
    return f"schoolbot/stored-file/v1\x00school={int(school_id)}\x00file={file_id}".encode("ascii")


def _storage_key(school_id: int, file_id: str) -> str:
    # The two-character fan-out keeps local directories small; nothing personal is in the key.
    return f"schools/{int(school_id)}/{file_id[:2]}/{file_id}"


def _unsupported_message_th(allowed_types: frozenset[str]) -> str:
    image_labels = [label for mime, label in _IMAGE_LABELS.items() if mime in allowed_types]
    accepted = []
    if image_labels:
        accepted.append(f"รูปภาพ ({', '.join(image_labels)})")
    if PDF in allowed_types:
        accepted.append("ไฟล์ PDF")
    return f"ขออภัยค่ะ ระบบรับได้เฉพาะ{' หรือ'.join(accepted)} ค่ะ รบกวนส่งไฟล์ใหม่อีกครั้งค่ะ"


def _too_large_message_th(max_bytes: int) -> str:
    megabytes = max_bytes / MEBIBYTE
    shown = f"{megabytes:.0f}" if megabytes == int(megabytes) else f"{megabytes:.1f}"
    return f"ไฟล์ใหญ่เกิน {shown} MB ค่ะ รบกวนย่อขนาดไฟล์ หรือถ่ายเป็นรูปภาพแล้วส่งใหม่อีกครั้งค่ะ"


def _too_many_pixels_message_th() -> str:
    megapixels = images.MAX_PIXELS // 1_000_000
    return (f"รูปนี้มีความละเอียดสูงเกินไปค่ะ (เกิน {megapixels} ล้านพิกเซล) รบกวนถ่ายรูปใหม่"
            "ด้วยความละเอียดปกติของกล้องโทรศัพท์ แล้วส่งอีกครั้งค่ะ")


async def rewrap_all(sessions: Any, keyring: KeyRing, *, batch_size: int = 200) -> int:
    """Wrap every stored file's data key under the key ring's current master key, a batch per
    transaction, while the bot keeps running; how many files changed. Each row is updated only if
    it is still as read (a file erased meanwhile stays erased). Safe to interrupt and repeat."""
    changed, skipped = 0, set[str]()
    while True:
        async with sessions() as session:
            rows = list(await session.execute(
                sa.select(StoredFile.id, StoredFile.school_id, StoredFile.wrapped_key, StoredFile.key_id)
                .where(StoredFile.key_id != keyring.current_key_id, StoredFile.wrapped_key.is_not(None),
                       StoredFile.id.not_in(skipped) if skipped else sa.true())
                .limit(batch_size)))
            if not rows:
                return changed
            for file_id, school_id, wrapped_key, key_id in rows:
                new_key, new_id = keyring.rewrap(school_id, wrapped_key, key_id, aad=_aad(school_id, file_id))
                result = await session.execute(
                    sa.update(StoredFile)
                    .where(StoredFile.id == file_id, StoredFile.wrapped_key == wrapped_key)
                    .values(wrapped_key=new_key, key_id=new_id))
                if result.rowcount:
                    changed += 1
                else:
                    skipped.add(file_id)
            await session.commit()
