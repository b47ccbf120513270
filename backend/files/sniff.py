"""Tell what a received file really is from its bytes, ignoring any declared type or file name."""

from __future__ import annotations

import filetype
from filetype.types import archive, image
from filetype.types.isobmff import IsoBmff

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
HEIC = "image/heic"

# HEVC-coded HEIF brands (ISO/IEC 23008-12). filetype's own Heic matcher knows only the major brand
# "heic" (and "mif1" listing it), missing e.g. "heix" (10-bit iPhone photos) and image sequences.
_HEVC_HEIF_BRANDS = frozenset({"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"})
_GENERIC_HEIF_BRANDS = frozenset({"mif1", "msf1"})


class _HevcHeif(IsoBmff):
    """HEIF files whose images are HEVC-coded, reported as image/heic (AVIF stays out)."""

    def __init__(self) -> None:
        super().__init__(mime=HEIC, extension="heic")

    def match(self, buf: bytes) -> bool:
        if not self._is_isobmff(buf):
            return False
        major_brand, _minor_version, compatible_brands = self._get_ftyp(buf)
        if major_brand in _HEVC_HEIF_BRANDS:
            return True
        return major_brand in _GENERIC_HEIF_BRANDS and bool(
            _HEVC_HEIF_BRANDS & set(compatible_brands)
        )


# Only the types we may accept are tried, so an exotic format can never shadow one of them.
_MATCHERS = (image.Jpeg(), image.Png(), archive.Pdf(), image.Heic(), _HevcHeif())
_SNIFF_BYTES = 8192


def detect_type(data: bytes) -> str | None:
    """The MIME type of the content (JPEG, PNG, PDF or HEIC), or None for anything else."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        # filetype would treat a str as a path to open: never let a caller's value reach the disk.
        raise TypeError(f"detect_type expects bytes, got {type(data).__name__}")
    head = bytes(data[:_SNIFF_BYTES])
    if not head:
        return None
    matched = filetype.match(head, matchers=_MATCHERS)
    return matched.mime if matched is not None else None
