"""Each service's approved application becomes its document: the right type, the data its letter prints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import NOW
from samples import RECORD as SAMPLE_RECORD
from samples import in_a_district

from backend.applications.models import Application
from backend.catalog import CATALOG
from backend.demo import DEMO_SETTINGS
from backend.documents.from_applications import DocumentInputMissing, document_for, staff_fields
from backend.documents.types import spec_for
from backend.documents.untrusted_pdf import embedded_record
from backend.school_config import parse_school_config
from backend.thai.ids import synthetic_national_id
from flows.services import ALL_FLOWS
from flows.services.credit_transfer import parse_courses
from tests.staging import in_status

CONFIG = parse_school_config(DEMO_SETTINGS)  # academic year unset: the one after submission's
SUBMITTED = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # academic year 2569 BE
STUDENT_ID = synthetic_national_id(611)

# Answers as the flows store them (step ids of flows/services/*.py, JSON values).
ANSWERS: dict[str, dict[str, Any]] = {
    "admission": {
        "student_name": "เด็กชายก้องภพ มีสุข", "student_national_id": STUDENT_ID,
        "student_birth_date": "2020-03-01", "grade_applied": "p1", "parent_name": "นางมาลี มีสุข",
        "applicant_relationship": "mother", "parent_phone": "0812345678",
        "home_address": {"line": "12 หมู่ 3"}, "in_service_area": "in_area",
        "photo": ["f1"], "birth_certificate": ["f2"], "student_house_registration": ["f3"],
        "parents_id_cards": ["f4"],
    },
    "transfer_out": {
        "student_name": "เด็กหญิงสมใจ ใจดี", "student_national_id": STUDENT_ID, "current_grade": "p4",
        "applicant_relationship": "mother", "destination_school": "โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น",
        "reason": "moving_home", "move_date": "2026-12-15", "parent_id_card": ["f1"],
        "student_house_registration": [],
    },
    "transfer_in": {
        "student_name": "เด็กชายภูผา ดีงาม", "student_national_id": STUDENT_ID,
        "student_birth_date": "2016-06-01", "previous_school": "โรงเรียนวัดป่าเลไลย์ จังหวัดสุพรรณบุรี",
        "grade_entering": "p5", "reason": "moving_home", "parent_name": "นายดำ ดีงาม",
        "applicant_relationship": "father", "parent_phone": "0812345678", "mid_term": False,
        "student_id_card": ["f1"], "parent_id_card": ["f2"], "student_house_registration": ["f3"],
        "transcript": ["f4"],
    },
    "withdrawal": {
        "student_name": "เด็กชายธนา ศรีสุข", "student_national_id": STUDENT_ID,
        "student_birth_date": "2013-01-10", "current_grade": "m1", "applicant_relationship": "father",
        "destination": "non_formal", "destination_name": "กศน.อำเภอเมือง จังหวัดลำปาง",
        "reason": "ครอบครัวย้ายไปต่างจังหวัด", "leave_date": "2026-12-01", "parent_id_card": ["f1"],
    },
    "grade1_entry": {
        "student_name": "เด็กหญิงปิ่นมณี แก้วใส", "student_national_id": None,
        "student_birth_date": "2020-08-01", "request_type": "late", "reason": "readiness",
        "applicant_relationship": "mother", "birth_certificate": ["f1"], "parent_id_card": ["f2"],
    },
    "credit_transfer": {
        "student_name": "นายสมชาย ใจดี", "student_national_id": STUDENT_ID, "current_grade": "m4",
        "applicant_relationship": "self", "previous_study_place": "non_formal",
        "previous_study_name": "กศน.อำเภอเมือง จังหวัดลำปาง", "previous_level": "upper_secondary",
        "subjects_to_transfer": "ภาษาอังกฤษ ม.4 ภาคเรียนที่ 1", "previous_transcript": ["f1"],
        "student_id_card": ["f2"], "other_evidence": [],
    },
    "replacement_documents": {
        "document_type": "transcript", "reason": "lost", "student_name": "นางสาวพิมพ์ชนก ทองดี",
        "student_national_id": STUDENT_ID, "graduation_year": 2565, "applicant_relationship": "self",
        "police_report": ["f1"], "photo": ["f2"], "parent_id_card": ["f3"],
    },
    "venue_booking": {
        "venue": "v_hall", "requester_name": "นายสมศักดิ์ ใจกว้าง", "organisation": "ชมรมผู้สูงอายุ",
        "purpose": "ประชุมประจำปีของหมู่บ้าน", "rules_accepted": True, "first_day": "2026-12-20",
        "last_day": "2026-12-21", "attendees": 150, "phone": "0812345678",
    },
    "home_school": {
        "request_kind": "apply", "student_name": "เด็กหญิงใบบัว รักเรียน", "student_national_id": STUDENT_ID,
        "student_birth_date": "2017-05-01", "education_level": "primary", "previous_school": "ไม่เคย",
        "parent_name": "นางสมศรี รักเรียน", "applicant_relationship": "mother", "parent_phone": "0812345678",
        "home_address": {"line": "12 หมู่ 3"}, "educator_name": "นางสมศรี รักเรียน",
        "educator_qualification": "ปริญญาตรี", "education_plan": ["f1"], "birth_certificate": ["f2"],
        "student_house_registration": ["f3"], "parents_id_cards": ["f4"],
    },
    "learning_centre": {
        "variant": "individual_50", "learners": 30, "applicant_name": "นายสมชาย ใจดี", "phone": "0812345678",
        "centre_name": "ศูนย์การเรียนบ้านรักเรียน", "centre_address": {"line": "5 หมู่ 2"},
        "education_level": "primary", "education_plan": ["f1"], "learner_list": ["f2"],
        "applicant_id_card": ["f3"], "educator_qualifications": ["f4"],
    },
}
STAFF_INPUT = {
    "credit_transfer": {"courses": "อ31101 | ภาษาอังกฤษ 1 | 1.0 | 3\nว31101\tฟิสิกส์ 1\t1.5\t2.5\n"},
    "replacement_documents": {"original_number": "0012345"},
    "home_school": {"committee_resolution": "ครั้งที่ 2/2569", "permitted_period": "ปีการศึกษา 2569"},
    "learning_centre": {"decision_reference": "มติคณะกรรมการ ครั้งที่ 3/2569", "permitted_period": "ปีการศึกษา 2569"},
}
REPORT_DAY = {"at": "2027-03-20T01:30:00+00:00", "place": "หอประชุมโรงเรียน", "note": "สูติบัตรตัวจริง"}


def approved(service: str, **changes: Any) -> Application:
    application = Application(
        id=7, public_number="XX-7KX3M9QP", school_id=1, parent_ref="U1", service=service,
        answers=changes.pop("answers", ANSWERS[service]), current_step="_done",
        flow_version=1, session_nonce="n", created_at=SUBMITTED, updated_at=SUBMITTED,
        submitted_at=SUBMITTED, last_activity_at=SUBMITTED,
        appointment=changes.pop("appointment", REPORT_DAY if service == "admission" else None), **changes)
    return in_status(application, "approved")


def test_every_service_issues_one_document_type_with_an_ascii_file_name():
    documents = {service.id: service.document for service in CATALOG.services() if service.document}
    # A district's assignment of a school is decided by the admission it files there, which
    # issues the result (flows/services/no_school_place.py). A civil servant's claim or pension
    # application ends in a payment recorded in the chat, not a document (docs/rules.md, "Welfare
    # claims of civil servants").
    assert set(documents) == set(ALL_FLOWS) - {"no_school_place", "welfare_claim", "pension"}
    for doc_type in (document.type for document in documents.values()):
        assert doc_type.download_name.isascii() and doc_type.download_name.endswith(".pdf")
        assert len(f"5. {doc_type.short_title}") <= 20  # a chat button's label, whole


@pytest.mark.parametrize("service", sorted(ANSWERS))
def test_the_sample_answers_use_the_flows_step_ids(service):
    # A renamed step in a flow must show up here, not as a letter missing a line.
    steps = {step.id for step in ALL_FLOWS[service].steps}
    assert set(ANSWERS[service]) <= steps, set(ANSWERS[service]) - steps


def test_admission_result_and_report_day_come_from_the_answers_and_the_appointment():
    draft = document_for(approved("admission"), CONFIG)
    assert draft.doc_type == "admission_result"
    assert draft.data["subject_name"] == "เด็กชายก้องภพ มีสุข"
    assert draft.data["grade"] == "ประถมศึกษาปีที่ 1"
    assert draft.data["academic_year"] == 2570
    # 01:30 UTC is 08:30 in Bangkok.
    assert (draft.data["report_date"], draft.data["report_time"]) == ("2027-03-20", "08:30")
    assert draft.data["report_place"] == "หอประชุมโรงเรียน"
    assert draft.data["documents_to_bring"] == ["สูติบัตรตัวจริง"]
    assert draft.data["application_number"] == "XX-7KX3M9QP"


def test_admission_without_a_report_day_asks_staff_to_set_the_appointment_first():
    with pytest.raises(DocumentInputMissing) as missing:
        document_for(approved("admission", appointment=None), CONFIG)
    assert "นัดหมายวันมอบตัว" in missing.value.message_th


def test_transfer_out_sending_letter_names_the_destination_and_the_reason():
    draft = document_for(
        approved("transfer_out"), CONFIG, {"student_number": " 4521 ", "reference_number": "ศธ 04002/77"}
    )
    assert draft.doc_type == "transfer_out_letter"
    assert draft.data["grade"] == "ประถมศึกษาปีที่ 4"
    assert draft.data["destination_school"] == "โรงเรียนบ้านหนองบัว จังหวัดขอนแก่น"
    assert draft.data["reason"] == "ย้ายที่อยู่"
    assert draft.data["student_number"] == "4521" and draft.data["reference_number"] == "ศธ 04002/77"
    assert draft.data["national_id"] == STUDENT_ID


def test_transfer_out_with_its_own_reason_uses_the_parents_words():
    answers = {**ANSWERS["transfer_out"], "reason": "other", "reason_other": "ไปอยู่กับยาย"}
    assert document_for(approved("transfer_out", answers=answers), CONFIG).data["reason"] == "ไปอยู่กับยาย"


def test_transfer_in_acceptance_names_the_origin_school_and_grade():
    draft = document_for(approved("transfer_in"), CONFIG)
    assert draft.doc_type == "transfer_in_acceptance"
    assert draft.data["origin_school"] == "โรงเรียนวัดป่าเลไลย์ จังหวัดสุพรรณบุรี"
    assert draft.data["grade"] == "ประถมศึกษาปีที่ 5"


def test_withdrawal_certificate_gives_the_date_and_where_the_child_goes():
    draft = document_for(approved("withdrawal"), CONFIG)
    assert draft.doc_type == "withdrawal_certificate"
    assert draft.data["withdrawal_date"] == "2026-12-01"
    assert draft.data["grade"] == "มัธยมศึกษาปีที่ 1"
    assert draft.data["destination"] == "ไปศึกษาต่อที่กศน.อำเภอเมือง จังหวัดลำปาง"
    home = {**ANSWERS["withdrawal"], "destination": "home_school", "destination_name": None}
    # Home schooling is the district office's permission: the certificate names it, and without it
    # the school has nothing to certify the child leaves for.
    with pytest.raises(DocumentInputMissing) as missing:
        document_for(approved("withdrawal", answers=home), CONFIG)
    assert "สำนักงานเขตพื้นที่การศึกษา" in missing.value.message_th
    permitted = {"district_permission": "ศธ 04001/123 ลงวันที่ 1 มิถุนายน 2569"}
    destination = document_for(approved("withdrawal", answers=home), CONFIG, permitted).data["destination"]
    assert "บ้านเรียน" in destination and "ศธ 04001/123" in destination
    leaver = {**ANSWERS["withdrawal"], "destination": None, "destination_name": None,
              "plan_after_leaving": "not_continuing"}
    assert "destination" not in document_for(approved("withdrawal", answers=leaver), CONFIG).data


def test_grade1_decision_follows_what_was_asked_and_the_year_applied_for():
    deferred = document_for(approved("grade1_entry"), CONFIG)
    assert deferred.doc_type == "grade1_entry_decision"
    assert deferred.data["decision"] == "deferred"
    assert (deferred.data["academic_year"], deferred.data["until_academic_year"]) == (2570, 2571)
    early = {**ANSWERS["grade1_entry"], "request_type": "early"}
    data = document_for(approved("grade1_entry", answers=early), CONFIG).data
    assert data["decision"] == "early" and "until_academic_year" not in data
    configured = parse_school_config({**DEMO_SETTINGS, "academic_year": 2571})
    assert document_for(approved("grade1_entry"), configured).data["academic_year"] == 2571


def test_credit_transfer_result_takes_the_courses_staff_typed_or_pasted():
    draft = document_for(approved("credit_transfer"), CONFIG, STAFF_INPUT["credit_transfer"])
    assert draft.doc_type == "credit_transfer_result"
    assert draft.data["courses"] == [
        {"code": "อ31101", "name": "ภาษาอังกฤษ 1", "credits": "1.0", "result": "3"},
        {"code": "ว31101", "name": "ฟิสิกส์ 1", "credits": "1.5", "result": "2.5"}]
    with pytest.raises(DocumentInputMissing) as missing:
        document_for(approved("credit_transfer"), CONFIG, {"courses": ""})
    assert "ผลการเทียบโอน" in missing.value.message_th
    with pytest.raises(DocumentInputMissing) as malformed:
        parse_courses("อ31101 | ภาษาอังกฤษ 1 | 1.0")
    assert "บรรทัดที่ 1" in malformed.value.message_th


# A student's record as backend/records loads it (samples.RECORD, a ปพ.1 of lower secondary).
RECORD = SAMPLE_RECORD


def test_replacement_letter_needs_the_original_number_from_staff_and_the_students_record():
    draft = document_for(approved("replacement_documents"), CONFIG, STAFF_INPUT["replacement_documents"], RECORD)
    assert draft.doc_type == "replacement_letter"
    assert draft.data["original_document"] == "ระเบียนแสดงผลการเรียน (ปพ.1)"
    assert (draft.data["original_number"], draft.data["reason"]) == ("0012345", "สูญหาย")
    assert draft.data["record"] == RECORD and draft.data["document_kind"] == "transcript"
    with pytest.raises(DocumentInputMissing):
        document_for(approved("replacement_documents"), CONFIG, record=RECORD)
    with pytest.raises(DocumentInputMissing) as no_record:
        document_for(approved("replacement_documents"), CONFIG, STAFF_INPUT["replacement_documents"])
    assert "ภาพสแกนระเบียนเดิม" in no_record.value.message_th
    assert [f.name for f in staff_fields("replacement_documents") if f.required] == ["original_number"]


def test_venue_permit_names_the_venue_the_days_and_the_fee():
    draft = document_for(approved("venue_booking"), CONFIG)
    assert draft.doc_type == "venue_permit"
    assert draft.data["subject_name"] == "นายสมศักดิ์ ใจกว้าง"
    assert draft.data["venue"] == "หอประชุม"
    assert (draft.data["start_date"], draft.data["end_date"]) == ("2026-12-20", "2026-12-21")
    assert draft.data["fee"] == "3000.00"  # 1,500 a day, two days


def test_an_answer_the_document_needs_missing_is_named_in_thai():
    answers = {**ANSWERS["transfer_in"], "previous_school": ""}
    with pytest.raises(DocumentInputMissing) as missing:
        document_for(approved("transfer_in", answers=answers), CONFIG)
    assert "โรงเรียนเดิม" in missing.value.message_th


@pytest.mark.parametrize("service", sorted(ANSWERS))
async def test_every_services_document_issues_with_its_data_embedded(issuer, sessions, school, service,
                                                                     data_dir):
    draft = document_for(approved(service), CONFIG, STAFF_INPUT.get(service), RECORD)
    if spec_for(draft.doc_type).signer == "district":  # a district's permit: its own key and name
        school, _ = await in_a_district(sessions, school, data_dir)
    async with sessions() as session:
        document = await issuer.issue(session, school=school, doc_type=draft.doc_type, data=draft.data,
                                      issued_by="staff:1", now=NOW)
        pdf = await issuer.read_pdf(session, document)
    assert embedded_record(pdf)["data"] == document.data["data"]
    assert document.masked_name.count("***") >= 2
