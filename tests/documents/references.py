"""Write the reference rendering of every document type: docs/documents/<type>.png (page 1, and
<type>-2.png ... for further pages), from the sample data, for a reviewer to hold beside the
official form. Run: .venv/bin/python -m tests.documents.references [name ...]

The samples carry what issuing adds (the signer, the letter number). The ครุฑ is not shipped (no
public-domain drawing of it could be obtained: docs/documents.md), so these renderings show a
labelled frame of its size where a school's own image goes.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from flows.services import load_catalog

OUT = Path(__file__).resolve().parents[2] / "docs" / "documents"
PLACEHOLDER = """<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300">
<rect x="4" y="4" width="292" height="292" fill="none" stroke="#888" stroke-width="4" stroke-dasharray="16 10"/>
<text x="150" y="140" font-size="34" text-anchor="middle" fill="#666">GARUDA</text>
<text x="150" y="185" font-size="26" text-anchor="middle" fill="#666">3 cm</text></svg>"""


def main() -> None:
    load_catalog()
    sys.path.insert(0, str(Path(__file__).parent))
    import pypdfium2 as pdfium
    from samples import issuer_of, reference_samples

    from backend.documents.preview import render_page_image
    from backend.documents.render import RenderRequest, SchoolInfo, render_pdf
    from backend.documents.service import prepare_data

    school = SchoolInfo("reference", "โรงเรียนบ้านหนองน้ำใส",
                        "๑๒๓ หมู่ ๔ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น ๔๐๐๐๐", "043-123456",
                        "saraban@nongnamsai.example", "งานทะเบียน")
    now = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        (data_dir / "templates").mkdir()
        (data_dir / "templates" / "garuda.svg").write_text(PLACEHOLDER, encoding="utf-8")
        only = set(sys.argv[1:])  # names given: render only those
        for name, (doc_type, data) in reference_samples().items():
            if only and name not in only:
                continue
            code = "7KQ2MX9DRT4B"
            request = RenderRequest(issuer_of(doc_type, school), doc_type, code,
                                    f"https://school.example/verify/{code}", now,
                                    {"data": prepare_data(doc_type, data)})
            pdf = render_pdf(request, data_dir=data_dir)
            pages = len(pdfium.PdfDocument(pdf))
            for index in range(pages):
                file = f"{name}.png" if index == 0 else f"{name}-{index + 1}.png"
                render_page_image(pdf, page_index=index, width=900).save(OUT / file, optimize=True)
            print(f"{name}: {pages} page(s)")


if __name__ == "__main__":
    main()
