"""Thai dates: reading what parents type, Buddhist Era display, academic and fiscal years."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from backend.thai.digits import number_words_as_digits, to_arabic_digits, to_thai_digits
from backend.thai.errors import ThaiInputError
from backend.thai.normalise import strip_endings

# Written by hand: PyThaiNLP's thai_strptime needs one fixed format and one era per call and
# fails with a bare IndexError, while parents type any of a dozen forms in either era.

BE_OFFSET = 543

MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
# Spoken short forms people also type ("15 มีนา 62").
_MONTHS_SPOKEN = (
    "มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา",
    "กรกฎา", "สิงหา", "กันยา", "ตุลา", "พฤศจิกา", "ธันวา",
)  # fmt: skip
_MONTHS_EN = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def _month_key(word: str) -> str:
    return re.sub(r"[\s.]", "", word).lower()


def _month_index() -> dict[str, int]:
    # Keys without dots or spaces, so "มี.ค.", "มี.ค", "มีค" and "มี ค." all match.
    index: dict[str, int] = {}
    names = zip(MONTHS_FULL, MONTHS_SHORT, _MONTHS_SPOKEN, _MONTHS_EN, strict=True)
    for number, forms in enumerate(names, 1):
        for form in forms:
            index[_month_key(form)] = number
        index[forms[3][:3]] = number  # "mar"
    return index


_MONTH_BY_WORD = _month_index()

EXAMPLE_DATES = "15 มีนาคม 2562 หรือ 15/3/2562"

# Official letters write the era in full ("พุทธศักราช ๒๕๖๒") or short ("พ.ศ. ๒๕๖๒").
_ERA_MARK = re.compile(
    r"(พุทธศักราช|คริสต์?ศักราช|พ\s*\.?\s*ศ\s*\.?|ค\s*\.?\s*ศ\s*\.?)"
)
_LEADING_WORDS = re.compile(r"^(?:ณ\s*)?(?:ถึง\s*)?(?:วันที่|วัน\s*ที่|ว/ด/ป|เกิด(?:วันที่)?)?\s*")
# "วันพุธที่ 15 มีนาคม 2566": official dates may name the weekday first; it must match the date.
WEEKDAYS_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")  # Monday first
_WEEKDAY_WORDS = r"(จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)"
_WEEKDAY = re.compile(
    r"^(?:ณ\s*)?(?:เกิด\s*)?(?:วัน\s*" + _WEEKDAY_WORDS + r"\s*(?:ที่)?|" + _WEEKDAY_WORDS + r"\s*ที่)\s*"
)
# "๕ เดือนมีนาคม พ.ศ. ๒๕๖๒", "15 มีนาคม ปี 2562": words around the month and the year.
_FILLER_WORDS = re.compile(r"(?<![^\s\d])(?:เดือน|ปี)(?=\s*[^\W\d_]|\s*\d)")
_NUMERIC = re.compile(r"^(\d{1,4})\s*[/\-.\s]\s*(\d{1,2})\s*[/\-.\s]\s*(\d{1,4})$")
# The month word must hold a letter, so "15/3" is not read as day 15 of a month called "/".
_MONTH_WORD = r"([^\d]*?[^\W\d_][^\d]*?)"
_WORDED = re.compile(r"^(\d{1,2})\s*" + _MONTH_WORD + r"\s*(\d{1,4})$")
_NO_YEAR = re.compile(r"^\d{1,2}\s*(?:" + _MONTH_WORD + r"|[/\-.]\s*\d{1,2})$")

# Days named from today, for a date to come (spaces removed, number words as digits).
_HAS_NUMBER_WORD = re.compile("หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ")
_DAYS_FROM_TODAY = {"วันนี้": 0, "พรุ่งนี้": 1, "พรุ่งนี้เช้า": 1, "มะรืน": 2, "มะรืนนี้": 2}
_DAYS_LATER = re.compile(r"^(?:อีก)(\d{1,3})วัน(?:ข้างหน้า)?$")
_WEEK_ONLY = re.compile(r"^(?:สัปดาห์|อาทิตย์)(?:หน้า|นี้)$")
_RELATIVE_WEEKDAY = re.compile(r"^(?:วัน)?" + _WEEKDAY_WORDS + r"(นี้|หน้า)?$")
# "วันที่ 19 ธ.ค. นี้": "this coming" after a date says nothing more.
_THIS_ONE = re.compile(r"\s*นี้$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})$")
_WORDED_NO_YEAR = re.compile(r"^(\d{1,2})\s*" + _MONTH_WORD + r"$")

# How far from today a date may be before it is taken for a typo (e.g. 2652 for 2562).
_MAX_YEARS_BACK = 120
_MAX_YEARS_AHEAD = 20
# A two-digit year is read in the century that puts it at most this far after today.
_TWO_DIGIT_YEARS_AHEAD = 10

Era = Literal["BE", "CE"]


def be_year(d: dt.date) -> int:
    """The Buddhist Era year of a date (CE + 543)."""
    return d.year + BE_OFFSET


def academic_year_for(d: dt.date) -> int:
    """The Thai academic year (BE) a date belongs to; a new year starts on 16 May."""
    return be_year(d) if (d.month, d.day) >= (5, 16) else be_year(d) - 1


def fiscal_year_for(d: dt.date) -> int:
    """The government fiscal year (BE), 1 Oct – 30 Sep: 1 Oct 2568 BE is fiscal 2569."""
    return be_year(d) + 1 if d.month >= 10 else be_year(d)


def _unreadable() -> ThaiInputError:
    return ThaiInputError(
        f"อ่านวันที่ไม่ออกค่ะ กรุณาพิมพ์วัน เดือน ปี เช่น {EXAMPLE_DATES}",
        code="date.unreadable",
    )


def _two_digit_year(yy: int, era: Era, today: dt.date) -> int:
    """A CE year for a two-digit year in ``era``, in the century closest below today + 10."""
    today_in_era = today.year + (BE_OFFSET if era == "BE" else 0)
    limit = today_in_era + _TWO_DIGIT_YEARS_AHEAD
    year = limit - (limit - yy) % 100
    return year - BE_OFFSET if era == "BE" else year


def _resolve_year(raw: str, era: Era | None, today: dt.date) -> int:
    """The CE year for a typed year: 2 digits are BE unless marked ค.ศ.; ≥ 2400 is BE."""
    value = int(raw)
    if len(raw) == 2:
        return _two_digit_year(value, era or "BE", today)
    if len(raw) != 4:
        raise ThaiInputError(
            f"กรุณาพิมพ์ปีเป็นตัวเลข 4 หลัก (พ.ศ.) หรือ 2 หลักค่ะ เช่น {EXAMPLE_DATES}",
            code="date.year",
        )
    if era == "BE" or (era is None and value >= 2400):
        if value < 2400:
            raise ThaiInputError("ปี พ.ศ. ต้องเป็นเลขประมาณ 25xx ค่ะ เช่น 2562", code="date.year")
        return value - BE_OFFSET
    if value <= 1900 or value >= 2400:
        raise ThaiInputError(
            f"ปีที่พิมพ์มาดูไม่ถูกต้องค่ะ กรุณาพิมพ์ปี พ.ศ. เช่น {EXAMPLE_DATES}",
            code="date.year",
        )
    return value


def _month_from_word(word: str) -> int:
    month = _MONTH_BY_WORD.get(_month_key(word))
    if month is None:
        raise ThaiInputError(
            f"อ่านชื่อเดือนไม่ออกค่ะ กรุณาพิมพ์ชื่อเดือน เช่น มีนาคม หรือ มี.ค. หรือพิมพ์เป็นตัวเลข เช่น {EXAMPLE_DATES}",
            code="date.month",
        )
    return month


def _build(year: int, month: int, day: int, today: dt.date) -> dt.date:
    if not 1 <= month <= 12:
        raise ThaiInputError(f"เดือนต้องเป็นเลข 1 ถึง 12 ค่ะ เช่น {EXAMPLE_DATES}", code="date.month")
    if not today.year - _MAX_YEARS_BACK <= year <= today.year + _MAX_YEARS_AHEAD:
        raise ThaiInputError(
            f"ปีที่พิมพ์มาดูไม่ถูกต้องค่ะ กรุณาตรวจสอบปี พ.ศ. อีกครั้ง เช่น {EXAMPLE_DATES}",
            code="date.year_range",
        )
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise ThaiInputError(
            f"ไม่มีวันที่นี้ในปฏิทินค่ะ เดือน{MONTHS_FULL[month - 1]}ของปีนั้นมี "
            f"{days_in_month} วัน กรุณาตรวจสอบวันที่อีกครั้งค่ะ",
            code="date.impossible",
        )
    return dt.date(year, month, day)


def parse_thai_date(text: str, *, today: dt.date, upcoming: bool = False) -> dt.date:
    """Read a date the way Thai people write it; ``today`` anchors two-digit years.

    Accepts "๑๕ มี.ค. ๒๕๖๒", "15 มีนาคม 2562", "15 มี.ค. 62", "15/3/2562", "15-03-2562",
    "15/3/62", "2019-03-15" (ISO, CE), "15/3/2019" (CE: 1900 < year < 2400), with or without
    "วันที่" and "พ.ศ."/"ค.ศ.", and official long dates: "๕ เดือนมีนาคม พ.ศ. ๒๕๖๒",
    "15 มีนาคม พุทธศักราช 2562", "วันพุธที่ 15 มีนาคม 2566" (the weekday must match the date).
    Two-digit years are BE (62 → 2562). Polite endings are ignored ("19 ธ.ค. 2569 ค่ะ").

    ``upcoming``: the date of something to come (a booking). A date without a year is then the
    next one to come ("19 ธ.ค.", "19/12"), and days are also named from today: "วันนี้",
    "พรุ่งนี้", "มะรืนนี้", "อีก 7 วัน", "เสาร์นี้", "วันศุกร์หน้า" (Friday of next week). Without it
    (a birth date) a date without a year is asked back: it cannot be guessed.
    """
    parsed = _parse_date(text, today, upcoming=upcoming)
    if parsed.weekday is not None and parsed.weekday != parsed.date.weekday():
        actual = WEEKDAYS_TH[parsed.date.weekday()]
        raise ThaiInputError(
            f"วันที่ {format_thai_date(parsed.date)} ตรงกับวัน{actual} ไม่ใช่วัน{WEEKDAYS_TH[parsed.weekday]}ค่ะ "
            "กรุณาตรวจสอบวันที่อีกครั้ง",
            code="date.weekday",
        )
    return parsed.date


@dataclass(frozen=True, slots=True)
class _Parsed:
    date: dt.date
    weekday: int | None  # Monday 0, as named in the text; None when no weekday was written


def _relative_day(cleaned: str, today: dt.date) -> dt.date | None:
    """A day named from today ("พรุ่งนี้", "อีก 3 วัน", "เสาร์นี้", "วันศุกร์หน้า"), or None."""
    said = number_words_as_digits(cleaned.replace(" ", ""))
    if said in _DAYS_FROM_TODAY:
        return today + dt.timedelta(days=_DAYS_FROM_TODAY[said])
    if _WEEK_ONLY.match(said):
        raise ThaiInputError(
            "ต้องการวันไหนของสัปดาห์คะ กรุณาพิมพ์วันที่ เช่น " + format_thai_date(today + dt.timedelta(days=14)),
            code="date.which_day",
        )
    counted = _DAYS_LATER.match(said)
    if counted:
        return today + dt.timedelta(days=int(counted.group(1)))
    weekday = _RELATIVE_WEEKDAY.match(said)
    if weekday is None:
        return None
    word = weekday.group(1)
    number = WEEKDAYS_TH.index("พฤหัสบดี" if word == "พฤหัส" else word)
    if weekday.group(2) == "หน้า":  # in next week (weeks start on Monday)
        return today + dt.timedelta(days=7 - today.weekday() + number)
    return today + dt.timedelta(days=(number - today.weekday()) % 7)


def _next_to_come(cleaned: str, today: dt.date) -> dt.date | None:
    """A day and month without a year, read as the next such day from today."""
    numeric = _DAY_MONTH.match(cleaned)
    worded = _WORDED_NO_YEAR.match(cleaned)
    if numeric:
        day, month = int(numeric.group(1)), int(numeric.group(2))
    elif worded and _month_key(worded.group(2)) in _MONTH_BY_WORD:
        day, month = int(worded.group(1)), _MONTH_BY_WORD[_month_key(worded.group(2))]
    else:
        return None
    candidate = _build(today.year, month, day, today) if (month, day) != (2, 29) else None
    if candidate is None or candidate < today:
        year = today.year + 1
        while month == 2 and day == 29 and not calendar.isleap(year):
            year += 1
        candidate = _build(year, month, day, today)
    return candidate


def _parse_date(text: str, today: dt.date, *, upcoming: bool = False) -> _Parsed:
    """parse_thai_date without the weekday check."""
    cleaned = " ".join(to_arabic_digits(strip_endings(text)).split()).lower()
    if _HAS_NUMBER_WORD.search(cleaned):  # "สิบห้า มีนาคม 2563"
        cleaned = number_words_as_digits(cleaned)
    if upcoming:
        relative = _relative_day(cleaned, today)
        if relative is not None:
            return _Parsed(relative, None)
        cleaned = _THIS_ONE.sub("", cleaned).strip()
    cleaned, weekday, era = _take_apart(cleaned)
    if not cleaned:
        raise ThaiInputError(f"กรุณาพิมพ์วันที่ค่ะ เช่น {EXAMPLE_DATES}", code="date.empty")
    found = _with_year(cleaned, era, today)
    if found is None and upcoming:
        found = _next_to_come(cleaned, today)
    if found is not None:
        return _Parsed(found, weekday)
    no_year = _NO_YEAR.match(cleaned)
    if no_year and (no_year.group(1) is None or _month_key(no_year.group(1)) in _MONTH_BY_WORD):
        raise ThaiInputError(f"กรุณาใส่ปี พ.ศ. ด้วยค่ะ เช่น {EXAMPLE_DATES}", code="date.no_year")
    raise _unreadable()


def _take_apart(cleaned: str) -> tuple[str, int | None, Era | None]:
    """The date's own words, the weekday named before it (Monday 0) and the era marked."""
    weekday: int | None = None
    named_day = _WEEKDAY.match(cleaned)
    if named_day:
        word = named_day.group(1) or named_day.group(2)
        weekday = WEEKDAYS_TH.index("พฤหัสบดี" if word == "พฤหัส" else word)
        cleaned = cleaned[named_day.end():]
    cleaned = _LEADING_WORDS.sub("", cleaned)
    cleaned = " ".join(_FILLER_WORDS.sub(" ", cleaned).split())
    era: Era | None = None
    era_match = _ERA_MARK.search(cleaned)
    if era_match:
        era = "BE" if era_match.group(1).startswith("พ") else "CE"
        cleaned = (cleaned[: era_match.start()] + " " + cleaned[era_match.end() :]).strip()
        cleaned = " ".join(cleaned.split())
    return cleaned, weekday, era


def _with_year(cleaned: str, era: Era | None, today: dt.date) -> dt.date | None:
    """A date written with its year, numeric or with a month word; None for another form."""
    numeric = _NUMERIC.match(cleaned)
    if numeric:
        first, month, last = numeric.groups()
        if len(first) == 4:  # year first: ISO 2019-03-15, or 2562/03/15
            year_raw, day_raw = first, last
            if len(day_raw) > 2:
                raise _unreadable()
        elif len(first) <= 2:
            day_raw, year_raw = first, last
        else:
            raise _unreadable()
        return _build(_resolve_year(year_raw, era, today), int(month), int(day_raw), today)
    worded = _WORDED.match(cleaned)
    if worded:
        day_raw, month_word, year_raw = worded.groups()
        month = _month_from_word(month_word)
        return _build(_resolve_year(year_raw, era, today), month, int(day_raw), today)
    return None


def _month_pattern() -> str:
    forms = [*MONTHS_FULL, *_MONTHS_SPOKEN, *(short.replace(".", "") for short in MONTHS_SHORT)]
    patterns = []
    for form in sorted(set(forms), key=len, reverse=True):
        if form in MONTHS_FULL or form in _MONTHS_SPOKEN:
            patterns.append(re.escape(form))
        else:  # "ธ.ค.", "ธค", "ธ. ค."
            patterns.append(r"\.?\s*".join(map(re.escape, form)) + r"\.?")
    return "(?:" + "|".join(patterns) + ")"


_DATE_PHRASE: re.Pattern[str] | None = None


def date_phrases() -> re.Pattern[str]:
    """Where a date may be written inside a longer message (digits already 0-9): a day and a
    month (word or number) with an optional weekday before and year after, or a day named from
    today. Each match is then read by parse_thai_date."""
    global _DATE_PHRASE
    if _DATE_PHRASE is None:
        weekday = r"(?:วัน\s*)?" + _WEEKDAY_WORDS
        day_month = (
            r"(?:" + weekday + r"\s*(?:ที่)?\s*)?(?:วันที่\s*)?(?<!\d)\d{1,2}\s*(?:"
            + _month_pattern() + r"(?:\s*(?:พ\s*\.?\s*ศ\s*\.?\s*)?\d{2,4}(?!\d))?"
            + r"|[/\-]\s*\d{1,2}(?:\s*[/\-]\s*\d{2,4})?(?!\d))"
        )
        relative = r"วันนี้|พรุ่งนี้|มะรืน(?:นี้)?|อีก\s*\d{1,3}\s*วัน|" + weekday + r"\s*(?:นี้|หน้า)"
        _DATE_PHRASE = re.compile(day_month + "|" + relative)
    return _DATE_PHRASE


DateStyle = Literal["full", "short", "numeric"]


def format_thai_date(d: dt.date, *, style: DateStyle = "full", thai_digits: bool = False) -> str:
    """Show a date in BE: "15 มีนาคม 2562" (full), "15 มี.ค. 62" (short), "15/03/2562" (numeric)."""
    year = be_year(d)
    if style == "full":
        text = f"{d.day} {MONTHS_FULL[d.month - 1]} {year}"
    elif style == "short":
        text = f"{d.day} {MONTHS_SHORT[d.month - 1]} {year % 100:02d}"
    elif style == "numeric":
        text = f"{d.day:02d}/{d.month:02d}/{year}"
    else:
        raise ValueError(f"unknown date style {style!r}")
    return to_thai_digits(text) if thai_digits else text
