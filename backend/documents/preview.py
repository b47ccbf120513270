"""A PNG of a PDF's first page, for showing the document in a chat before it is downloaded.

pypdfium2 (PDFium in a PyPI wheel) renders without system tools or a subprocess, in a few tens of
milliseconds, and renders exactly what a PDF viewer shows; pdftoppm would need poppler-utils on
every machine and a process per preview.
"""

from __future__ import annotations

import base64
import io
import threading

from PIL import Image

from backend.images import MAX_PIXELS, ImageRefused

# PDFium is not thread-safe: callers in threads take turns (the chat's previews run in the sandbox
# process, one at a time anyway).
_PDFIUM_LOCK = threading.Lock()
A4_WIDTH_POINTS = 595


def _pdfium():
    # Imported where a page is rendered (each sandbox process preloads it: backend/sandbox.py),
    # so that the web process, which only names these jobs, does not carry PDFium.
    import pypdfium2

    return pypdfium2


def render_page_image(pdf: bytes, *, page_index: int = 0, width: int = 1040) -> Image.Image:
    with _PDFIUM_LOCK:
        document = _pdfium().PdfDocument(pdf)
        try:
            page = document[page_index]
            scale = width / page.get_width()
            # The bitmap's size follows from the page's shape: a page a thousand times taller than
            # wide would be a bomb at any width.
            if width * page.get_height() * scale > MAX_PIXELS:
                raise ImageRefused(f"a page of {page.get_width()}x{page.get_height()} points at width {width}")
            bitmap = page.render(scale=scale)
            image = bitmap.to_pil().convert("RGB")
            page.close()
        finally:
            document.close()
    return image


def preview_png(pdf: bytes, *, width: int = 1040) -> bytes:
    """Page 1 as PNG, 1040 px wide by default (LINE shows images up to that width)."""
    output = io.BytesIO()
    render_page_image(pdf, width=width).save(output, format="PNG", optimize=True)
    return output.getvalue()


# An archived scan reproduced in a document (a ใบแทน from the paper record): its first pages only.
MAX_SCAN_PAGES = 4


def pdf_pages_as_data_urls(pdf: bytes, *, max_pages: int = MAX_SCAN_PAGES) -> tuple[str, ...]:
    """A PDF's first pages as PNG data URLs, for a document template to print them."""
    with _PDFIUM_LOCK:
        document = _pdfium().PdfDocument(pdf)
        try:
            pages = min(len(document), max_pages)
        finally:
            document.close()
    urls = []
    for index in range(pages):
        output = io.BytesIO()
        render_page_image(pdf, page_index=index, width=1400).save(output, format="PNG", optimize=True)
        urls.append(f"data:image/png;base64,{base64.b64encode(output.getvalue()).decode('ascii')}")
    return tuple(urls)
