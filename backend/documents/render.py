"""Turn a document's data into a PDF: a Jinja2 template per type, laid out by WeasyPrint in Sarabun.

Templates are looked up first in DATA_DIR/templates/<school slug>/ and then in the defaults shipped
in backend/documents/templates/ (or beside a document type that names its own template file), so a
school adapts any letter (or only base.css) without code.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import importlib.resources
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from backend.catalog import PACKAGED_TEMPLATES
from backend.documents.fonts import document_fonts
from backend.documents.types import spec_for
from backend.documents.untrusted_pdf import ATTACHMENT_NAME
from backend.payments.amount_words import baht_text
from backend.payments.money import baht_with_satang
from backend.thai.dates import format_thai_date
from backend.thai.digits import to_thai_digits

DATA_SCHEMA = "schoolbot/e-document/v1"
BANGKOK = ZoneInfo("Asia/Bangkok")
FONT_FAMILY = "Sarabun"


@dataclass(frozen=True)
class SchoolInfo:
    """What a letterhead shows; taken from the School row and its configuration."""

    slug: str
    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    owning_unit: str = "งานทะเบียน"  # ส่วนราชการเจ้าของเรื่อง, at the foot of a letter


@dataclass(frozen=True)
class RenderRequest:
    school: SchoolInfo
    doc_type: str
    code: str
    verify_url: str
    issued_at: dt.datetime
    # The machine-readable record embedded as document.json, identical to IssuedDocument.data.
    record: dict[str, Any]
    thai_numerals: bool = True
    # An unsigned copy for the person who will sign it to read first: marked as a draft.
    draft: bool = False
    # Pages of an archived scan the document reproduces (data: URLs of PNG or JPEG images).
    scan_pages: tuple[str, ...] = ()


def format_code(code: str) -> str:
    """Group a short code in fours so people can read it off paper: 7KQ2-MX9D-RT4B."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(BANGKOK).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    raise TypeError(f"not a date: {type(value).__name__}")


@functools.lru_cache(maxsize=1)
def font_urls() -> dict[str, str]:
    """Sarabun as derived for a faithful text layer (backend/documents/fonts.py)."""
    return {style: path.as_uri() for style, path in document_fonts().items()}


@functools.lru_cache(maxsize=64)
def _environment(school_dir: str | None, template_dir: str, thai_numerals: bool) -> jinja2.Environment:
    search_path = [school_dir] if school_dir else []
    # The type's own folder, then the packaged one for base.html and base.css.
    search_path += dict.fromkeys((template_dir, str(PACKAGED_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search_path),
        autoescape=jinja2.select_autoescape(["html", "css"], default_for_string=True),
        undefined=jinja2.ChainableUndefined,
        lstrip_blocks=True,
    )
    env.filters["thai_date"] = lambda value: _digits(
        format_thai_date(_as_date(value)), thai_numerals
    )
    env.filters["num"] = lambda value: (
        _digits(str(value), thai_numerals) if value is not None else ""
    )
    env.filters["money"] = baht_with_satang
    env.filters["baht_text"] = lambda value: baht_text(Decimal(str(value)))
    return env


def _digits(text: str, thai_numerals: bool) -> str:
    return to_thai_digits(text) if thai_numerals else text


def school_template_dir(data_dir: Path | None, school_slug: str) -> Path | None:
    if data_dir is None:
        return None
    candidate = data_dir / "templates" / school_slug
    return candidate if candidate.is_dir() else None


GARUDA_FILES = ("garuda.svg", "garuda.png")


def garuda_image(data_dir: Path | None, school_slug: str) -> str | None:
    """The Garuda emblem the letters carry, as a file URL: the school's own
    (DATA_DIR/templates/<slug>/garuda.svg or .png), else the deployment's (DATA_DIR/templates/).

    None when there is none: the project ships no emblem, as no public-domain drawing of it could
    be obtained through the package registries (docs/documents.md); the space stays reserved.
    """
    if data_dir is None:
        return None
    for folder in (data_dir / "templates" / school_slug, data_dir / "templates"):
        for name in GARUDA_FILES:
            if (folder / name).is_file():
                return (folder / name).as_uri()
    return None


def qr_image(url: str) -> Markup:
    """The QR code as an <img> of one pixel per module, scaled up crisply by CSS.

    A PNG rather than SVG: WeasyPrint spends ~50 ms parsing a QR's SVG path, a quarter of a render.
    """
    import qrcode  # on first use: only a process that issues documents draws QR codes

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=2)
    code.add_data(url)
    code.make(fit=True)
    output = io.BytesIO()
    code.make_image().get_image().convert("1").save(output, format="PNG")
    encoded = base64.b64encode(output.getvalue()).decode("ascii")
    return Markup(f'<img class="qr" alt="QR" src="data:image/png;base64,{encoded}">')


def render_html(request: RenderRequest, *, data_dir: Path | None = None) -> str:
    spec = spec_for(request.doc_type)
    school_dir = school_template_dir(data_dir, request.school.slug)
    env = _environment(str(school_dir) if school_dir else None, str(spec.template_path.parent),
                       request.thai_numerals)
    template = env.get_template(spec.template_path.name)
    return template.render(
        school=request.school,
        data=request.record["data"],
        doc={
            "code": request.code,
            "code_display": format_code(request.code),
            "title": spec.title_th,
            "doc_type": request.doc_type,
            "issued_at": request.issued_at,
            "issued_on": request.issued_at.astimezone(BANGKOK).date(),
            "verify_url": request.verify_url,
            "qr_image": qr_image(request.verify_url),
            "garuda": garuda_image(data_dir, request.school.slug),
            "draft": request.draft,
            "scan_pages": request.scan_pages,
        },
        fonts=font_urls(),
    )


@functools.lru_cache(maxsize=1)
def _url_fetcher():
    """Templates may be edited by schools: never let one reach the network (or anything but
    local files and inline data) while rendering."""
    import weasyprint

    return weasyprint.URLFetcher(allowed_protocols=["file", "data"])


def render_pdf(request: RenderRequest, *, data_dir: Path | None = None) -> bytes:
    """An unsigned PDF/A-3b with the record attached as document.json (AFRelationship /Data)."""
    # Imported here: WeasyPrint and its libraries take ~50 MB, which web processes that never
    # issue a document should not carry.
    import weasyprint
    from weasyprint.css import ColorProfile

    html = render_html(request, data_dir=data_dir)
    school_dir = school_template_dir(data_dir, request.school.slug)
    attachment = weasyprint.Attachment(
        string=json.dumps(request.record, ensure_ascii=False, sort_keys=True, indent=1).encode(
            "utf-8"
        ),
        name=ATTACHMENT_NAME,
        description="ข้อมูลของเอกสารในรูปแบบที่เครื่องอ่านได้ (JSON)",
        relationship="Data",
        created=request.issued_at,
        modified=request.issued_at,
        url_fetcher=_url_fetcher(),
    )
    document = weasyprint.HTML(
        string=html,
        base_url=str(school_dir or PACKAGED_TEMPLATES) + "/",
        url_fetcher=_url_fetcher(),
    ).render()
    document.metadata.title = spec_for(request.doc_type).title_th
    document.metadata.authors = [request.school.name]
    document.metadata.created = request.issued_at.isoformat()
    document.metadata.modified = request.issued_at.isoformat()
    document.metadata.lang = "th"
    # PDF/A needs an sRGB output intent. WeasyPrint's own ("srgb") opens its ICC file and never
    # closes it (a ResourceWarning on every render), so the same profile is supplied under
    # another name; a fresh object per document, as WeasyPrint writes its PDF reference into it.
    document.color_profiles[_OUTPUT_INTENT] = ColorProfile(
        io.BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
    output = io.BytesIO()
    document.write_pdf(
        output, pdf_variant="pdf/a-3b", attachments=[attachment], output_intent=_OUTPUT_INTENT
    )
    return output.getvalue()


_OUTPUT_INTENT = "schoolbot-srgb"


@functools.lru_cache(maxsize=1)
def _srgb_icc() -> bytes:
    return (importlib.resources.files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
