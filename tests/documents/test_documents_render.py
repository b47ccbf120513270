"""How documents look: Thai in Sarabun, school-adapted templates, official-letter conventions."""

from __future__ import annotations

import http.server
import io
import re
import threading

from conftest import NOW, SCHOOL_NAME, SCHOOL_SLUG
from PIL import ImageChops
from pyhanko.pdf_utils.reader import PdfFileReader
from samples import SAMPLES

from backend.documents.preview import render_page_image
from backend.documents.render import (
    PACKAGED_TEMPLATES,
    RenderRequest,
    SchoolInfo,
    render_html,
    render_pdf,
)

SCHOOL = SchoolInfo(SCHOOL_SLUG, SCHOOL_NAME, "123 หมู่ 4 ตำบลในเมือง", "043-123456")


def request(doc_type: str = "transfer_out_letter", **data) -> RenderRequest:
    code = "7KQ2MX9DRT4B"
    return RenderRequest(
        SCHOOL,
        doc_type,
        code,
        f"https://school.example/verify/{code}",
        NOW,
        {"data": {**SAMPLES[doc_type], **data}},
    )


def page_fonts(pdf: bytes) -> dict[str, bytes]:
    """Base font name -> its ToUnicode map, for every font drawn on page 1."""
    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0].get_object()
    fonts = {}
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        fonts[str(font["/BaseFont"])] = font["/ToUnicode"].get_object().data
    return fonts


def test_thai_is_drawn_with_the_embedded_sarabun_font():
    fonts = page_fonts(render_pdf(request()))

    # Subset prefixes aside ("ABCDEF+Sarabun"), only Sarabun regular and bold are used: no fallback.
    assert {name.split("+", 1)[1] for name in fonts} == {"Sarabun", "Sarabun-Bold"}
    # and it is Sarabun that draws the Thai letters (code points U+0E00-U+0E7F).
    thai_glyphs = re.findall(
        rb"<0[eE][0-7][0-9a-fA-F]>", fonts[next(n for n in fonts if n.endswith("+Sarabun"))]
    )
    assert len(set(thai_glyphs)) > 30


def test_without_the_sarabun_font_the_page_looks_different(data_dir):
    with_sarabun = render_pdf(request(), data_dir=data_dir)
    # A school's base.css without the @font-face rules: the font is then missing.
    override = data_dir / "templates" / SCHOOL_SLUG
    override.mkdir(parents=True)
    css = (PACKAGED_TEMPLATES / "base.css").read_text(encoding="utf-8")
    (override / "base.css").write_text(re.sub(r"@font-face \{[^}]*\}", "", css), encoding="utf-8")
    without_sarabun = render_pdf(request(), data_dir=data_dir)

    assert not any("Sarabun" in name for name in page_fonts(without_sarabun))
    difference = ImageChops.difference(
        render_page_image(with_sarabun, width=600).convert("L"),
        render_page_image(without_sarabun, width=600).convert("L"),
    )
    assert difference.getbbox() is not None
    assert sum(difference.point(lambda v: 255 if v > 64 else 0).histogram()[255:]) > 5000


def test_a_school_adapts_a_letter_without_code(data_dir):
    override = data_dir / "templates" / SCHOOL_SLUG
    override.mkdir(parents=True)
    (override / "transfer_out_letter.html").write_text(
        '{% extends "base.html" %}{% block body %}<p>ข้อความของโรงเรียนเอง {{ data.subject_name }}</p>{% endblock %}',
        encoding="utf-8",
    )

    adapted = render_html(request(), data_dir=data_dir)
    other_school = render_html(
        RenderRequest(
            SchoolInfo("other", "โรงเรียนอื่น"),
            "transfer_out_letter",
            "X",
            "https://x/verify/X",
            NOW,
            {"data": SAMPLES["transfer_out_letter"]},
        ),
        data_dir=data_dir,
    )

    assert (
        "ข้อความของโรงเรียนเอง" in adapted and SCHOOL_NAME in adapted
    )  # keeps the shared letterhead
    assert "ข้อความของโรงเรียนเอง" not in other_school


def test_letters_use_buddhist_era_dates_and_thai_numerals():
    html = render_html(request("withdrawal_certificate"))

    assert "๒๐ พฤศจิกายน ๒๕๖๙" in html  # withdrawal date 2026-11-20
    assert "๒๖ พฤศจิกายน ๒๕๖๙" in html  # issue date
    assert '<meta charset="utf-8">' in html


def test_receipt_shows_amounts_in_figures_and_words():
    html = render_html(request("receipt", total="150.00", total_words="หนึ่งร้อยห้าสิบบาทถ้วน"))

    assert "๑๕๐.๐๐" in html and "หนึ่งร้อยห้าสิบบาทถ้วน" in html
    assert "เล่มที่ ๑๒" in html and "เลขที่ ๓๔๕" in html and "นางสมศรี มีทรัพย์" in html


def test_a_template_cannot_reach_the_network(data_dir):
    requested = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        override = data_dir / "templates" / SCHOOL_SLUG
        override.mkdir(parents=True)
        (override / "receipt.html").write_text(
            '{% extends "base.html" %}{% block body %}'
            f'<img src="http://127.0.0.1:{server.server_port}/tracker.png">{{% endblock %}}',
            encoding="utf-8",
        )
        pdf = render_pdf(request("receipt", total="1", total_words="หนึ่งบาทถ้วน"), data_dir=data_dir)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert pdf.startswith(b"%PDF")
    assert requested == []


def test_request_numbers_stay_as_typed_and_a_request_is_called_คำขอ():
    """A request number is a code the parent types back: never in Thai digits (RD-AZZW๐V๖๙)."""
    receipt = render_html(request("receipt", total="50", total_words="ห้าสิบบาทถ้วน",
                                  application_number="RD-AZZW0V69"))
    admission = render_html(request("admission_result", application_number="AD-7KX30M9Q"))

    assert "คำขอเลขที่ RD-AZZW0V69" in receipt and "คำร้อง" not in receipt
    assert "AD-7KX30M9Q" in admission


def test_the_transfer_acceptance_asks_for_no_copies_of_what_the_parent_already_sent():
    """Asked once: what came through the chat is not asked for again, as สำเนา or otherwise."""
    sent_everything = render_html(request("transfer_in_acceptance"))
    one_missing = render_html(request("transfer_in_acceptance", documents_missing=["ทะเบียนบ้าน"]))

    assert "สำเนา" not in sent_everything and "สำเนา" not in one_missing
    assert "แบบ พฐ.๑๙/๑" in sent_everything  # the sending letter, which only the old school issues
    assert "ทะเบียนบ้าน" not in sent_everything and "ทะเบียนบ้าน" in one_missing
