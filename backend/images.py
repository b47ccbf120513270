"""Images from parents, opened carefully: the size is read from the header and checked against a
pixel budget before a single pixel is decoded.

A PNG or JPEG says its width and height in its first bytes; what decoding it costs follows from
them, not from the file's size (a 657 KB one-colour PNG of 13000x13000 pixels needs 507 MB as
RGB). Pillow opens lazily, so reading the header decodes nothing. These functions run in the
sandbox process (backend/sandbox.py), which bounds whatever the header does not foretell.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

# Fit for a phone photo: a phone saves 12 MP by default (4032x3024), and 48–50 MP sensors in their
# full-resolution mode 50 MP (8160x6120 ≈ 49.9 MP). Anything larger is not a photo of a document.
MAX_PIXELS = 50_000_000
# Pillow's own guard, set to agree with ours (its default, 89 MP, warns first and refuses only at
# twice that).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRefused(ValueError):
    """The image is larger than the pixel budget (message for logs: dimensions only)."""


@dataclass(frozen=True)
class ImageHeader:
    format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def _open(data: bytes) -> Image.Image:
    """The image, opened lazily (header only); raises ImageRefused past the budget."""
    try:
        with warnings.catch_warnings():
            # Pillow warns between one and two budgets; the check below refuses those itself.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise ImageRefused("more than twice the pixel budget") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise ImageRefused(f"{width}x{height} pixels is over the budget of {MAX_PIXELS}")
    return image


def read_header(data: bytes) -> ImageHeader | None:
    """Format and size from the header, checked against the budget; None when the bytes are no
    image Pillow can read (nothing can decode them then, so they cost nothing to keep)."""
    try:
        with _open(data) as image:
            return ImageHeader(str(image.format), *image.size)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        if isinstance(error, ImageRefused):
            raise
        return None


def decode(data: bytes, *, longest_side: int | None = None) -> Image.Image | None:
    """The decoded image, after the budget check; None when the bytes are not a readable image.

    longest_side lets a JPEG be decoded at a reduced scale directly, in grey (its DCT allows 1/2,
    1/4 and 1/8), to between half and all of longest_side: reading a QR code does not need the
    12 MP a phone gives.
    """
    try:
        image = _open(data)
        if longest_side and image.format == "JPEG":
            # draft keeps the result at least as large as asked in both directions.
            image.draft("L", (longest_side // 2, longest_side // 2))
        image.load()
    except ImageRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    return image
