"""Synthetic data for every document type (names made up, IDs generated)."""

from __future__ import annotations

SAMPLES: dict[str, dict] = {
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
