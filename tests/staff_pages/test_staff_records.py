"""The registrar loads the students' records; a paid ใบแทน ปพ.1 reproduces the student's grades
from them, verifies on /verify, and carries the record as data that reads back unchanged."""

from __future__ import annotations

import re

import sqlalchemy as sa

from backend.documents.models import IssuedDocument
from backend.documents.untrusted_pdf import embedded_record
from backend.records.importer import TEMPLATE_COLUMNS
from backend.records.models import StudentRecord
from tests.chat import photo
from tests.fees.fee_samples import replacement_answers
from tests.staff_pages.conftest import client_for, sign_in
from tests.staff_pages.test_staff_documents import csrf_of, issue_signed
from tests.staff_pages.test_staff_page_fixes import paid_replacement_request
from tests.staff_pages.test_staff_signing import text_of


def template_file(national_id: str) -> bytes:
    student = ["6201", "นางสาว", "สมใจ", "ใจดี", national_id, "2007-02-03", "หญิง", "ไทย", "พุทธ", "", "",
               "2019-05-16", "", "มัธยมศึกษาตอนต้น"]
    rows = [
        [*student, "2562", "1", "ท21101", "ภาษาไทย 1", "พื้นฐาน", "1.5", "3.5", "", "", "", "", "ดีเยี่ยม", "ดี"],
        [*student, "2562", "1", "ค21101", "คณิตศาสตร์ 1", "พื้นฐาน", "1.5", "4", "", "", "", "", "", ""],
        [*student, "2564", "2", "ว23102", "วิทยาศาสตร์ 6", "พื้นฐาน", "1.5", "2.5", "", "", "", "2022-03-31", "", ""],
    ]
    return "\n".join(",".join(row) for row in [list(TEMPLATE_COLUMNS), *rows]).encode("utf-8-sig")


async def upload(client, path: str, **files):
    return await client.post(path, data={"csrf": await csrf_of(client), **files.pop("data", {})},
                             files=files, follow_redirects=True)


async def test_a_paid_replacement_transcript_carries_the_imported_grades(bot, people, signing):
    national_id = replacement_answers()["student_national_id"]
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        loaded = await upload(registrar, "/staff/records/import",
                              file=("ปพ1.csv", template_file(national_id), "text/csv"))
        assert "นำเข้าระเบียน 1 คนแล้ว" in loaded.text and 'data-student="6201"' in loaded.text
    application_id = await paid_replacement_request(bot, people)
    await issue_signed(bot, people, application_id, original_number="0012345")

    async with bot.runtime.sessions() as session:
        letter = await session.scalar(sa.select(IssuedDocument).where(
            IssuedDocument.application_id == application_id, IssuedDocument.doc_type == "replacement_letter"))
        stored = await session.scalar(sa.select(StudentRecord).where(StudentRecord.student_number == "6201"))
    async with client_for(bot) as registrar, client_for(bot) as public:
        await sign_in(bot, registrar, people.registrar)
        pdf = (await registrar.get(f"/staff/applications/{application_id}/issued/{letter.id}.pdf")).content
        verified = await public.post("/verify", files={"file": ("replacement.pdf", pdf)})
    printed = text_of(pdf)
    assert "ใบแทน" in printed and "ฉบับเดิมเลขที่๐๐๑๒๓๔๕ซึ่งสูญหาย" in printed
    assert "ท๒๑๑๐๑ภาษาไทย1๑.๕๓.๕" in printed and "ว๒๓๑๐๒วิทยาศาสตร์6๑.๕๒.๕" in printed
    assert "ผลการเรียนเฉลี่ย๓.๓๓" in printed  # (3.5×1.5 + 4×1.5 + 2.5×1.5) / 4.5
    assert "(นางสาวทะเบียนใจดี)นายทะเบียน" in printed and "(นายสมชายใจดี)" in printed
    assert "ใช้ได้ (ยังมีผล)" in verified.text
    embedded = embedded_record(pdf)
    assert embedded["data"]["record"] == stored.data  # the record reads back as it was loaded
    assert embedded["code"] == letter.code


async def test_without_a_record_the_replacement_is_not_prepared_and_staff_are_told_what_to_do(bot, people, signing):
    application_id = await paid_replacement_request(bot, people)
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        refused = await registrar.post(f"/staff/applications/{application_id}/actions/issue_document",
                                       data={"csrf": await csrf_of(registrar), "original_number": "1"},
                                       follow_redirects=True)
    assert "ไม่พบระเบียนผลการเรียนของนักเรียนคนนี้" in refused.text and "ภาพสแกน" in refused.text


async def test_a_record_kept_only_on_paper_is_reproduced_from_its_scan(bot, people, signing):
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        attached = await upload(registrar, "/staff/records/scan", data={"student_number": "3001",
                                                                        "name": "นางสาวสมใจ ใจดี"},
                                file=("scan.png", photo(), "image/png"))
        assert "แนบภาพสแกนระเบียนแล้ว" in attached.text
    application_id = await paid_replacement_request(bot, people)
    await issue_signed(bot, people, application_id, original_number="0012345", student_number="3001")
    async with bot.runtime.sessions() as session:
        letter = await session.scalar(sa.select(IssuedDocument).where(
            IssuedDocument.application_id == application_id, IssuedDocument.doc_type == "replacement_letter"))
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        pdf = (await registrar.get(f"/staff/applications/{application_id}/issued/{letter.id}.pdf")).content
    assert "ภาพระเบียนที่โรงเรียนเก็บรักษาไว้หน้า๑" in text_of(pdf)
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 2  # the QR and the scan


async def test_a_file_with_problems_loads_nothing(bot, people):
    bad = template_file(replacement_answers()["student_national_id"]).replace(b",4,", b",9,")
    async with client_for(bot) as registrar:
        await sign_in(bot, registrar, people.registrar)
        refused = await upload(registrar, "/staff/records/import", file=("bad.csv", bad, "text/csv"))
    assert "ไม่มีข้อมูลใดถูกบันทึก" in refused.text and "แถวที่ 3" in refused.text
    async with bot.runtime.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(StudentRecord)) == 0
    async with client_for(bot) as teacher:
        await sign_in(bot, teacher, people.teacher)
        teacher_page = await teacher.get("/staff/records")
    assert teacher_page.status_code == 403
