"""Decompression bombs: an image is measured by its header before a pixel is decoded, an uploaded
PDF's attachment is inflated no further than a record of ours can be, and whatever gets past
those checks runs in a process with a memory and CPU budget (backend/sandbox.py)."""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from PIL import Image

from backend import images
from backend.documents import untrusted_pdf
from backend.files.service import ImageTooLarge
from backend.payments.slip import read_slip_image
from backend.sandbox import Sandbox, SandboxBusy, SandboxFailed
from bench.bombs import pdf_bomb, png_bomb
from tests.files.file_samples import jpeg


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return png_bomb(9000, 9000)  # 81 MP of one colour in 250 KB


@pytest.fixture(scope="module")
def palette_bomb() -> bytes:
    return png_bomb(9000, 9000, palette=True)


def _photo(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 200)).save(buffer, "JPEG", quality=30)
    return buffer.getvalue()


def test_an_image_is_refused_by_its_header_before_anything_is_decoded(bomb, palette_bomb):
    tracemalloc.start()
    try:
        for data in (bomb, palette_bomb):
            with pytest.raises(images.ImageRefused):
                images.read_header(data)
            with pytest.raises(images.ImageRefused):
                images.decode(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024  # decoding either would take 81 MB at least


def test_a_phone_photo_is_within_the_budget_and_a_slip_photo_is_read_at_a_reduced_scale():
    header = images.read_header(_photo(4032, 3024))  # a 12 MP phone photo
    assert (header.format, header.width, header.height) == ("JPEG", 4032, 3024)
    decoded = images.decode(_photo(4032, 3024), longest_side=2048)
    assert decoded.size == (2016, 1512) and decoded.mode == "L"  # 3 MB of grey, not 36 MB of colour


def test_reading_a_slip_from_a_bomb_finds_no_slip_and_decodes_nothing(bomb):
    tracemalloc.start()
    try:
        assert read_slip_image(bomb) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_a_pdfs_attachment_is_inflated_no_further_than_a_record_of_ours():
    bomb = pdf_bomb(256 * 1024 * 1024)  # 256 MB of zeros in 260 KB
    tracemalloc.start()
    try:
        assert untrusted_pdf.embedded_record(bomb) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


async def test_the_vault_refuses_an_image_larger_than_a_photo_with_a_polite_thai_answer(bomb, vault, sessions):
    async with sessions() as session:
        with pytest.raises(ImageTooLarge) as refused:
            await vault.store(session, school_id=1, owner_ref="Uparent", source_ref="m1", data=bomb)
        stored = await vault.store(session, school_id=1, owner_ref="Uparent", source_ref="m2", data=_photo(1200, 1600))
    assert "ความละเอียดสูงเกินไป" in refused.value.message_th and "ค่ะ" in refused.value.message_th
    assert stored.content_type == "image/jpeg"
    # A file whose header cannot be read is no bomb: it is kept as before (nothing can decode it).
    async with sessions() as session:
        assert (await vault.store(session, school_id=1, owner_ref="U", source_ref="m3", data=jpeg())).id


def _spin() -> None:
    while True:
        pass


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _echo(value: int) -> int:
    return value


async def test_a_job_over_its_cpu_budget_ends_and_the_next_job_runs():
    sandbox = Sandbox(cpu_seconds=1)
    try:
        started = time.monotonic()
        with pytest.raises(SandboxFailed):
            await sandbox.run(_spin)
        assert time.monotonic() - started < 60  # ended by the kernel, not left spinning
        assert await sandbox.run(_echo, 7) == 7
    finally:
        sandbox.close()


async def test_a_job_over_its_memory_budget_fails_without_touching_the_caller():
    sandbox = Sandbox(memory_bytes=256 * 1024 * 1024)
    try:
        with pytest.raises(SandboxFailed):
            await sandbox.run(_allocate, 1024)
        assert await sandbox.run(_allocate, 16) == 16 * 1024 * 1024
    finally:
        sandbox.close()


async def test_callers_beyond_the_waiting_limit_are_told_to_come_back():
    sandbox = Sandbox(max_waiting=0)
    try:
        with pytest.raises(SandboxBusy):
            await sandbox.run(_echo, 1)
    finally:
        sandbox.close()
