"""A school loads its students' records from SGS's export or from our template, CSV or XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from backend.records.importer import RecordFileError, read_records, template_csv
from backend.thai.ids import synthetic_national_id

TODAY = dt.date(2026, 11, 26)
# SGS report 44 "ระเบียนผลการเรียน" as exported (synthetic students).
SGS_HEADER = (
    "ชั้นเรียนปัจจุบัน,เลขประจำตัว,ชื่อ,นามสกุล,ชั้น,เลขที่,ปีที่,ปีการศึกษา,"
    "ภาคเรียนที่,กลุ่มสาระ,ประเภทวิชา,รหัสวิชา,ชื่อวิชา,Code,Titles,หน่วยกิต,"
    "ปกติ,แก้ตัว,เรียนซ้ำ,ผลการเรียน,หมายเหตุ"
)
SGS_44 = SGS_HEADER + """
ม.4/11,42669,กรภัทร์,ทองก่อ,ม.4,1,1,2567,1,1,1,ท31101,ภาษาไทยพื้นฐาน 1,TH31101,Thai Language 1,1.0,3.5,,,3.5,
ม.4/11,42669,กรภัทร์,ทองก่อ,ม.4,1,1,2567,1,2,1,ค31101,คณิตศาสตร์พื้นฐาน 1,MA31101,Mathematics 1,1.5,2,,,2,
ม.4/11,42669,กรภัทร์,ทองก่อ,ม.4,1,1,2567,2,1,1,ท31102,ภาษาไทยพื้นฐาน 2,TH31102,Thai Language 2,1.0,4,,,4,
ม.4/11,42670,อริสรา,ชัยมงคล,ม.4,2,1,2567,1,1,1,ท31101,ภาษาไทยพื้นฐาน 1,TH31101,Thai Language 1,1.0,ร,,,ร,
"""


def test_sgs_records_are_read_with_terms_credits_and_a_credit_weighted_average():
    layout, records = read_records(SGS_44.encode("utf-8-sig"), "sgs44.csv", today=TODAY)

    assert layout == "sgs" and set(records) == {"42669", "42670"}
    first = records["42669"]
    assert first["name"] == "กรภัทร์ ทองก่อ" and first["level"] == "upper_secondary"
    assert [(t["year"], t["term"], len(t["courses"])) for t in first["terms"]] == [(2567, 1, 2), (2567, 2, 1)]
    assert first["terms"][0]["courses"][0] == {"code": "ท31101", "name": "ภาษาไทยพื้นฐาน 1", "credits": "1.0",
                                               "kind": "1", "grade": "3.5"}
    # (3.5×1 + 2×1.5 + 4×1) / 3.5 = 3.00
    assert first["gpa"] == "3.00" and first["credits_earned"] == "3.5"
    # A pending result (ร) counts toward no average.
    assert records["42670"]["gpa"] == "" and records["42670"]["terms"][0]["courses"][0]["grade"] == "ร"


def test_the_template_in_xlsx_carries_particulars_and_the_term_under_way():
    national_id = synthetic_national_id(4521)
    book = Workbook()
    sheet = book.active
    sheet.append(list(template_csv().decode("utf-8-sig").strip().split(",")))
    common = ["4521", "เด็กหญิง", "สมใจ", "รักเรียน", national_id, "14 พ.ค. 2560", "หญิง", "ไทย", "พุทธ",
              "นายสมพงษ์ รักเรียน", "นางสมศรี รักเรียน", dt.date(2023, 5, 16), "", "ประถมศึกษา"]
    sheet.append([*common, 2568, 1, "ท13101", "ภาษาไทย 5", "พื้นฐาน", 0, "4", "", "", "", "", "ดีเยี่ยม", "ดี"])
    sheet.append([*common, 2568, 1, "ก13901", "แนะแนว", "กิจกรรม", "", "ผ", "", "", "", "", "", ""])
    sheet.append([*common, 2569, 2, "ท13102", "ภาษาไทย 6", "พื้นฐาน", "", "", "38", "70", "96", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)

    layout, records = read_records(buffer.getvalue(), "records.xlsx", today=TODAY)

    record = records["4521"]
    assert layout == "template" and record["name"] == "เด็กหญิงสมใจ รักเรียน"
    assert record["national_id"] == national_id and record["birth_date"] == "2017-05-14"
    assert record["entered_on"] == "2023-05-16" and record["level"] == "primary"
    assert record["term_record"] == {"year": 2569, "term": 2, "courses": [
        {"code": "ท13102", "name": "ภาษาไทย 6", "credits": "", "kind": "พื้นฐาน", "score": "38",
         "max_score": "70", "attendance": "96"}]}
    assert record["reading_result"] == "ดีเยี่ยม"
    assert record["activities"] == [{"year": 2568, "term": 1, "name": "แนะแนว", "result": "ผ"}]
    assert [c["code"] for t in record["terms"] for c in t["courses"]] == ["ท13101"]


@pytest.mark.parametrize(("content", "problem"), [
    ("ชื่อ,นามสกุล\nสมใจ,รักเรียน\n", "ไม่พบคอลัมน์"),
    (SGS_44.replace(",3.5,\n", ",5,\n", 1).replace(",3.5,,,", ",5,,,", 1), "แถวที่ 2: ผลการเรียน “5”"),
    (SGS_44.replace(",2567,2,", ",25x7,2,"), "แถวที่ 4: ปีการศึกษา"),
])
def test_a_file_with_problems_loads_nothing_and_says_where(content, problem):
    with pytest.raises(RecordFileError) as refused:
        read_records(content.encode("utf-8"), "file.csv", today=TODAY)
    assert any(problem in line for line in refused.value.problems), refused.value.problems


def test_the_average_is_cut_not_rounded():
    changed = SGS_44.replace(",1.0,3.5,,,3.5,", ",1.0,3,,,3,").replace(",1.5,2,,,2,", ",1.5,3,,,3,")
    _, records = read_records(changed.encode(), "x.csv", today=TODAY)
    # (3×1 + 3×1.5 + 4×1) / 3.5 = 3.2857… -> 3.28, not 3.29
    assert records["42669"]["gpa"] == "3.28"


@pytest.mark.parametrize(("content", "problem"), [
    ("ชื่อ,นามสกุล\nสมใจ,รักเรียน\n", "ไม่พบคอลัมน์"),
])
def test_a_file_without_the_columns_is_refused(content, problem):
    with pytest.raises(RecordFileError) as refused:
        read_records(content.encode("utf-8"), "file.csv", today=TODAY)
    assert any(problem in line for line in refused.value.problems), refused.value.problems


def test_an_old_excel_file_is_refused_with_what_to_do():
    with pytest.raises(RecordFileError) as refused:
        read_records(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", today=TODAY)
    assert ".xlsx" in refused.value.problems[0]


def test_a_csv_saved_by_thai_windows_excel_is_read():
    _layout, records = read_records(SGS_44.encode("cp874"), "sgs.csv", today=TODAY)
    assert records["42669"]["terms"][0]["courses"][0]["name"] == "ภาษาไทยพื้นฐาน 1"
