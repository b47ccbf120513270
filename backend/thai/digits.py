"""Conversion between Thai digits (๐–๙) and Arabic digits (0–9)."""

from __future__ import annotations

import re
import unicodedata

# PyThaiNLP offers the same two conversions, but a translate table does not justify a 22 MB
# dependency.
_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans("0123456789", _THAI_DIGITS)


def to_arabic_digits(text: str) -> str:
    """Replace every decimal digit (Thai ๐–๙, full-width ０–９, …) with its ASCII 0–9.

    Parents type on Thai keyboards, phones with other layouts, or paste from official letters;
    other scripts' digits are folded too so that later ``[0-9]`` checks see what int() sees.
    """
    if text.isascii():
        return text
    return "".join(_ascii_digit(ch) for ch in text)


def _ascii_digit(ch: str) -> str:
    value = None if ch.isascii() else unicodedata.decimal(ch, None)
    return ch if value is None else str(value)


def to_thai_digits(text: str) -> str:
    """Replace ASCII digits 0–9 with Thai digits ๐–๙, as official letters print them."""
    return text.translate(_TO_THAI)


# Numbers written as words, as people type small counts, days and grades ("สองวัน", "ป.หนึ่ง",
# "สิบห้า มีนาคม"): runs of these words up to 99. The ten commonest are read here; longer runs
# ("สิบห้า", "ยี่สิบเอ็ด") by PyThaiNLP, imported only when a message holds one.
_NUMBER_WORDS = {
    "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9, "สิบ": 10,
}  # fmt: skip
_NUMBER_RUN = re.compile("(?:" + "|".join(sorted([*_NUMBER_WORDS, "ยี่", "เอ็ด"], key=len, reverse=True)) + ")+")


def _as_digits(found: re.Match[str]) -> str:
    words = found.group(0)
    if words in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[words])
    if "สิบ" not in words:  # "ยี่ห้อ", "สองสาม": no number of tens and units
        return words
    from pythainlp.util import thaiword_to_num  # lazily: ~0.6 s and ~10 MB, for a rare message

    try:
        return str(thaiword_to_num(words))
    except ValueError:
        return words


def number_words_as_digits(text: str) -> str:
    """Thai number words up to 99 written as digits: "สองวัน" → "2วัน", "สิบห้า" → "15"."""
    return _NUMBER_RUN.sub(_as_digits, text)
