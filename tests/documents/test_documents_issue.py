"""Issuing signed e-documents: signature, tamper detection, QR, embedded data, storage, lifecycle."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import pytest
import sqlalchemy as sa
import zxingcpp
from conftest import NOW, SCHOOL_NAME, STUDENT_NAME, transfer_out_data
from PIL import ImageChops
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from samples import SAMPLES, in_a_district

from backend.catalog import CATALOG
from backend.documents.models import DocumentStatus, IssuedDocument
from backend.documents.preview import preview_png, render_page_image
from backend.documents.service import (
    DocumentStateError,
    VerifyOutcome,
    document_by_code,
    document_events,
    mask_name,
)
from backend.documents.signing import make_dev_ca
from backend.documents.types import DocumentDataError, spec_for
from backend.documents.untrusted_pdf import check_signature, embedded_record
from backend.organisations import OBEC_SHORT_TH, OBEC_SLUG


def checked(pdf: bytes, roots):
    # pyHanko's synchronous validator runs its own event loop: keep it off the test's loop.
    return asyncio.to_thread(check_signature, pdf, roots)


async def issue_letter(issuer, sessions, school, **overrides):
    async with sessions() as session:
        document = await issuer.issue(
            session,
            school=school,
            doc_type="transfer_out_letter",
            data=overrides.pop("data", transfer_out_data()),
            issued_by="staff:1",
            now=NOW,
            **overrides,
        )
        pdf = await issuer.read_pdf(session, document)
        await session.commit()
    return document, pdf


async def test_signature_validates_with_pyhanko(issuer, sessions, school):
    document, pdf = await issue_letter(issuer, sessions, school)

    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    roots = issuer.signer_for(school.slug).trust_roots
    status = await async_validate_pdf_signature(
        signature, signer_validation_context=ValidationContext(trust_roots=roots)
    )
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == SCHOOL_NAME
    assert (await checked(pdf, roots)).ok

    async with sessions() as session:
        result = await issuer.verify_upload(session, pdf)
    assert result.outcome is VerifyOutcome.VALID and result.document.code == document.code


async def test_any_changed_byte_is_detected(issuer, sessions, school):
    _document, pdf = await issue_letter(issuer, sessions, school)
    contents_at = pdf.rindex(b"/Contents <") + len(b"/Contents <")
    positions = [100, len(pdf) // 3, len(pdf) // 2, contents_at + 200, len(pdf) - 10]
    async with sessions() as session:
        for position in positions:
            tampered = bytearray(pdf)
            tampered[position] ^= 0x01
            result = await issuer.verify_upload(session, bytes(tampered))
            assert not result.ok, f"change at byte {position} went unnoticed"
            assert result.outcome in (VerifyOutcome.ALTERED, VerifyOutcome.NOT_SIGNED)
        appended = await issuer.verify_upload(session, pdf + b"\n% one more line\n")
    assert appended.outcome is VerifyOutcome.ALTERED
    assert not appended.signature.covers_whole_file

    # The signature alone (without the database) also catches a change inside the signed bytes.
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    assert not (await checked(bytes(tampered), issuer.signer_for(school.slug).trust_roots)).ok


async def test_qr_code_leads_to_the_verify_page(issuer, sessions, school):
    document, pdf = await issue_letter(issuer, sessions, school)

    barcodes = zxingcpp.read_barcodes(render_page_image(pdf, width=1600))

    assert [barcode.text for barcode in barcodes] == [
        f"https://school.example/verify/{document.code}"
    ]


async def test_embedded_json_equals_the_database_record(issuer, sessions, school):
    document, pdf = await issue_letter(issuer, sessions, school)

    async with sessions() as session:
        stored = await document_by_code(session, document.code)
    embedded = embedded_record(pdf)
    assert embedded == stored.data
    assert embedded["code"] == document.code
    assert embedded["data"]["national_id"] == transfer_out_data()["national_id"]
    assert embedded["school"]["name"] == SCHOOL_NAME


async def test_stored_pdf_is_encrypted_at_rest(issuer, sessions, school, data_dir):
    _document, pdf = await issue_letter(issuer, sessions, school)

    blobs = [path.read_bytes() for path in (data_dir / "files").rglob("*") if path.is_file()]
    assert len(blobs) == 1
    assert b"%PDF" not in blobs[0] and pdf[200:400] not in blobs[0]


async def test_revoke_and_reissue_keep_an_audit_trail(issuer, sessions, school):
    first, _ = await issue_letter(issuer, sessions, school)
    later = NOW + dt.timedelta(days=2)
    async with sessions() as session:
        first = await session.get(IssuedDocument, first.id)
        second = await issuer.reissue(
            session,
            document=first,
            reason="แก้ชื่อโรงเรียนปลายทาง",
            issued_by="staff:2",
            now=later,
            data={**transfer_out_data(), "destination_school": "โรงเรียนขอนแก่นวิทยายน"},
        )
        await issuer.revoke(
            session, document=second, reason="ผู้ปกครองยกเลิกการย้าย", revoked_by="staff:3", now=later
        )
        with pytest.raises(DocumentStateError):
            await issuer.revoke(
                session, document=second, reason="ซ้ำ", revoked_by="staff:3", now=later
            )
        await session.commit()
        events_first = [(e.action, e.actor) for e in await document_events(session, first.id)]
        events_second = [(e.action, e.actor) for e in await document_events(session, second.id)]

    assert first.status == DocumentStatus.SUPERSEDED and first.superseded_by == second.id
    assert second.status == DocumentStatus.REVOKED and second.data["supersedes"] == first.code
    assert events_first == [("issued", "staff:1"), ("superseded", "staff:2")]
    assert events_second == [("issued", "staff:2"), ("revoked", "staff:3")]


async def test_superseded_and_revoked_files_are_reported_as_such(issuer, sessions, school):
    first, first_pdf = await issue_letter(issuer, sessions, school)
    async with sessions() as session:
        first = await session.get(IssuedDocument, first.id)
        second = await issuer.reissue(
            session, document=first, reason="ออกใหม่", issued_by="staff:1", now=NOW
        )
        second_pdf = await issuer.read_pdf(session, second)
        await issuer.revoke(session, document=second, reason="ยกเลิก", revoked_by="staff:1", now=NOW)
        await session.commit()

        assert (await issuer.verify_upload(session, first_pdf)).outcome is VerifyOutcome.SUPERSEDED
        assert (await issuer.verify_upload(session, second_pdf)).outcome is VerifyOutcome.REVOKED


async def test_a_pdf_without_our_signature_is_not_accepted(issuer, sessions, school):
    from backend.documents.render import RenderRequest, SchoolInfo, render_pdf

    unsigned = render_pdf(
        RenderRequest(
            SchoolInfo("x", "โรงเรียนปลอม"),
            "receipt",
            "AAAABBBBCCCC",
            "https://school.example/verify/AAAABBBBCCCC",
            NOW,
            {"data": {**SAMPLES["receipt"], "total": "1", "total_words": "-"}},
        )
    )
    async with sessions() as session:
        result = await issuer.verify_upload(session, unsigned)
    assert result.outcome is VerifyOutcome.NOT_SIGNED


@pytest.mark.parametrize("doc_type", CATALOG.document_ids())
async def test_every_document_type_issues_a_one_page_signed_pdf(issuer, sessions, school, doc_type, data_dir):
    # OBEC's own documents are signed with OBEC's material, not the school's.
    signed_as = school.slug
    if CATALOG.document_type(doc_type).signer == "obec":
        signed_as = OBEC_SLUG
        make_dev_ca(data_dir, OBEC_SLUG, OBEC_SHORT_TH, now=NOW - dt.timedelta(days=1))
    if spec_for(doc_type).signer == "district":  # a district's permit: the district's key
        school, signed_as = await in_a_district(sessions, school, data_dir)
    async with sessions() as session:
        document = await issuer.issue(
            session,
            school=school,
            doc_type=doc_type,
            data=SAMPLES[doc_type],
            issued_by="staff:1",
            now=NOW,
        )
        pdf = await issuer.read_pdf(session, document)
        await session.commit()

    assert len(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"]) == 1
    assert (await checked(pdf, issuer.signer_for(signed_as).trust_roots)).ok
    assert embedded_record(pdf)["doc_type"] == doc_type


async def test_receipt_carries_total_in_figures_and_thai_words(issuer, sessions, school):
    async with sessions() as session:
        receipt = await issuer.issue(
            session,
            school=school,
            doc_type="receipt",
            data=SAMPLES["receipt"],
            issued_by="staff:1",
            now=NOW,
        )
    assert receipt.data["data"]["total"] == "150.00"
    assert receipt.data["data"]["total_words"] == "หนึ่งร้อยห้าสิบบาทถ้วน"
    assert [item["amount"] for item in receipt.data["data"]["items"]] == ["100.00", "50.00"]


async def test_missing_required_data_is_refused_before_anything_is_stored(issuer, sessions, school):
    async with sessions() as session:
        with pytest.raises(DocumentDataError, match="destination_school"):
            await issuer.issue(
                session,
                school=school,
                doc_type="transfer_out_letter",
                data={"subject_name": STUDENT_NAME, "grade": "ป.3"},
                issued_by="s",
                now=NOW,
            )
        assert await session.scalar(sa.select(sa.func.count()).select_from(IssuedDocument)) == 0


def _red_pixels(image) -> int:
    red, green, blue = (channel.point(lambda v: 255 if v > 150 else 0) for channel in image.split())
    reddish = ImageChops.multiply(
        red,
        ImageChops.invert(
            ImageChops.lighter(
                green.point(lambda v: 255 if v >= 80 else 0),
                blue.point(lambda v: 255 if v >= 80 else 0),
            )
        ),
    )
    return reddish.histogram()[255]


async def test_replacement_document_looks_different_from_an_original(issuer, sessions, school):
    async with sessions() as session:
        replacement = await issuer.issue(
            session,
            school=school,
            doc_type="replacement_letter",
            data=SAMPLES["replacement_letter"],
            issued_by="s",
            now=NOW,
        )
        original_style = await issuer.issue(
            session,
            school=school,
            doc_type="withdrawal_certificate",
            data=SAMPLES["withdrawal_certificate"],
            issued_by="s",
            now=NOW,
        )
        replacement_image = render_page_image(
            await issuer.read_pdf(session, replacement), width=600
        )
        original_image = render_page_image(
            await issuer.read_pdf(session, original_style), width=600
        )

    # The red "ใบแทน" banner and stamp: thousands of red pixels, none on an ordinary letter.
    assert _red_pixels(replacement_image) > 2000
    assert _red_pixels(original_image) == 0


async def test_preview_is_a_png_of_page_one(issuer, sessions, school):
    _document, pdf = await issue_letter(issuer, sessions, school)
    png = preview_png(pdf, width=520)
    assert png.startswith(b"\x89PNG")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.width == 520 and 730 <= image.height <= 740  # A4 proportions


@pytest.mark.parametrize(
    ("full_name", "masked"),
    [
        ("เด็กหญิงสมใจ รักเรียน", "ด.ญ. ส*** ร***"),
        ("ด.ช. ก้องภพ มีสุข", "ด.ช. ก*** ม***"),
        ("นางสาวพิมพ์ชนก ทองดี", "น.ส. พ*** ท***"),
        ("นายธนากร ศรี สวัสดิ์", "นาย ธ*** ศ*** ส***"),
        ("Aung Kyaw", "A*** K***"),
    ],
)
def test_masked_names_keep_only_initials(full_name, masked):
    assert mask_name(full_name) == masked
