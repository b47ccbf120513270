"""Reading a PDF anyone uploads to the verify page: its embedded record and its signature, with the
inflating of compressed streams bounded. These are sandbox jobs (backend/sandbox.py): arguments
and results are plain data.
"""

from __future__ import annotations

import io
import json
import zlib
from typing import Any

from backend.documents.render import ATTACHMENT_NAME
from backend.documents.signing import SignatureCheck, check_signature

# Our record (document.json) is a few kilobytes; a claim larger than this is not one of ours.
MAX_RECORD_BYTES = 256 * 1024


class RecordTooLarge(ValueError):
    pass


def _inflate(stream: Any, limit: int) -> bytes:
    """The stream's content, inflated no further than limit bytes (FlateDecode or none)."""
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, list) else ([str(filters)] if filters else [])
    raw = stream.encoded_data
    if not names:
        if len(raw) > limit:
            raise RecordTooLarge("stored stream over the limit")
        return raw
    if names != ["/FlateDecode"] or stream.get("/DecodeParms"):
        raise RecordTooLarge(f"filters {names} are not how our records are written")
    inflater = zlib.decompressobj()
    data = inflater.decompress(raw, limit + 1)
    if len(data) > limit or inflater.unconsumed_tail:
        raise RecordTooLarge("inflates past the limit")
    return data


def embedded_record(pdf: bytes, *, limit: int = MAX_RECORD_BYTES) -> dict[str, Any] | None:
    """The document.json an uploaded PDF carries, or None (no record, too large, or unreadable)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        names_tree = reader.root.get("/Names")
        if names_tree is None or "/EmbeddedFiles" not in names_tree:
            return None
        entries = names_tree["/EmbeddedFiles"].get("/Names", [])
        for index in range(0, min(len(entries), 64) - 1, 2):
            if str(entries[index]) == ATTACHMENT_NAME:
                spec = entries[index + 1].get_object()
                record = json.loads(_inflate(spec["/EF"]["/F"].get_object(), limit).decode("utf-8"))
                return record if isinstance(record, dict) else None
    except Exception:  # noqa: BLE001 - an uploaded file may be anything; a broken one carries no record
        return None
    return None


def signature_of(pdf: bytes, trust_roots_der: list[bytes]) -> SignatureCheck:
    """check_signature, with the trust roots passed as DER (they cross a process boundary)."""
    from asn1crypto import x509

    return check_signature(pdf, [x509.Certificate.load(der) for der in trust_roots_der])
