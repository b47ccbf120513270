"""The PDF's text layer reads back as the Thai that was set: copy, search and screen readers work."""

from __future__ import annotations

import html.parser
import re

import pypdfium2 as pdfium
import pytest
from conftest import NOW, SCHOOL_NAME, SCHOOL_SLUG
from samples import SAMPLES

from backend.catalog import CATALOG
from backend.documents.render import RenderRequest, SchoolInfo, render_html, render_pdf
from backend.documents.service import prepare_data

SCHOOL = SchoolInfo(SCHOOL_SLUG, SCHOOL_NAME, "123 หมู่ 4 ตำบลในเมือง อำเภอเมืองขอนแก่น", "043-123456")
# Words with every composed form a letter uses: SARA AM alone, under each tone mark, after a tall
# consonant; tone marks over upper vowels; YO YING and THO THAN without their tails; LAKKHANGYAO.
HARD_WORDS = "ตำบล อำเภอ จำนวน น้ำ ค่ำ ซ้ำ ก๊ำ จ๋ำ ปำ ฟ้ำ การ ที่ ปี่ กิ่ง ปั้น ผู้ ญู ฐู ฤๅ ฦๅ เด็กหญิง"


class _VisibleText(html.parser.HTMLParser):
    """The text a reader sees, one piece per text node (no <style>, <title> or attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title", "head"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title", "head"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(data)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def extracted_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def request(doc_type: str) -> RenderRequest:
    code = "7KQ2MX9DRT4B"
    data = prepare_data(doc_type, {**SAMPLES[doc_type], "reason": HARD_WORDS})
    return RenderRequest(SCHOOL, doc_type, code, f"https://school.example/verify/{code}", NOW, {"data": data})


@pytest.mark.parametrize("doc_type", sorted(SAMPLES))
def test_text_extracted_from_every_template_equals_the_thai_set(doc_type):
    assert doc_type in CATALOG.document_ids()
    visible = _VisibleText()
    visible.feed(render_html(request(doc_type)))
    layer = compact(extracted_text(render_pdf(request(doc_type))))

    # Each piece of text is one run in the layer (the running footer is laid out last, so not in
    # order), and what is left once they are taken out is only the list numbers the CSS draws.
    rest = layer
    for piece in sorted(map(compact, visible.pieces), key=len, reverse=True):
        assert piece in rest, f"{piece!r} is not in the text layer: {layer!r}"
        rest = rest.replace(piece, "", 1)
    assert re.fullmatch(r"([๐-๙0-9]+\.)*", rest), rest
    # Nothing a PDF reader invents for an unmapped glyph (it prints the glyph id: "˸", "˺").
    assert not re.search(r"[\u02b0-\u036f]", layer)


def test_sara_am_reads_back_whatever_came_first():
    """The glyph of SARA AA is shared by า and ำ: the map must not depend on which came first."""
    for words in ("ตำบล การ", "การ ตำบล"):
        data = {**SAMPLES["withdrawal_certificate"], "reason": words}
        pdf = render_pdf(RenderRequest(SCHOOL, "withdrawal_certificate", "X", "https://x/verify/X", NOW,
                                       {"data": data}))
        assert words.replace(" ", "") in compact(extracted_text(pdf))
