"""File types are told from content: names and declared types never count."""

from __future__ import annotations

import pytest
from file_samples import gif, heic, isobmff, jpeg, pdf, png

from backend.files.sniff import detect_type


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (jpeg(), "image/jpeg"),
        (png(), "image/png"),
        (pdf(), "application/pdf"),
        (b"\xef\xbb\xbf" + pdf(), "application/pdf"),
        (heic(), "image/heic"),
        (isobmff(b"mif1", [b"mif1", b"heic"]), "image/heic"),
        (isobmff(b"heix", [b"mif1", b"heix"]), "image/heic"),
        (isobmff(b"hevc", [b"msf1", b"hevc"]), "image/heic"),
    ],
    ids=["jpeg", "png", "pdf", "pdf-bom", "heic", "mif1-heic", "heix", "hevc-sequence"],
)
def test_accepted_kinds_are_recognised(data, expected):
    assert detect_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        gif(),
        isobmff(b"avif", [b"mif1", b"avif"]),
        isobmff(b"mif1", [b"mif1", b"avif"]),
        isobmff(b"isom", [b"isom", b"mp41"]),
        b"PK\x03\x04" + b"\x00" * 40,
        b"MZ" + b"\x00" * 100,
        "ใบสูติบัตร.pdf".encode(),
        b"<html><body>%PDF-1.7</body></html>",
        b"\xd8\xff\xff" + jpeg(),
    ],
    ids=["empty", "gif", "avif", "mif1-avif", "mp4", "zip", "exe", "text", "html", "jpeg-shifted"],
)
def test_other_content_is_not_recognised(data):
    assert detect_type(data) is None


def test_png_renamed_to_pdf_is_still_a_png(tmp_path):
    disguised = tmp_path / "birth-certificate.pdf"
    disguised.write_bytes(png())
    assert detect_type(disguised.read_bytes()) == "image/png"


def test_pdf_renamed_to_jpg_is_still_a_pdf(tmp_path):
    disguised = tmp_path / "photo.jpg"
    disguised.write_bytes(pdf())
    assert detect_type(disguised.read_bytes()) == "application/pdf"


def test_a_path_string_is_never_opened(tmp_path):
    real_png = tmp_path / "real.png"
    real_png.write_bytes(png())
    with pytest.raises(TypeError):
        detect_type(str(real_png))  # type: ignore[arg-type]
