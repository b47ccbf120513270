"""What a parent typed, reduced to what it says: the one normaliser for chat text that is matched
against words (commands, front-desk words, service keywords).

- ``compact``: no spaces or invisible characters, Thai digits as 0-9, Latin in lower case, Thai
  marks in their standard order, punctuation and emoji at either end dropped. Free text is
  searched in this form (flows/intents.py).
- ``bare_forms``: the compact text, then the same without its last polite particle, again and
  again ("ยกเลิกนะคะ", "ยกเลิกนะ", "ยกเลิก"). Every form is kept, not only the last: some words
  end in a particle's syllable themselves ("สถานะค่ะ" → "สถานะค่ะ", "สถานะ", "สถา"), and the
  caller looks each form up in its word list.
- ``fold``: a key that forgives the commonest slips when a form is compared with a short word
  list: a letter or mark typed twice ("ยกเลิกก"), ใ for ไ ("เริ่มไหม่"), ณ for น ("สถาณะ").
  Both sides are folded, so a word that rightly doubles a letter still matches itself.
"""

from __future__ import annotations

import re
import unicodedata

from backend.thai.digits import to_arabic_digits

# Whitespace and characters that show nothing: zero-width space/joiners, direction marks, word
# joiner, byte order mark, soft hyphen. Phones and copy-paste put them between Thai words.
_INVISIBLE = re.compile(r"[\s\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+")
# NFKC (wanted for full-width Latin and digits) splits SARA AM into NIKHAHIT + SARA AA, and some
# keyboards type it that way: put it back together.
_SPLIT_SARA_AM = "\u0e4d\u0e32"
_SARA_AM = "\u0e33"
# A tone mark typed before the upper or lower vowel of its syllable looks the same on screen.
_TONE_BEFORE_VOWEL = re.compile("([\u0e48-\u0e4b])([\u0e31\u0e34-\u0e37\u0e38\u0e39])")
# A vowel or tone mark typed twice also looks the same ("ค่่ะ").
_REPEATED_MARK = re.compile("([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\\1+")
_MAI_YAMOK = "ๆ"  # "say it again": "ค่ะๆ", "เมนูๆ"
# Digits NFKC leaves alone (Thai ๐-๙ among them); most messages have none, so the slower
# conversion runs only when one is there.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")

# One polite particle (or request softener) at the end of the text. Tone marks vary (ค่ะ คะ ค้ะ
# ค๊ะ ค่า), and the last letter may be stretched (ค่าาา, ครับบบ, จ้าาา).
_PARTICLES = (
    "ค(?:[่้๊๋]?ะ+|[่้๊๋]า+)",  # คะ ค่ะ ค้ะ ค๊ะ ค่า ค้า
    "คร?(?:ั|[่้๊]า+)[บฟช]+(?:ผม)?",  # ครับ คับ ครัฟ ครัช คร้าบ ค้าบ ครับผม
    "(?<!ห)น(?:[่้๊]?ะ+|[้๊]า+)",  # นะ น่ะ น้ะ น๊ะ น้า (not หน้า, "next": "ศุกร์หน้า")
    "จ[่้๊](?:ะ+|า+)",  # จ้ะ จ๊ะ จ่ะ จ้า จ๊า
    "ฮ(?:[่้]?ะ+|[่้]า+|ั?บ+|้าบ+)",  # ฮะ ฮ่ะ ฮ้า ฮับ ฮ้าบ
    "งับ+",
    "เ[ดน]้อ+",  # เด้อ เน้อ
    "หน่อย",  # "please" softeners: "ติดต่อหน่อยค่ะ", "ยกเลิกด้วยค่ะ"
    "ด้วย",
)
_PARTICLE_AT_END = re.compile("(?:" + "|".join(_PARTICLES) + ")$")
# Where to start looking for a particle: the longest one, stretched, fits in the last letters
# (the search need not try every position of a long message).
_PARTICLE_REACH = 24

_RUN = re.compile(r"(.)\1+")
_SLIPS = str.maketrans({"ใ": "ไ", "ณ": "น"})


def _is_edge_junk(ch: str) -> bool:
    """Punctuation, symbols (emoji among them), separators and controls, emoji variation
    selectors and keycaps: nothing a word is made of."""
    category = unicodedata.category(ch)
    return category[0] in "PSZC" or category == "Me" or "\ufe00" <= ch <= "\ufe0f"


def _strip_edges(text: str, *, also: str = "") -> str:
    start, end = 0, len(text)
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while end > start and (_is_edge_junk(text[end - 1]) or text[end - 1] in also):
        end -= 1
    return text[start:end]


def compact(text: str) -> str:
    """The text without spaces or invisible characters, digits as 0-9, Latin in lower case, Thai
    marks in order, and no punctuation or emoji at either end."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    if _SPLIT_SARA_AM in text:
        text = text.replace(_SPLIT_SARA_AM, _SARA_AM)
    text = _REPEATED_MARK.sub(r"\1", _TONE_BEFORE_VOWEL.sub(r"\2\1", text))
    if _OTHER_DIGIT.search(text):
        text = to_arabic_digits(text)
    return _strip_edges(text.lower())


def bare_forms(text: str) -> tuple[str, ...]:
    """The compact text, then the same without its trailing polite particles one at a time
    (and without a trailing ๆ or emoji between them), longest first. A message that is only
    a particle ("ค่ะ") stays itself."""
    form = compact(text)
    forms = [form]
    while True:
        shorter = _strip_edges(form, also=_MAI_YAMOK)
        if shorter == form:
            found = _PARTICLE_AT_END.search(form, max(0, len(form) - _PARTICLE_REACH))
            if found is None or found.start() == 0:
                break
            shorter = _strip_edges(form[: found.start()], also=_MAI_YAMOK)
        if not shorter:
            break
        forms.append(shorter)
        form = shorter
    return tuple(forms)


def strip_endings(text: str, *, keep_lone: bool = True) -> str:
    """The text as typed (spaces kept) without polite particles, ๆ or emoji at its end:
    "19 ธ.ค. ค่ะ" → "19 ธ.ค.", "15 มีนาคม 2563ค่ะ" → "15 มีนาคม 2563". A text that is only a
    particle stays itself, or is emptied when not ``keep_lone``."""
    text = _strip_edges(text.strip(), also=_MAI_YAMOK)
    while True:
        found = _PARTICLE_AT_END.search(text, max(0, len(text) - _PARTICLE_REACH))
        if found is not None and found.start() == 0 and not keep_lone:
            return ""
        if found is None or found.start() == 0:
            return text
        shorter = _strip_edges(text[: found.start()].rstrip(), also=_MAI_YAMOK)
        if not shorter:
            return text
        text = shorter


def fold(text: str) -> str:
    """A key for comparing with a word list that forgives doubled letters, ใ/ไ and ณ/น."""
    return _RUN.sub(r"\1", text.translate(_SLIPS))
