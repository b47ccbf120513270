"""Each document follows its official form: the parts a reviewer looks for are there, in the text
a PDF reader extracts; the ครุฑ is 3 cm high at the top centre; every type has a reference rendering."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import NOW
from PIL import Image
from samples import issuer_of, reference_samples

from backend.catalog import CATALOG
from backend.documents.render import RenderRequest, SchoolInfo, render_pdf
from backend.documents.service import prepare_data

DOCS = Path(__file__).resolve().parents[2] / "docs" / "documents"
SCHOOL = SchoolInfo("nongnamsai", "โรงเรียนบ้านหนองน้ำใส", "123 หมู่ 4 ตำบลในเมือง อำเภอเมืองขอนแก่น",
                    "043-123456", "saraban@nongnamsai.example", "งานทะเบียน")
CM = 72 / 2.54
SIGNED = "(นายสมชายใจดี)ผู้อำนวยการโรงเรียนบ้านหนองน้ำใส"
LETTER_PARTS = ("ที่ศธ๐๔๐๐๒.๑๒๓/๔๕", "โรงเรียนบ้านหนองน้ำใส๑๒๓หมู่๔", "๒๖พฤศจิกายน๒๕๖๙", "เรื่อง", "เรียน",
                "ขอแสดงความนับถือ", "งานทะเบียนโทร.๐๔๓-๑๒๓๔๕๖")
# What each form must show, beyond its layout's common parts (docs/documents.md lists the sources).
PARTS = {
    "admission_result": ("เรื่องแจ้งผลการคัดเลือกเข้าเรียนและนัดหมายมอบตัว", "เรียนนางสมใจรักเรียน",
                         "อ้างถึงใบสมัครเลขที่TO-7KX30M9Q", SIGNED),
    "transfer_out_letter": ("เรื่องส่งตัวนักเรียน", "เรียนผู้อำนวยการโรงเรียนอนุบาลขอนแก่น",
                            "สิ่งที่ส่งมาด้วย๑.สำเนาระเบียนแสดงผลการเรียน(ปพ.๑)", "เลขประจำตัวประชาชน๑๑๐๓๗๐๐๐๙๙๙๙๑",
                            "เกิดวันที่๑๔พฤษภาคม๒๕๖๐",
                            "(นางสาวมาลีศรีงาม)รองผู้อำนวยการโรงเรียนบ้านหนองน้ำใสปฏิบัติราชการแทนผู้อำนวยการโรงเรียนบ้านหนองน้ำใส",
                            "สำเนาระเบียนแสดงผลการเรียน(ปพ.๑)ถึงภาคเรียนที่ผ่านมา",
                            "ใบรับรองเวลาเรียนและผลการเรียนระหว่างภาคเรียน"),
    "transfer_in_acceptance": ("เรื่องตอบรับนักเรียนย้ายเข้า", "เรียนนางสมใจรักเรียน", "อ้างถึงคำขอย้ายเข้าเรียน", SIGNED),
    "grade1_entry_decision": ("เรื่องผลการพิจารณาคำขอเกี่ยวกับการเข้าเรียนชั้นประถมศึกษาปีที่๑", "เรียนนางสมใจรักเรียน",
                              SIGNED),
    "credit_transfer_result": ("เรื่องแจ้งผลการเทียบโอนผลการเรียน", "ท๓๑๑๐๑", SIGNED),
    "venue_permit": ("เรื่องอนุญาตให้ใช้อาคารสถานที่", "เรียนนายสมศักดิ์ใจงาม", "อ้างถึงคำขอใช้อาคารสถานที่", SIGNED),
    "withdrawal_certificate": ("ที่ศธ๐๔๐๐๒.๑๒๓/๔๕", "หนังสือรับรอง", "หนังสือฉบับนี้ให้ไว้เพื่อรับรองว่า",
                               "ให้ไว้ณวันที่๒๖พฤศจิกายน๒๕๖๙", SIGNED),
    "replacement_letter": ("ใบแทน", "ออกแทนระเบียนแสดงผลการเรียน(ปพ.๑)ฉบับเดิมเลขที่๑๒๓๔๕๖๗ซึ่งสูญหายออกให้ณวันที่๒๖พฤศจิกายน๒๕๖๙",
                           "ระเบียนแสดงผลการเรียน", "ปพ.๑:บ", "ท๒๑๑๐๑ภาษาไทย1๑.๕๓.๕", "ผลการเรียนเฉลี่ย๓.๓๓",
                           "(นางสมศรีทะเบียนดี)นายทะเบียน", SIGNED),
    "replacement_certificate": ("ใบแทน", "ประกาศนียบัตร", "ปพ.๒", "ให้ไว้เพื่อแสดงว่านายธนากรศรีสวัสดิ์",
                                "สำเร็จการศึกษาภาคบังคับระดับมัธยมศึกษาตอนต้น", SIGNED),
    "qualification_equivalence_certificate": (
        "ที่ศธ๐๔๐๐๔/๑๒๓", "หนังสือรับรอง", "หนังสือฉบับนี้ให้ไว้เพื่อรับรองว่านายจอห์นสมิธ",
        "เทียบได้เท่ากับชั้นมัธยมศึกษาปีที่๖", "พ.ศ.๒๕๖๓", "(นางสาวเทียบวุฒิรับรอง)นักวิชาการศึกษาชำนาญการ"),
    "thai_competency_certificate": (
        "ที่ศธ๐๔๐๐๔/๔๕๖", "หนังสือรับรอง", "หนังสือฉบับนี้ให้ไว้เพื่อรับรองว่าMaryJones",
        "เมื่อวันที่๑๒ธันวาคม๒๕๖๙", "ผลการสอบอยู่ในระดับ๔จาก๖ระดับ", "on12December2026andattainedlevel4of6"),
    "learning_media_producer_certificate": (
        "ที่ศธ๐๔๐๑๐/๑๒๓", "หนังสือรับรอง", "บริษัทสื่อการเรียนจำกัด", "ได้จดทะเบียนเป็นผู้ผลิตสื่อการเรียนรู้",
        "ทะเบียนเลขที่สพฐ.๑๒/๒๕๖๙"),
    "learning_media_permit": (
        "ที่ศธ๐๔๐๑๐/๔๕๖", "หนังสือรับรอง", "ได้ผ่านการตรวจพิจารณาแบบตรวจก่อนจัดจำหน่าย",
        "อนุญาตให้ใช้ในสถานศึกษาได้", "๑.แก้ไขคำผิดตามที่แจ้งก่อนจัดพิมพ์"),
    "learning_centre_obec_permit": ("ที่ศธ๐๔๐๑๐/๗๘๙", "หนังสืออนุญาตให้จัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน",
                                    "ตามสิทธิของบุคคล(มีผู้เรียนจำนวนเกินกว่า100คน)", "จำนวนผู้เรียน๑๕๐คน",
                                    "กฎกระทรวงว่าด้วยสิทธิในการจัดการศึกษาขั้นพื้นฐานในศูนย์การเรียนพ.ศ.๒๕๕๕",
                                    "รายงานผลการจัดการศึกษาต่อสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
                                    "(นางสาวเทียบวุฒิรับรอง)นักวิชาการศึกษาชำนาญการ"),
    # A district office's permits: issued and signed by the district, citing the regulation.
    "home_school_permit": ("ลงลายมือชื่อดิจิทัลโดยสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่นเขต1",
                           "หนังสืออนุญาตให้จัดการศึกษาขั้นพื้นฐานโดยครอบครัว",
                           "กฎกระทรวงว่าด้วยสิทธิในการจัดการศึกษาขั้นพื้นฐานโดยครอบครัวพ.ศ.๒๕๔๗",
                           "นางสมศรีรักเรียนเป็นผู้จัดการศึกษา", "รายงานผลการจัดการศึกษา",
                           "(นายเขตพื้นที่ใจงาม)ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่นเขต1"),
    "learning_centre_permit": ("หนังสืออนุญาตให้จัดการศึกษาขั้นพื้นฐานในศูนย์การเรียน",
                               "ตามสิทธิของบุคคล(มีผู้เรียนจำนวนไม่เกิน50คน)", "ศูนย์การเรียนบ้านรักเรียน",
                               "กฎกระทรวงว่าด้วยสิทธิในการจัดการศึกษาขั้นพื้นฐานในศูนย์การเรียนพ.ศ.๒๕๕๕",
                               "(นายเขตพื้นที่ใจงาม)ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่นเขต1"),
    "receipt": ("ใบเสร็จรับเงิน", "เล่มที่๑๒", "เลขที่๓๔๕", "คำขอเลขที่RD-AZZW0V69", "(หนึ่งร้อยห้าสิบบาทถ้วน)"),
}


def text_of(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in document))
    finally:
        document.close()


def rendered(name: str, data_dir: Path | None = None) -> bytes:
    doc_type, data = reference_samples()[name]
    code = "7KQ2MX9DRT4B"
    return render_pdf(RenderRequest(issuer_of(doc_type, SCHOOL), doc_type, code,
                                    f"https://school.example/verify/{code}", NOW,
                                    {"data": prepare_data(doc_type, data)}), data_dir=data_dir)


def test_every_document_type_has_a_reference_rendering_and_its_parts_listed():
    names = set(reference_samples())
    assert {doc_type for doc_type, _ in reference_samples().values()} == set(CATALOG.document_ids())
    assert set(PARTS) == names
    for name in names:
        assert (DOCS / f"{name}.png").is_file(), f"run .venv/bin/python -m tests.documents.references ({name})"


@pytest.mark.parametrize("name", sorted(PARTS))
def test_the_official_parts_are_in_the_text(name):
    doc_type, _ = reference_samples()[name]
    text = text_of(rendered(name))
    expected = PARTS[name]
    if CATALOG.document_type(doc_type).layout == "letter":
        expected = (*LETTER_PARTS, *expected)
    for part in expected:
        assert part in text, f"{name}: {part!r} not in {text!r}"


@pytest.fixture
def garuda(data_dir: Path) -> Path:
    """A stand-in image where a school puts its ครุฑ (the project ships none)."""
    folder = data_dir / "templates"
    folder.mkdir(parents=True)
    Image.new("RGB", (300, 300), "black").save(folder / "garuda.png")
    return data_dir


@pytest.mark.parametrize("name", ["transfer_out_letter", "withdrawal_certificate", "venue_permit"])
def test_the_garuda_is_3_cm_high_at_the_top_centre(name, garuda):
    document = pdfium.PdfDocument(rendered(name, garuda))
    page = document[0]
    width, height = page.get_size()
    images = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])]
    [(left, bottom, right, top)] = [box for box in images if box[3] > height - 4 * CM]
    assert abs((top - bottom) - 3 * CM) < 0.5
    assert abs((left + right) / 2 - (3 * CM + (width - 5 * CM) / 2)) < 2  # centred between the margins
    document.close()
