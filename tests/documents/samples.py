"""Synthetic data for every document type (names made up, IDs generated)."""

from __future__ import annotations

SAMPLES: dict[str, dict] = {
    "learning_media_producer_certificate": {
        "subject_name": "บริษัท สื่อการเรียน จำกัด",
        "registration_id": "0105561234567",
        "media_kinds": "หนังสือเรียนและแบบฝึกหัด ระดับประถมศึกษา",
        "producer_number": "สพฐ. 12/2569",
        "reference_number": "ศธ 04010/123",
    },
    "learning_media_permit": {
        "subject_name": "บริษัท สื่อการเรียน จำกัด",
        "check_stage": "ตรวจก่อนจัดจำหน่าย",
        "media_title": "หนังสือเรียนรายวิชาพื้นฐาน คณิตศาสตร์ ป.4",
        "media_kind": "หนังสือเรียน",
        "subject_and_grade": "คณิตศาสตร์ ชั้นประถมศึกษาปีที่ 4",
        "producer_number": "สพฐ. 12/2569",
        "conditions": ["แก้ไขคำผิดตามที่แจ้งก่อนจัดพิมพ์"],
        "reference_number": "ศธ 04010/456",
    },
    "thai_competency_certificate": {
        "subject_name": "Mary Jones",
        "passport_number": "BB2222222",
        "nationality": "American",
        "test_date": "2026-12-12",
        "test_date_en": "12 December 2026",
        "result_level": "4",
        "skills": "ฟัง 4 พูด 4 อ่าน 3 เขียน 4",
        "reference_number": "ศธ 04004/456",
    },
    "qualification_equivalence_certificate": {
        "subject_name": "นายจอห์น สมิธ",
        "identity_number": "AA1234567",
        "studied_where": "ต่างประเทศ",
        "level": "มัธยมศึกษาตอนปลาย",
        "institution": "Lincoln High School, USA",
        "completed_year": "2566",
        "equivalent_to": "ชั้นมัธยมศึกษาปีที่ 6 ตามหลักสูตรแกนกลางการศึกษาขั้นพื้นฐาน",
        "reference_number": "ศธ 04004/123",
    },
    # A district office's permits (signer "district"): issued by the school's district.
    "home_school_permit": {
        "subject_name": "เด็กหญิงใบบัว รักเรียน",
        "applicant_name": "นางสมศรี รักเรียน",
        "educator_name": "นางสมศรี รักเรียน",
        "level": "ประถมศึกษา",
        "application_number": "HS-7KX3M9QP",
        "request_date": "2026-05-01",
        "committee_resolution": "ครั้งที่ 2/2569 เมื่อวันที่ 15 พฤษภาคม 2569",
        "permitted_period": "ปีการศึกษา 2569 ถึง 2571",
    },
    "learning_centre_permit": {
        "subject_name": "นายสมชาย ใจดี",
        "variant_title": "ตามสิทธิของบุคคล (มีผู้เรียนจำนวนไม่เกิน 50 คน)",
        "centre_name": "ศูนย์การเรียนบ้านรักเรียน",
        "learners": 30,
        "level": "ประถมศึกษา",
        "application_number": "LN-7KX3M9QP",
        "decision_reference": "มติคณะกรรมการ ครั้งที่ 3/2569",
        "permitted_period": "ปีการศึกษา 2569 ถึง 2571",
    },
    # OBEC's permit for more than 100 learners (signer "obec"): the district's, issued as OBEC.
    "learning_centre_obec_permit": {
        "subject_name": "นายสมชาย ใจดี",
        "variant_title": "ตามสิทธิของบุคคล (มีผู้เรียนจำนวนเกินกว่า 100 คน)",
        "centre_name": "ศูนย์การเรียนบ้านรักเรียน",
        "learners": 150,
        "level": "ประถมศึกษา",
        "application_number": "LO-7KX3M9QP",
        "decision_reference": "มติคณะกรรมการ ครั้งที่ 3/2569",
        "permitted_period": "ปีการศึกษา 2569 ถึง 2571",
        "reference_number": "ศธ 04010/789",
    },
    "admission_result": {
        "subject_name": "เด็กชายก้องภพ มีสุข",
        "grade": "ประถมศึกษาปีที่ 1",
        "academic_year": 2570,
        "report_date": "2027-03-20",
        "report_time": "08:30",
        "report_place": "หอประชุมโรงเรียน",
        "documents_to_bring": ["สูติบัตร", "สำเนาทะเบียนบ้าน"],
    },
    "transfer_out_letter": {
        "subject_name": "เด็กหญิงสมใจ รักเรียน",
        "grade": "ประถมศึกษาปีที่ 3",
        "destination_school": "โรงเรียนอนุบาลขอนแก่น",
        "reference_number": "ศธ 04001.123/456",
    },
    "transfer_in_acceptance": {
        "subject_name": "เด็กชายก้องภพ มีสุข",
        "grade": "ประถมศึกษาปีที่ 4",
        "origin_school": "โรงเรียนวัดป่าเลไลย์",
        "start_date": "2026-12-01",
    },
    "withdrawal_certificate": {
        "subject_name": "นายธนากร ศรีสวัสดิ์",
        "grade": "มัธยมศึกษาปีที่ 3",
        "withdrawal_date": "2026-11-20",
        "reason": "จบการศึกษาภาคบังคับ",
    },
    "grade1_entry_decision": {
        "subject_name": "เด็กหญิงปิ่นมณี แก้วใส",
        "decision": "deferred",
        "academic_year": 2570,
        "until_academic_year": 2571,
    },
    "credit_transfer_result": {
        "subject_name": "นางสาวพิมพ์ชนก ทองดี",
        "grade": "มัธยมศึกษาปีที่ 4",
        "courses": [
            {"code": "ท31101", "name": "ภาษาไทย", "credits": "1.0", "result": "3"},
            {"code": "ค31101", "name": "คณิตศาสตร์", "credits": "1.5", "result": "2.5"},
        ],
    },
    "replacement_letter": {
        "subject_name": "นายธนากร ศรีสวัสดิ์",
        "original_document": "ระเบียนแสดงผลการเรียน (ปพ.1)",
        "original_number": "1234567",
        "reason": "สูญหาย",
    },
    "venue_permit": {
        "subject_name": "นายสมศักดิ์ ใจงาม",
        "organisation": "ชมรมผู้ปกครอง",
        "venue": "หอประชุม",
        "purpose": "จัดประชุมผู้ปกครอง",
        "start_date": "2026-12-05",
        "end_date": "2026-12-05",
        "fee": "500",
    },
    "receipt": {
        "subject_name": "นายสมศักดิ์ ใจงาม",
        "book_number": "12",
        "receipt_number": "345",
        "items": [
            {"description": "ค่าธรรมเนียมใบแทน ปพ.1", "amount": "100"},
            {"description": "ค่าจัดส่งเอกสาร", "amount": "50.00"},
        ],
        "received_by": "นางสมศรี มีทรัพย์",
    },
}


# What issuing adds: who signed (and in whose place), the letter's number, who prepared it.
DIRECTOR_SIGNATURE = {"staff_id": 1, "name": "นายสมชาย ใจดี", "position": "ผู้อำนวยการโรงเรียนบ้านหนองน้ำใส",
                      "capacity": "", "on_behalf_of": "", "order_reference": ""}
DISTRICT_DIRECTOR_SIGNATURE = {"staff_id": 3, "name": "นายเขตพื้นที่ ใจงาม",
                               "position": "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1",
                               "capacity": "", "on_behalf_of": "", "order_reference": ""}
DELEGATED_SIGNATURE = {"staff_id": 2, "name": "นางสาวมาลี ศรีงาม", "position": "รองผู้อำนวยการโรงเรียนบ้านหนองน้ำใส",
                       "capacity": "ปฏิบัติราชการแทน", "on_behalf_of": "ผู้อำนวยการโรงเรียนบ้านหนองน้ำใส",
                       "order_reference": "คำสั่งโรงเรียนบ้านหนองน้ำใส ที่ ๑๒/๒๕๖๙"}
REGISTRAR = {"name": "นางสมศรี ทะเบียนดี", "position": "ครู"}

# A ปพ.1 record as backend/records/importer.py makes it (synthetic: names made up, ID generated).
RECORD = {
    "student_number": "4521", "name": "นายธนากร ศรีสวัสดิ์", "national_id": "1103700012345",
    "birth_date": "2008-05-14", "sex": "ชาย", "nationality": "ไทย", "religion": "พุทธ",
    "father_name": "นายสมพงษ์ ศรีสวัสดิ์", "mother_name": "นางสมใจ ศรีสวัสดิ์",
    "entered_on": "2020-05-16", "previous_school": "โรงเรียนวัดป่าเลไลย์", "level": "lower_secondary",
    "terms": [
        {"year": 2563, "term": 1, "courses": [
            {"code": "ท21101", "name": "ภาษาไทย 1", "credits": "1.5", "grade": "3.5", "kind": "basic"},
            {"code": "ค21101", "name": "คณิตศาสตร์ 1", "credits": "1.5", "grade": "3", "kind": "basic"},
            {"code": "ว21101", "name": "วิทยาศาสตร์ 1", "credits": "1.5", "grade": "4", "kind": "basic"}]},
        {"year": 2563, "term": 2, "courses": [
            {"code": "ท21102", "name": "ภาษาไทย 2", "credits": "1.5", "grade": "4", "kind": "basic"},
            {"code": "ค21102", "name": "คณิตศาสตร์ 2", "credits": "1.5", "grade": "2.5", "kind": "basic"},
            {"code": "อ21102", "name": "ภาษาอังกฤษ 2", "credits": "1.5", "grade": "3", "kind": "basic"}]},
    ],
    "activities": [{"year": 2563, "term": 1, "name": "แนะแนว", "result": "ผ่าน"},
                   {"year": 2563, "term": 1, "name": "ลูกเสือ-เนตรนารี", "result": "ผ่าน"}],
    "credits_earned": "9.0", "gpa": "3.33", "graduated": True, "graduation_date": "2023-03-31",
    "reading_result": "ดีเยี่ยม", "characteristics_result": "ดีเยี่ยม",
}
TERM_RECORD = {"year": 2569, "term": 2, "courses": [
    {"code": "ท13102", "name": "ภาษาไทย 6", "credits": "", "score": "38", "max_score": "70", "attendance": "96"},
    {"code": "ค13102", "name": "คณิตศาสตร์ 6", "credits": "", "score": "41", "max_score": "70", "attendance": "96"}]}


def reference_samples() -> dict[str, tuple[str, dict]]:
    """Name -> (document type, data): the samples as issued, signed, numbered, with enclosures."""
    letters = {doc_type: {**data, "signature": DIRECTOR_SIGNATURE, "reference_number": "ศธ 04002.123/45",
                          "application_number": "TO-7KX30M9Q", "request_date": "2026-11-20",
                          "parent_name": "นางสมใจ รักเรียน"}
               for doc_type, data in SAMPLES.items()}
    primary = {**RECORD, "name": SAMPLES["transfer_out_letter"]["subject_name"], "level": "primary", "sex": "หญิง",
               "father_name": "นายสมพงษ์ รักเรียน", "mother_name": "นางสมใจ รักเรียน",
               "national_id": "1103700099991", "birth_date": "2017-05-14", "graduated": False,
               "graduation_date": None, "term_record": TERM_RECORD}
    letters["transfer_out_letter"].update(
        signature=DELEGATED_SIGNATURE, student_number="4521", national_id=primary["national_id"],
        birth_date=primary["birth_date"], move_date="2026-12-01", reason="ผู้ปกครองย้ายที่ทำงาน",
        record=primary, enclosures=["สำเนาระเบียนแสดงผลการเรียน (ปพ.1) จำนวน 1 ฉบับ",
                                    "ใบรับรองเวลาเรียนและผลการเรียนระหว่างภาคเรียน จำนวน 1 ฉบับ"])
    letters["replacement_letter"] = {**SAMPLES["replacement_letter"], "signature": DIRECTOR_SIGNATURE,
                                     "prepared_by": REGISTRAR, "document_kind": "transcript", "record": RECORD}
    letters["replacement_certificate"] = {
        **SAMPLES["replacement_letter"], "original_document": "ประกาศนียบัตร (ปพ.2)", "signature": DIRECTOR_SIGNATURE,
        "prepared_by": REGISTRAR, "document_kind": "certificate", "record": RECORD}
    letters["qualification_equivalence_certificate"] = {
        **SAMPLES["qualification_equivalence_certificate"],
        "signature": {"staff_id": 3, "name": "นางสาวเทียบวุฒิ รับรอง", "position": "นักวิชาการศึกษาชำนาญการ",
                      "capacity": "", "on_behalf_of": "", "order_reference": ""}}
    letters["thai_competency_certificate"] = {
        **SAMPLES["thai_competency_certificate"],
        "signature": letters["qualification_equivalence_certificate"]["signature"]}
    for obecs in ("learning_media_producer_certificate", "learning_media_permit", "learning_centre_obec_permit"):
        letters[obecs] = {**SAMPLES[obecs], "signature": letters["qualification_equivalence_certificate"]["signature"]}
    for permit in ("home_school_permit", "learning_centre_permit"):  # the district's, signed by its director
        letters[permit] = {**SAMPLES[permit], "signature": DISTRICT_DIRECTOR_SIGNATURE}
    letters["receipt"] = {**SAMPLES["receipt"], "application_number": "RD-AZZW0V69",
                          "signature": {**DIRECTOR_SIGNATURE, "name": "นางสมศรี มีทรัพย์", "position": "เจ้าหน้าที่การเงิน"}}
    return {name: ("replacement_letter" if name.startswith("replacement") else name, data)
            for name, data in letters.items()}


DISTRICT_SLUG = "kk1"
DISTRICT_NAME = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1"


async def in_a_district(sessions, school, keys_dir):
    """The school put under a district office with its own signing material (for its permits);
    returns the school as stored and the slug the district's documents are signed under."""
    from backend.documents.signing import make_dev_ca
    from backend.organisations import DistrictOffice
    from backend.schools import School

    make_dev_ca(keys_dir, f"district-{DISTRICT_SLUG}", "สพป.ขอนแก่น เขต 1")
    async with sessions() as session:
        district = DistrictOffice(slug=DISTRICT_SLUG, name=DISTRICT_NAME, level="primary",
                                  created_at=school.created_at)
        session.add(district)
        await session.flush()
        row = await session.get(School, school.id)
        row.district_id = district.id
        await session.commit()
        return row, f"district-{DISTRICT_SLUG}"


def issuer_of(doc_type: str, school):
    """What a reference rendering prints as the issuer: the school, OBEC for OBEC's own documents,
    or for a district's permit the district office (as backend/documents/service.py issuing_office does)."""
    from backend.documents.render import SchoolInfo
    from backend.documents.types import spec_for

    signer = spec_for(doc_type).signer
    if signer == "obec":  # OBEC's own documents carry OBEC's letterhead
        from backend.organisations import OBEC_ADDRESS_TH, OBEC_NAME_TH, OBEC_SLUG

        return SchoolInfo(OBEC_SLUG, OBEC_NAME_TH, OBEC_ADDRESS_TH, owning_unit="")
    if signer != "district":
        return school
    return SchoolInfo(f"district-{DISTRICT_SLUG}", DISTRICT_NAME, owning_unit="กลุ่มส่งเสริมการจัดการศึกษา")
