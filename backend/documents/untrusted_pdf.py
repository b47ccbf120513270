"""Reading a PDF anyone uploads to the verify page: its embedded record and its signature, with the
inflating of compressed streams bounded. These are sandbox jobs (backend/sandbox.py): arguments
and results are plain data.

Each sandbox process imports this module as it starts, so it imports only what reading needs: not the
renderer (WeasyPrint, Jinja) nor the signer's own modules.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509 as asn1_x509

# pyHanko is imported by the functions that read (each sandbox process preloads it: backend/sandbox.py), so
# that the web and worker processes, which import this module only to name its jobs, start without it.

# The name of the record (our document.json) that every e-document carries as an attachment.
ATTACHMENT_NAME = "document.json"
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
    return check_signature(pdf, [asn1_x509.Certificate.load(der) for der in trust_roots_der])


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko found; `ok` means signed, unchanged since signing, and by a trusted certificate."""

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    timestamped: bool = False
    signer_name: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.signed and self.intact and self.valid and self.trusted and self.covers_whole_file
        )


def check_signature(pdf: bytes, trust_roots: Sequence[asn1_x509.Certificate]) -> SignatureCheck:
    """Validate the last signature of a PDF. Synchronous, like pyHanko's validator."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - a damaged file structure: not a document we signed
        return SignatureCheck(signed=False)
    if not signatures:
        return SignatureCheck(signed=False)
    embedded = signatures[-1]
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
    try:
        status = validate_pdf_signature(
            embedded, signer_validation_context=context, ts_validation_context=context
        )
    except Exception:  # noqa: BLE001 - a signature pyHanko cannot parse is none we vouch for
        return SignatureCheck(signed=True)
    return SignatureCheck(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        timestamped=status.timestamp_validity is not None,
        signer_name=status.signing_cert.subject.native.get("common_name"),
    )
