"""The public verify page: what anyone sees for a code, and what an uploaded PDF turns out to be."""

from __future__ import annotations

import re

import httpx
import pytest
from conftest import BIRTH_DATE, NOW, SCHOOL_NAME, STUDENT_ID, STUDENT_NAME, transfer_out_data
from fastapi import FastAPI

from backend.documents.models import IssuedDocument
from backend.documents.render import format_code
from backend.state import MemoryState
from backend.thai.ids import format_national_id
from web.verify.router import VerifyServices, create_verify_router


@pytest.fixture
async def client(sessions, issuer):
    app = FastAPI()
    services = VerifyServices(sessions, issuer, MemoryState())
    app.include_router(create_verify_router(lambda request: services))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://school.example"
    ) as c:
        yield c


async def issue(issuer, sessions, school) -> tuple[IssuedDocument, bytes]:
    async with sessions() as session:
        document = await issuer.issue(
            session,
            school=school,
            doc_type="transfer_out_letter",
            data=transfer_out_data(),
            issued_by="staff:1",
            now=NOW,
        )
        pdf = await issuer.read_pdf(session, document)
        await session.commit()
    return document, pdf


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_verify_page_shows_the_document_without_personal_data(
    client, issuer, sessions, school
):
    document, _pdf = await issue(issuer, sessions, school)

    response = await client.get(f"/verify/{document.code}")

    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    text = visible_text(response.text)
    assert "หนังสือส่งตัวนักเรียน" in text and SCHOOL_NAME in text
    assert "26 พฤศจิกายน 2569" in text and "ใช้ได้" in text
    assert "ด.ญ. ส*** ร***" in text and document.sha256 in text
    for secret in (
        STUDENT_NAME,
        "สมใจ",
        "รักเรียน",
        STUDENT_ID,
        format_national_id(STUDENT_ID),
        BIRTH_DATE,
        "2560",
        "4521",
        "โรงเรียนอนุบาลขอนแก่น",
        "ย้ายที่ทำงาน",
    ):
        assert secret not in response.text, f"verify page leaks {secret!r}"


async def test_codes_are_found_as_people_type_them(client, issuer, sessions, school):
    document, _pdf = await issue(issuer, sessions, school)

    typed = format_code(document.code).lower()
    response = await client.get("/verify", params={"code": typed}, follow_redirects=True)

    assert response.status_code == 200 and document.sha256 in response.text
    assert (await client.get("/verify/ZZZZZZZZZZZZ")).status_code == 404


async def test_revocation_shows_on_the_verify_page(client, issuer, sessions, school):
    document, pdf = await issue(issuer, sessions, school)
    async with sessions() as session:
        row = await session.get(IssuedDocument, document.id)
        await issuer.revoke(
            session, document=row, reason="ออกผิดคน: เด็กหญิงสมใจ", revoked_by="staff:2", now=NOW
        )
        await session.commit()

    text = visible_text((await client.get(f"/verify/{document.code}")).text)
    uploaded = visible_text(
        (await client.post("/verify", files={"file": ("letter.pdf", pdf)})).text
    )

    assert "ถูกเพิกถอนแล้ว" in text and "เพิกถอนเมื่อ 26 พฤศจิกายน 2569" in text
    assert "ใช้ได้ (ยังมีผล)" not in text
    assert "สมใจ" not in text  # the staff's reason is kept in the audit log, not published
    assert "ไม่ถูกแก้ไข แต่เอกสารถูกเพิกถอนแล้ว" in uploaded


async def test_superseded_page_points_to_the_new_document(client, issuer, sessions, school):
    document, _pdf = await issue(issuer, sessions, school)
    async with sessions() as session:
        row = await session.get(IssuedDocument, document.id)
        replacement = await issuer.reissue(
            session, document=row, reason="แก้ไข", issued_by="staff:1", now=NOW
        )
        await session.commit()

    html = (await client.get(f"/verify/{document.code}")).text

    assert "ถูกแทนที่ด้วยฉบับใหม่แล้ว" in html and f'href="/verify/{replacement.code}"' in html


async def test_uploading_the_pdf_tells_whether_it_is_genuine(client, issuer, sessions, school):
    _document, pdf = await issue(issuer, sessions, school)
    tampered = bytearray(pdf)
    tampered[len(pdf) // 2] ^= 0x01

    genuine = visible_text((await client.post("/verify", files={"file": ("a.pdf", pdf)})).text)
    altered = visible_text(
        (await client.post("/verify", files={"file": ("a.pdf", bytes(tampered))})).text
    )
    photo = visible_text(
        (
            await client.post("/verify", files={"file": ("a.jpg", b"\xff\xd8\xff\xe0 not a pdf")})
        ).text
    )

    assert "ไฟล์นี้ถูกต้องค่ะ" in genuine and "สมใจ" not in genuine
    assert "ไม่ตรงกับเอกสารที่โรงเรียนออกให้" in altered
    # The record is still in force, but the uploaded file is not it: no "ใช้ได้" under the red message.
    assert "ใช้ได้" not in altered and "ใช้ไม่ได้ ไฟล์นี้ไม่ตรงกับต้นฉบับ" in altered
    assert "ใช้ได้ (ยังมีผล)" in genuine
    assert "ไม่มีลายมือชื่อดิจิทัล" in photo


async def test_the_page_is_styled_by_its_own_stylesheet(client):
    html = (await client.get("/verify")).text
    css = await client.get("/verify/static/verify.css")

    assert '<link rel="stylesheet" href="/verify/static/verify.css">' in html
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".status" in css.text and "@media (max-width" in css.text
