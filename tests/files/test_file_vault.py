"""FileVault: what a parent's document goes through from receipt to unsend and retention purge."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from conftest import SCHOOL_A, SCHOOL_B
from file_samples import gif, heic, jpeg, pdf, png, random_key_config

from backend.files.crypto import KeyRing
from backend.files.models import StoredFile
from backend.files.service import (
    FileIntegrityError,
    FileTooLarge,
    FileVault,
    StoredFileNotFound,
    UnsupportedFileType,
)
from backend.files.storage import LocalBlobStore

MARKER = "MARKER-HOUSE-REGISTRATION-2b9e41"
UNSUPPORTED_TH = "ขออภัยค่ะ ระบบรับได้เฉพาะรูปภาพ (JPEG, PNG, HEIC) หรือไฟล์ PDF ค่ะ รบกวนส่งไฟล์ใหม่อีกครั้งค่ะ"
TOO_LARGE_TH = "ไฟล์ใหญ่เกิน 10 MB ค่ะ รบกวนย่อขนาดไฟล์ หรือถ่ายเป็นรูปภาพแล้วส่งใหม่อีกครั้งค่ะ"


async def store(
    vault, sessions, data, *, school_id=SCHOOL_A, source_ref="msg-1", **group
) -> StoredFile:
    async with sessions() as session:
        row = await vault.store(
            session,
            school_id=school_id,
            owner_ref="user-1",
            source_ref=source_ref,
            data=data,
            **group,
        )
        await session.commit()
    return row


async def read(vault, sessions, file_id, *, school_id=SCHOOL_A) -> tuple[bytes, str]:
    async with sessions() as session:
        return await vault.read(session, file_id, school_id=school_id)


def files_under(path):
    return [item for item in path.rglob("*") if item.is_file()]


async def test_round_trip_keeps_content_type_size_and_checksum(vault, sessions, clock):
    data = pdf(MARKER)
    row = await store(vault, sessions, data, group_ref="set-9", group_index=1, group_size=2)

    assert await read(vault, sessions, row.id) == (data, "application/pdf")
    async with sessions() as session:
        saved = await session.get(StoredFile, row.id)
    assert len(saved.id) == 32 and int(saved.id, 16) >= 0
    assert (saved.school_id, saved.owner_ref, saved.source_ref) == (SCHOOL_A, "user-1", "msg-1")
    assert (saved.group_ref, saved.group_index, saved.group_size) == ("set-9", 1, 2)
    assert (saved.content_type, saved.size_bytes) == ("application/pdf", len(data))
    assert saved.sha256 == hashlib.sha256(data).hexdigest()
    assert saved.key_id == "k1"
    assert saved.created_at == clock.now() and saved.deleted_at is None


async def test_nothing_on_disk_contains_the_plaintext(vault, sessions, tmp_path):
    data = png(MARKER)
    row = await store(vault, sessions, data)

    blobs = files_under(tmp_path / "blobs")
    assert len(blobs) == 1
    on_disk = files_under(tmp_path)  # blobs, and the SQLite database with its WAL when used
    assert on_disk
    for path in on_disk:
        content = path.read_bytes()
        assert MARKER.encode() not in content, path
        assert data[:64] not in content, path
    async with sessions() as session:
        saved = await session.get(StoredFile, row.id)
    assert MARKER.encode() not in saved.wrapped_key and MARKER not in saved.storage_key


async def test_store_flushes_but_leaves_the_commit_to_the_caller(vault, sessions):
    async with sessions() as session:
        row = await vault.store(
            session, school_id=SCHOOL_A, owner_ref="u", source_ref="m", data=jpeg()
        )
        assert await session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 1
        await session.rollback()
    async with sessions() as session:
        assert await session.get(StoredFile, row.id) is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (jpeg(), "image/jpeg"),
        (png(), "image/png"),
        (pdf(), "application/pdf"),
        (heic(), "image/heic"),
    ],
    ids=["jpeg", "png", "pdf", "heic"],
)
async def test_each_accepted_kind_is_stored(vault, sessions, data, expected):
    row = await store(vault, sessions, data)
    assert await read(vault, sessions, row.id) == (data, expected)


async def test_png_sent_as_pdf_is_recorded_as_png(vault, sessions, tmp_path):
    disguised = tmp_path / "สำเนาทะเบียนบ้าน.pdf"
    disguised.write_bytes(png(MARKER))
    row = await store(vault, sessions, disguised.read_bytes())
    assert row.content_type == "image/png"


@pytest.mark.parametrize("data", [gif(), b"", "สวัสดีค่ะ".encode(), b"PK\x03\x04" + b"\x00" * 40])
async def test_unsupported_type_is_refused_politely_and_nothing_is_kept(
    vault, sessions, tmp_path, data
):
    async with sessions() as session:
        with pytest.raises(UnsupportedFileType) as caught:
            await vault.store(session, school_id=SCHOOL_A, owner_ref="u", source_ref="m", data=data)
        assert await session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
    assert caught.value.message_th == UNSUPPORTED_TH
    assert files_under(tmp_path / "blobs") == []


async def test_unsupported_message_lists_only_what_this_vault_accepts(
    keyring, blob_root, clock, sessions
):
    images_only = FileVault(
        keyring,
        LocalBlobStore(blob_root),
        clock,
        allowed_types=frozenset({"image/jpeg", "image/png"}),
    )
    async with sessions() as session:
        with pytest.raises(UnsupportedFileType) as caught:
            await images_only.store(
                session, school_id=SCHOOL_A, owner_ref="u", source_ref="m", data=pdf()
            )
    assert (
        caught.value.message_th == "ขออภัยค่ะ ระบบรับได้เฉพาะรูปภาพ (JPEG, PNG) ค่ะ รบกวนส่งไฟล์ใหม่อีกครั้งค่ะ"
    )


async def test_too_large_is_refused_politely_and_the_limit_itself_is_accepted(
    vault, sessions, tmp_path
):
    limit = 10 * 1024 * 1024
    exactly_at_limit = pdf(MARKER).ljust(limit, b"\n")
    over_limit = exactly_at_limit + b"\n"

    async with sessions() as session:
        with pytest.raises(FileTooLarge) as caught:
            await vault.store(
                session, school_id=SCHOOL_A, owner_ref="u", source_ref="m", data=over_limit
            )
    assert caught.value.message_th == TOO_LARGE_TH
    assert files_under(tmp_path / "blobs") == []

    row = await store(vault, sessions, exactly_at_limit)
    assert row.size_bytes == limit


async def test_size_message_follows_the_configured_limit(keyring, blob_root, clock, sessions):
    small = FileVault(
        keyring, LocalBlobStore(blob_root), clock, max_bytes=2 * 1024 * 1024 + 512 * 1024
    )
    async with sessions() as session:
        with pytest.raises(FileTooLarge) as caught:
            await small.store(
                session,
                school_id=SCHOOL_A,
                owner_ref="u",
                source_ref="m",
                data=pdf().ljust(3_000_000),
            )
    assert caught.value.message_th.startswith("ไฟล์ใหญ่เกิน 2.5 MB ค่ะ")


async def test_another_school_cannot_read_the_file(vault, sessions):
    row = await store(vault, sessions, pdf(MARKER))
    with pytest.raises(StoredFileNotFound):
        await read(vault, sessions, row.id, school_id=SCHOOL_B)
    with pytest.raises(StoredFileNotFound):
        await read(vault, sessions, "0" * 32)


async def test_tampered_blob_is_refused(vault, sessions, tmp_path):
    row = await store(vault, sessions, pdf(MARKER))
    (blob,) = files_under(tmp_path / "blobs")
    tampered = bytearray(blob.read_bytes())
    tampered[len(tampered) // 2] ^= 0x01
    blob.write_bytes(bytes(tampered))
    with pytest.raises(FileIntegrityError):
        await read(vault, sessions, row.id)


async def test_tampered_wrapped_key_in_the_database_is_refused(vault, sessions):
    row = await store(vault, sessions, pdf(MARKER))
    async with sessions() as session:
        saved = await session.get(StoredFile, row.id)
        saved.wrapped_key = saved.wrapped_key[:-1] + bytes([saved.wrapped_key[-1] ^ 0x01])
        await session.commit()
    with pytest.raises(FileIntegrityError):
        await read(vault, sessions, row.id)


async def test_blob_swapped_between_rows_is_refused(vault, sessions, blob_root):
    first = await store(vault, sessions, pdf("first"), source_ref="m1")
    second = await store(vault, sessions, pdf("second"), source_ref="m2")
    first_blob = blob_root / first.storage_key
    first_blob.write_bytes((blob_root / second.storage_key).read_bytes())
    async with sessions() as session:
        saved = await session.get(StoredFile, first.id)
        saved.wrapped_key = second.wrapped_key  # the whole envelope of the other file
        await session.commit()
    with pytest.raises(FileIntegrityError):
        await read(vault, sessions, first.id)


async def test_file_moved_to_another_school_is_refused(vault, sessions):
    row = await store(vault, sessions, pdf(MARKER))
    async with sessions() as session:
        saved = await session.get(StoredFile, row.id)
        saved.school_id = SCHOOL_B
        await session.commit()
    with pytest.raises(FileIntegrityError):
        await read(vault, sessions, row.id, school_id=SCHOOL_B)


async def test_checksum_mismatch_is_refused(vault, sessions):
    row = await store(vault, sessions, pdf(MARKER))
    async with sessions() as session:
        saved = await session.get(StoredFile, row.id)
        saved.sha256 = hashlib.sha256(b"something else").hexdigest()
        await session.commit()
    with pytest.raises(FileIntegrityError, match="checksum"):
        await read(vault, sessions, row.id)


async def test_missing_blob_is_reported(vault, sessions, blob_root):
    row = await store(vault, sessions, pdf(MARKER))
    (blob_root / row.storage_key).unlink()
    with pytest.raises(FileIntegrityError, match="missing"):
        await read(vault, sessions, row.id)


async def test_files_stored_before_rotation_still_read_after_it(blob_root, clock, sessions):
    old_config = random_key_config("2025a")
    before = FileVault(KeyRing.from_config(old_config), LocalBlobStore(blob_root), clock)
    old_row = await store(before, sessions, pdf(MARKER))

    after = FileVault(
        KeyRing.from_config(random_key_config("2026a") + "," + old_config),
        LocalBlobStore(blob_root),
        clock,
    )
    new_row = await store(after, sessions, png(), source_ref="m2")

    assert await read(after, sessions, old_row.id) == (pdf(MARKER), "application/pdf")
    assert (old_row.key_id, new_row.key_id) == ("2025a", "2026a")
    with pytest.raises(FileIntegrityError):
        await read(before, sessions, new_row.id)


async def test_unsend_deletes_the_blob_and_hides_the_file(vault, sessions, blob_root, clock):
    unsent = await store(vault, sessions, pdf(MARKER), source_ref="msg-unsent")
    kept = await store(vault, sessions, png(), source_ref="msg-kept")
    other_school = await store(vault, sessions, png(), school_id=SCHOOL_B, source_ref="msg-unsent")
    clock.advance(minutes=5)

    async with sessions() as session:
        removed = await vault.delete_by_source(session, school_id=SCHOOL_A, source_ref="msg-unsent")
        await session.commit()

    assert removed == 1
    assert not (blob_root / unsent.storage_key).exists()
    with pytest.raises(StoredFileNotFound):
        await read(vault, sessions, unsent.id)
    async with sessions() as session:
        tombstone = await session.get(StoredFile, unsent.id)
        assert tombstone.deleted_at == clock.now()
        assert tombstone.wrapped_key is None
        assert (
            await vault.delete_by_source(session, school_id=SCHOOL_A, source_ref="msg-unsent") == 0
        )
    assert (await read(vault, sessions, kept.id))[1] == "image/png"
    assert (await read(vault, sessions, other_school.id, school_id=SCHOOL_B))[1] == "image/png"


async def test_group_count_counts_live_photos_of_one_school(vault, sessions):
    for index in (1, 2, 3):
        await store(
            vault,
            sessions,
            jpeg(),
            source_ref=f"m{index}",
            group_ref="set-1",
            group_index=index,
            group_size=3,
        )
    await store(vault, sessions, jpeg(), school_id=SCHOOL_B, source_ref="b1", group_ref="set-1")
    async with sessions() as session:
        assert await vault.group_count(session, school_id=SCHOOL_A, group_ref="set-1") == 3
        await vault.delete_by_source(session, school_id=SCHOOL_A, source_ref="m2")
        assert await vault.group_count(session, school_id=SCHOOL_A, group_ref="set-1") == 2
        assert await vault.group_count(session, school_id=SCHOOL_A, group_ref="set-unknown") == 0


async def test_purge_erases_rows_and_blobs(vault, sessions, blob_root):
    expired = [await store(vault, sessions, pdf(f"old-{n}"), source_ref=f"m{n}") for n in range(2)]
    current = await store(vault, sessions, pdf("current"), source_ref="m-current")
    async with sessions() as session:
        unsent = await store(vault, sessions, pdf("unsent"), source_ref="m-unsent")
        await vault.delete_by_source(session, school_id=SCHOOL_A, source_ref="m-unsent")
        purged = await vault.purge(session, [row.id for row in expired] + [unsent.id, "f" * 32])
        await session.commit()

    assert purged == 3
    async with sessions() as session:
        remaining = (await session.scalars(sa.select(StoredFile.id))).all()
    assert remaining == [current.id]
    assert [path.name for path in files_under(blob_root)] == [current.id]
    async with sessions() as session:
        assert await vault.purge(session, []) == 0


async def test_deleting_a_school_removes_its_file_rows(vault, sessions):
    from backend.schools import School

    await store(vault, sessions, pdf(MARKER))
    async with sessions() as session:
        await session.execute(sa.delete(School).where(School.id == SCHOOL_A))
        await session.commit()
        assert await session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
