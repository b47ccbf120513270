"""The Sarabun font, loaded with complex-text shaping so Thai vowels and tone marks sit where they belong."""

from __future__ import annotations

import functools

import fontpkg.pil
from PIL import ImageFont, features

FAMILY = "Sarabun"
BOLD = 700
REGULAR = 400


class ShapingUnavailable(RuntimeError):
    pass


def require_shaping() -> None:
    # Without libraqm Pillow lays glyphs out one by one: Thai tone marks land inside the upper
    # vowels (ที่ reads as ที). Refuse rather than ship a menu parents would find misspelt.
    if not features.check("raqm"):
        raise ShapingUnavailable(
            "Pillow has no libraqm: Thai would be drawn with misplaced tone marks. "
            "Install Pillow's wheel from PyPI (it bundles libraqm) or the system libraqm0.")


@functools.lru_cache(maxsize=32)
def font(size: int, weight: int = REGULAR) -> ImageFont.FreeTypeFont:
    require_shaping()
    return fontpkg.pil.truetype(FAMILY, size, weight=weight, layout_engine=ImageFont.Layout.RAQM)


def text_width(text: str, size: int, weight: int = REGULAR) -> float:
    return font(size, weight).getlength(text)
