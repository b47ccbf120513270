"""Every e-service of the source, at every level, with its state here: README's service table.

The source (the document this product answers: slides of สพฐ., "กระบวนการงานตามคู่มือประชาชน")
lists the citizen's-manual services at five levels: ordinary schools, the two groups of
special-education schools (สำนักบริหารงานการศึกษาพิเศษ), district offices and OBEC itself.
``SOURCE_SERVICES`` copies those lists in the source's order and words; a row names the service id
that implements it, once one does. A row "works" when that service is registered in the catalog
and, at a school level, the level's type of school offers it (``school_types`` of its spec).

``python -m flows.service_table`` prints the table; tests/flows/test_service_table.py checks that
README.md carries it exactly and that no registered service is missing from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.catalog import CATALOG
from backend.organisations import SchoolType


@dataclass(frozen=True)
class Level:
    name: str  # as README names the level
    # The types of school the level's list is for; empty: not a school's service.
    school_types: tuple[SchoolType, ...] = ()


ORDINARY = Level("school", (SchoolType.ORDINARY,))
WELFARE_AND_DISABILITY = Level("special education: ศึกษาสงเคราะห์ and เฉพาะความพิการ schools",
                               (SchoolType.WELFARE, SchoolType.DISABILITY))
SPECIAL_CENTRE = Level("special education: ศูนย์การศึกษาพิเศษ", (SchoolType.SPECIAL_CENTRE,))
DISTRICT = Level("district office (สพท.)")
CIVIL_SERVANTS = Level("district office: its civil servants")
OBEC = Level("OBEC (สพฐ.)")


@dataclass(frozen=True)
class SourceService:
    level: Level
    number: int  # its number in the source's list
    name_th: str  # as the source names it
    service_id: str | None = None  # the service that implements it, once one does


_LC = "การขอจัดการศึกษาขั้นพื้นฐานในศูนย์การเรียนตามสิทธิ"
_FOREIGN = "ขององค์กรชุมชนและองค์กรเอกชน (กรณีองค์กรเอกชนเป็นนิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย"

SOURCE_SERVICES: tuple[SourceService, ...] = (
    SourceService(ORDINARY, 1, "การรับนักเรียน", "admission"),
    SourceService(ORDINARY, 2, "การขอย้ายนักเรียนเข้าโรงเรียน", "transfer_in"),
    SourceService(ORDINARY, 3, "การขอย้ายนักเรียนออกจากโรงเรียน", "transfer_out"),
    SourceService(ORDINARY, 4, "การขอผ่อนผันให้เด็กเข้าเรียนก่อนหรือหลังตามเกณฑ์การศึกษาภาคบังคับ (ป.1)",
                  "grade1_entry"),
    SourceService(ORDINARY, 5, "การขอลาออกของนักเรียน", "withdrawal"),
    SourceService(ORDINARY, 6, "การขอเทียบโอนผลการเรียนของนักเรียน", "credit_transfer"),
    SourceService(ORDINARY, 7, "การขอใบแทนเอกสารทางการศึกษาของโรงเรียน", "replacement_documents"),
    SourceService(ORDINARY, 8, "การขอใช้อาคารสถานที่ของโรงเรียน", "venue_booking"),
    SourceService(WELFARE_AND_DISABILITY, 1, "การรับนักเรียน", "admission"),
    SourceService(WELFARE_AND_DISABILITY, 2, "การขอย้ายนักเรียนเข้า", "transfer_in"),
    SourceService(WELFARE_AND_DISABILITY, 3, "การขอย้ายนักเรียนออก", "transfer_out"),
    SourceService(WELFARE_AND_DISABILITY, 4, "การขอลาออก", "withdrawal"),
    SourceService(WELFARE_AND_DISABILITY, 5, "การขอใบแทนเอกสารทางการศึกษา", "replacement_documents"),
    SourceService(WELFARE_AND_DISABILITY, 6, "การขอใช้อาคารสถานที่ของโรงเรียน", "venue_booking"),
    SourceService(SPECIAL_CENTRE, 1, "การรับนักเรียน", "admission"),
    SourceService(SPECIAL_CENTRE, 2, "การขอย้ายนักเรียนเข้า", "transfer_in"),
    SourceService(SPECIAL_CENTRE, 3, "การขอย้ายนักเรียนออก", "transfer_out"),
    SourceService(SPECIAL_CENTRE, 4, "การขอลาออก", "withdrawal"),
    SourceService(SPECIAL_CENTRE, 5, "การขอใช้อาคารสถานที่", "venue_booking"),
    SourceService(SPECIAL_CENTRE, 6, "การขอผ่อนผันให้เด็กเข้าเรียนก่อนหรือหลังตามเกณฑ์การศึกษาภาคบังคับ (ป.1)",
                  "grade1_entry"),
    SourceService(DISTRICT, 1, "การขอจัดการศึกษาขั้นพื้นฐานโดยครอบครัว", "home_school"),
    # One service, its variants told apart by the applicant's first answer.
    SourceService(DISTRICT, 2, f"{_LC}ของบุคคล (มีผู้เรียนจำนวนไม่เกิน 50 คน)", "learning_centre"),
    SourceService(DISTRICT, 3, f"{_LC}ของบุคคล (มีผู้เรียนจำนวนเกินกว่า 50 คน แต่ไม่เกิน 100 คน)",
                  "learning_centre"),
    SourceService(DISTRICT, 4, f"{_LC}ขององค์กรวิชาชีพ", "learning_centre"),
    SourceService(DISTRICT, 5, f"{_LC}ขององค์กรชุมชนและองค์กรเอกชน (เป็นนิติบุคคลจดทะเบียนในประเทศไทย)",
                  "learning_centre"),
    SourceService(DISTRICT, 6, f"{_LC}{_FOREIGN} มีผู้เรียนจำนวนไม่เกิน 50 คน)", "learning_centre"),
    SourceService(DISTRICT, 7, f"{_LC}{_FOREIGN} มีผู้เรียนจำนวนเกินกว่า 50 คน แต่ไม่เกิน 100 คน)",
                  "learning_centre"),
    SourceService(DISTRICT, 8, "กระบวนการขอจัดการศึกษาขั้นพื้นฐานในศูนย์การเรียนรู้โดยสถานประกอบการ",
                  "learning_centre"),
    SourceService(DISTRICT, 9, "กระบวนการยื่นความจำนงประสงค์เข้าเรียนของนักเรียนที่ยังไม่มีที่เรียน "
                               "สำหรับการรับนักเรียนประจำปีการศึกษา", "no_school_place"),
    SourceService(CIVIL_SERVANTS, 10, "การเบิกสวัสดิการค่ารักษาพยาบาล ค่าศึกษาเล่าเรียนบุตร", "welfare_claim"),
    SourceService(CIVIL_SERVANTS, 11, "การขอรับบำเหน็จ บำนาญ ข้าราชการผู้เกษียณอายุราชการ", "pension"),
    SourceService(OBEC, 1, "การให้บริการเทียบวุฒิการศึกษาระดับการศึกษาขั้นพื้นฐาน", "qualification_equivalence"),
    SourceService(OBEC, 2, "การจัดสอบวัดระดับความสามารถในการใช้ภาษาไทย (Thai Competency test) สำหรับชาวต่างประเทศ",
                  "thai_competency_test"),
    SourceService(OBEC, 3, "การขอจดทะเบียนเป็นผู้ผลิตสื่อการเรียนรู้", "learning_media_producer"),
    # Rows 4 and 5: one service, its variant the first question (flows/services/learning_media_permit.py).
    SourceService(OBEC, 4, "การขออนุญาตให้ใช้สื่อการเรียนรู้ของเอกชนในสถานศึกษา (ตรวจก่อนจัดจำหน่าย)",
                  "learning_media_permit"),
    SourceService(OBEC, 5, "การขออนุญาตให้ใช้สื่อการเรียนรู้ของเอกชนในสถานศึกษา (ตรวจหลังจัดจำหน่าย)",
                  "learning_media_permit"),
    # Rows 6 and 7: one service, its variant the first question (flows/services/learning_centre_obec.py).
    SourceService(OBEC, 6, f"{_LC}ของบุคคล (มีผู้เรียนจำนวนเกินกว่า 100 คน)", "learning_centre_obec"),
    SourceService(OBEC, 7, f"{_LC}ขององค์กรชุมชนและเอกชน (กรณีองค์กรเอกชนเป็นนิติบุคคลซึ่งไม่ได้จดทะเบียนในประเทศไทย "
                           "มีผู้เรียนจำนวนเกินกว่า 100 คน)", "learning_centre_obec"),
    # OBEC's own civil servants (its central office) claim from OBEC's finance, which is not an
    # organisation here (OBEC is not stored: backend/organisations.py); the district's specs decide by
    # a district's finance staff, so these stay "not yet" (docs/rules.md, "Welfare claims of civil servants").
    SourceService(OBEC, 8, "การเบิกสวัสดิการค่ารักษาพยาบาล ค่าศึกษาเล่าเรียนบุตร"),
    SourceService(OBEC, 9, "การขอรับบำเหน็จ บำนาญ ข้าราชการผู้เกษียณอายุราชการ"),
)

WORKS = "works"
NOT_YET = "not yet"


def state_of(row: SourceService) -> str:
    """"works" when its service is registered and, at a school level, offered by the level's types."""
    if row.service_id is None or row.service_id not in CATALOG.service_ids():
        return NOT_YET
    offered_by = CATALOG.service(row.service_id).school_types
    if any(school_type.value not in offered_by for school_type in row.level.school_types):
        return NOT_YET
    return WORKS


def table() -> str:
    """README's service table, as Markdown."""
    lines = ["| level | no. | service (as the source names it) | service id | state |",
             "|---|---|---|---|---|"]
    for row in SOURCE_SERVICES:
        service = f"`{row.service_id}`" if row.service_id else "—"
        lines.append(f"| {row.level.name} | {row.number} | {row.name_th} | {service} | {state_of(row)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    from flows.services import load_catalog

    load_catalog()
    sys.stdout.write(table())
