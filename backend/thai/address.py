"""Thai addresses checked against the official province/district/subdistrict/postal-code list."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from backend.lazy import LazyModule
from backend.thai.digits import to_arabic_digits
from backend.thai.errors import ThaiInputError

if TYPE_CHECKING:
    import geothai
    from geothai.types import District, Province, Subdistrict
else:
    geothai = LazyModule("geothai")  # imported on first use, not when the conversation's modules load

# Data: PyPI `geothai` (DOPA codes, Thailand Post codes, MIT / CC-BY-4.0). It loads its JSON on
# first use and caches it; the indexes below are built lazily on top of it, also once.

BANGKOK_CODE = "10"
_SUGGESTIONS = 3
_SEARCH_ALL = 100_000

# Words written before a name, with or without the dot of the short forms. Short forms need
# their dot: without it "อ" is the first letter of names such as อ่างทอง.
_LEVEL_WORD = re.compile(r"^(?:จังหวัด|กิ่งอำเภอ|อำเภอ|เขต|ตำบล|แขวง|(?:จ|อ|ต)\s*\.)\s*")
_MARKS = re.compile(r"[\s.'\-ฯ]")
_PROVINCE_ALIASES = {
    "กทม": BANGKOK_CODE, "กรุงเทพ": BANGKOK_CODE, "bkk": BANGKOK_CODE,
    "กรุงเทพมหานคร": BANGKOK_CODE, "อยุธยา": "14", "ayutthaya": "14", "โคราช": "30",
}  # fmt: skip


def _key(text: str) -> str:
    """One comparable form for a typed or official name."""
    text = unicodedata.normalize("NFC", to_arabic_digits(text)).strip().lower()
    text = text.replace("\u0e4d\u0e32", "\u0e33")  # nikhahit + sara aa typed for sara am
    # ฎ and ฏ differ by one stroke and are swapped all the time (สุราษฏร์ธานี); no two names
    # in the list differ only by them.
    text = text.replace("ฏ", "ฎ")
    return _MARKS.sub("", _LEVEL_WORD.sub("", text))


def _strip_level_word(name_th: str) -> str:
    # geothai writes Bangkok's districts with their level word ("เขตพระนคร").
    return name_th.removeprefix("เขต")


@dataclass(frozen=True, slots=True)
class Address:
    """A checked administrative address; names are official Thai names without level words."""

    province: str
    district: str
    subdistrict: str
    postal_code: str
    subdistrict_code: str

    @property
    def is_bangkok(self) -> bool:
        return self.subdistrict_code.startswith(BANGKOK_CODE)

    @property
    def subdistrict_label_th(self) -> str:
        """Level word and name: แขวงพระบรมมหาราชวัง in Bangkok, ตำบลตลาด elsewhere."""
        return ("แขวง" if self.is_bangkok else "ตำบล") + self.subdistrict

    @property
    def district_label_th(self) -> str:
        return ("เขต" if self.is_bangkok else "อำเภอ") + self.district

    @property
    def province_label_th(self) -> str:
        return self.province if self.is_bangkok else "จังหวัด" + self.province

    def format_th(self) -> str:
        """The administrative part of an address line, as Thai forms write it."""
        return " ".join(
            (self.subdistrict_label_th, self.district_label_th, self.province_label_th,
             self.postal_code)
        )  # fmt: skip


def _address(
    province: Province, district: District, subdistrict: Subdistrict, postal_code: str
) -> Address:
    return Address(
        province=province.name_th,
        district=_strip_level_word(district.name_th),
        subdistrict=subdistrict.name_th,
        postal_code=postal_code,
        subdistrict_code=subdistrict.code,
    )


def _labels(province_code: str) -> tuple[str, str]:
    """The words for district and subdistrict in a province."""
    return ("เขต", "แขวง") if province_code == BANGKOK_CODE else ("อำเภอ", "ตำบล")


def _province_label(province: Province) -> str:
    return province.name_th if province.code == BANGKOK_CODE else "จังหวัด" + province.name_th


@cache
def _provinces_by_key() -> dict[str, Province]:
    index = {}
    for p in geothai.provinces():
        index[_key(p.name_th)] = p
        index[_key(p.name_en)] = p
    for alias, code in _PROVINCE_ALIASES.items():
        found = geothai.province(code)
        if found is not None:
            index[_key(alias)] = found
    return index


@cache
def _districts_by_key(province_code: str) -> dict[str, District]:
    index = {}
    for d in geothai.districts(province_code):
        index[_key(d.name_th)] = d
        index[_key(d.name_en)] = d
        # People write the capital district "อ.เมือง" without the province name; its code
        # always ends in 01. Bangkok has no such district.
        if d.code.endswith("01") and province_code != BANGKOK_CODE:
            index["เมือง"] = d
            index["mueang"] = d
    return index


@cache
def _subdistricts_by_key(district_code: str) -> dict[str, tuple[Subdistrict, ...]]:
    index: dict[str, list[Subdistrict]] = {}
    for s in geothai.subdistricts(district_code):
        for key in {_key(s.name_th), _key(s.name_en)}:
            index.setdefault(key, []).append(s)
    return {k: tuple(v) for k, v in index.items()}


@cache
def _districts_everywhere() -> dict[str, tuple[District, ...]]:
    index: dict[str, list[District]] = {}
    for p in geothai.provinces():
        for d in geothai.districts(p.code):
            index.setdefault(_key(d.name_th), []).append(d)
    return {k: tuple(v) for k, v in index.items()}


def _close_names(key: str, candidates: dict[str, str]) -> list[str]:
    """Display names whose keys are close to ``key``; ``candidates`` maps key → display name."""
    matches = difflib.get_close_matches(key, list(candidates), n=_SUGGESTIONS, cutoff=0.6)
    return list(dict.fromkeys(candidates[m] for m in matches))


def _hint(names: list[str]) -> str:
    return f" ชื่อที่ใกล้เคียง: {', '.join(names)}" if names else ""


def _find_province(text: str) -> Province:
    key = _key(text)
    found = _provinces_by_key().get(key) if key else None
    if found is not None:
        return found
    names = _close_names(key, {_key(p.name_th): p.name_th for p in geothai.provinces()})
    raise ThaiInputError(
        "ไม่พบชื่อจังหวัดนี้ค่ะ" + (_hint(names) or " กรุณาตรวจสอบการสะกด เช่น สุราษฎร์ธานี"),
        code="address.province",
    )


def _find_district(text: str, province: Province) -> District:
    key = _key(text)
    index = _districts_by_key(province.code)
    found = index.get(key) if key else None
    if found is not None:
        return found
    word, _ = _labels(province.code)
    message = f"ไม่พบ{word}นี้ใน{_province_label(province)} ค่ะ"
    elsewhere = [geothai.province(d.province_code) for d in _districts_everywhere().get(key, ())]
    if elsewhere:
        places = ", ".join(_province_label(p) for p in elsewhere if p is not None)
        message += f" ชื่อนี้เป็น{word}ใน{places} กรุณาตรวจสอบจังหวัดอีกครั้งค่ะ"
    else:
        candidates = {
            _key(d.name_th): _strip_level_word(d.name_th) for d in geothai.districts(province.code)
        }
        message += _hint(_close_names(key, candidates))
    raise ThaiInputError(message, code="address.district")


def _find_subdistricts(text: str, district: District) -> tuple[Subdistrict, ...]:
    key = _key(text)
    found = _subdistricts_by_key(district.code).get(key, ()) if key else ()
    if found:
        return found
    district_word, word = _labels(district.province_code)
    district_name = _strip_level_word(district.name_th)
    message = f"ไม่พบ{word}นี้ใน{district_word}{district_name} ค่ะ"
    elsewhere = [
        d
        for d in geothai.districts(district.province_code)
        if key and key in _subdistricts_by_key(d.code)
    ]
    if elsewhere:
        places = ", ".join(district_word + _strip_level_word(d.name_th) for d in elsewhere)
        message += f" ชื่อนี้เป็น{word}ใน{places} กรุณาตรวจสอบ{district_word}อีกครั้งค่ะ"
    else:
        candidates = {_key(s.name_th): s.name_th for s in geothai.subdistricts(district.code)}
        message += _hint(_close_names(key, candidates))
    raise ThaiInputError(message, code="address.subdistrict")


def validate_address(
    province: str, district: str, subdistrict: str, postal_code: str | None = None
) -> Address:
    """Check that the four parts name one real place; return it with official names.

    Prefixes (จ., จังหวัด, อ., อำเภอ, เขต, ต., ตำบล, แขวง) and "อ.เมือง" are understood.
    Without a postal code, the subdistrict's own code is filled in when it has only one.
    Raises ThaiInputError naming the first part that does not match, with close names.
    """
    found_province = _find_province(province)
    found_district = _find_district(district, found_province)
    candidates = _find_subdistricts(subdistrict, found_district)
    _, word = _labels(found_province.code)
    postal = re.sub(r"\s", "", to_arabic_digits(postal_code or ""))
    if not postal:
        codes = sorted({c for s in candidates for c in s.postal_codes})
        if len(codes) == 1:
            return _address(found_province, found_district, candidates[0], codes[0])
        raise ThaiInputError(
            f"กรุณาระบุรหัสไปรษณีย์ด้วยค่ะ {word}นี้ใช้รหัส {' หรือ '.join(codes)}",
            code="address.postal_code_missing",
        )
    if not re.fullmatch(r"[0-9]{5}", postal):
        raise ThaiInputError(
            "รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลักค่ะ เช่น 10200", code="address.postal_code_format"
        )
    for s in candidates:
        if postal in s.postal_codes:
            return _address(found_province, found_district, s, postal)
    codes = sorted({c for s in candidates for c in s.postal_codes})
    raise ThaiInputError(
        f"รหัสไปรษณีย์ไม่ตรงกับ{word}{candidates[0].name_th} ค่ะ "
        f"{word}นี้ใช้รหัสไปรษณีย์ {' หรือ '.join(codes)}",
        code="address.postal_code",
    )


def address_by_code(subdistrict_code: str, postal_code: str | None = None) -> Address | None:
    """The address of a DOPA subdistrict code (e.g. stored with a record), or None."""
    found = geothai.address(subdistrict_code)
    if found is None:
        return None
    s = found.subdistrict
    postal = postal_code if postal_code in s.postal_codes else s.postal_codes[0]
    return _address(found.province, found.district, s, postal)


def find_subdistricts(query: str, *, limit: int = 10) -> list[Address]:
    """Subdistricts whose name starts with or contains ``query``, or that use a postal code.

    For pick-lists: names starting with the query come first. One entry per subdistrict and
    postal code, so a subdistrict served by two post offices appears twice.
    """
    text = to_arabic_digits(query).strip()
    if re.fullmatch(r"[0-9]{5}", text):
        matches = geothai.by_postal_code(text)
        postal_for = {s.code: text for s in matches}
    else:
        cleaned = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")
        matches = [
            r.area
            for r in geothai.search(cleaned, limit=_SEARCH_ALL)
            if r.level == "subdistrict" and isinstance(r.area, geothai.Subdistrict)
        ]
        # An exact name first: "ตลาด" before ตลาดยอด, ตลาดน้อย…
        query_key = _key(cleaned)
        matches.sort(key=lambda s: _key(s.name_th) != query_key)
        postal_for = {}
    results: list[Address] = []
    for s in matches:
        codes = [postal_for[s.code]] if s.code in postal_for else list(s.postal_codes)
        for code in codes:
            address = address_by_code(s.code, code)
            if address is not None:
                results.append(address)
        if len(results) >= limit:
            break
    return results[:limit]
