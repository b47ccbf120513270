"""Venue booking (ขอใช้อาคารสถานที่): a school's venue for up to 7 days, reserved when the request is filed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend import venues
from backend.applications.models import Application
from backend.applications.service import submit_application
from backend.catalog import Charge, DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import Answers
from backend.organisations import ALL_SCHOOL_TYPES
from backend.payments.money import baht
from backend.school_config import SchoolConfig, SchoolConfigError, Venue
from backend.thai.dates import MONTHS_SHORT, be_year, format_thai_date
from backend.thai.digits import number_words_as_digits
from backend.thai.errors import ThaiInputError
from backend.thai.normalise import bare_forms
from backend.thai.understand import find_choice, find_date
from flows import kinds
from flows.common import payment_timing
from flows.flow import MAX_OPTIONS, Check, Context, Facts, Flow, Reading, RefusedWithOffers, ReturnToStep, Step
from flows.say import MAX_LABEL
from flows.spec import ServiceSpec
from flows.understanding import rest_of

SERVICE_ID = "venue_booking"
TITLE = "ใช้อาคารสถานที่"
# The chosen venue's booked days (ISO dates), read when the venue is chosen (Flow.facts), so a
# taken day is refused at the date question, not after every other answer.
TAKEN = "taken_days"
TAKEN_HORIZON_DAYS = 400
FREE_DAYS_OFFERED = 3


def option_value(venue: Venue) -> str:
    """A venue's button value: venue ids may hold "-" or start with a digit, option values not."""
    return "v_" + venue.id.replace("-", "_")


def booking_fee(venue: Venue, first: dt.date, last: dt.date) -> Decimal:
    """The venue's fee per day times the days booked."""
    return venue.fee_per_day * len(venues.booking_days(first, last))


def booked_venue(answer: Any, config: SchoolConfig) -> Venue | None:
    """The school's venue a request's answer names (its button value, or its id as older answers
    held it); None when the school no longer lists it."""
    return next((venue for venue in config.venues if answer in (venue.id, option_value(venue))), None)


def offered(config: SchoolConfig) -> bool:
    """A school that lists no venues has nothing to book through LINE."""
    return bool(config.venues)


def _button_label(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def _venue_line(venue: Venue) -> str:
    fee = f"วันละ {baht(venue.fee_per_day)} บาท" if venue.fee_per_day else "ไม่มีค่าใช้สถานที่"
    capacity = f" รับได้ไม่เกิน {venue.capacity:,} คน" if venue.capacity else ""
    return f"• {venue.name}: {fee}{capacity}"


def _venues_by_option(config: SchoolConfig) -> dict[str, Venue]:
    if len(config.venues) > MAX_OPTIONS:
        raise SchoolConfigError(
            f"venues: at most {MAX_OPTIONS} venues can be offered in LINE, {len(config.venues)} listed"
        )
    by_option = {option_value(venue): venue for venue in config.venues}
    if len(by_option) != len(config.venues):
        raise SchoolConfigError(
            "venues: ids that differ only by '-' and '_' cannot both be offered"
        )
    return by_option


def _venue_step(by_option: dict[str, Venue]) -> Step:
    if not by_option:
        # Not offered (see ``offered``); kept working so a stray start still files a request
        # the school handles by hand, without reserving anything.
        return Step(
            "venue",
            "ต้องการใช้สถานที่ใดของโรงเรียนคะ เช่น หอประชุม หรือ สนามฟุตบอล",
            kinds.text(max_length=100, example="หอประชุม"),
            label="สถานที่",
        )

    def still_offered(value: str, ctx: Context) -> None:
        if value not in by_option:  # the school removed it while the request was open
            raise ThaiInputError("สถานที่นี้ไม่เปิดให้จองแล้วค่ะ กรุณาเลือกสถานที่ใหม่", code="venue.gone")

    lines = "\n".join(_venue_line(venue) for venue in by_option.values())
    return Step(
        "venue",
        f"ต้องการใช้สถานที่ใดคะ\n{lines}",
        kinds.choice({value: _button_label(venue.name) for value, venue in by_option.items()}),
        label="สถานที่",
        check=Check(still_offered),
    )


def _within_capacity(by_option: dict[str, Venue]) -> Check:
    def test(people: int, ctx: Context) -> None:
        venue = by_option.get(ctx.answers["venue"])
        if venue is not None and venue.capacity and people > venue.capacity:
            raise RefusedWithOffers(
                f"{venue.name}รับได้ไม่เกิน {venue.capacity:,} คนค่ะ "
                "กรุณาพิมพ์จำนวนที่ไม่เกินนี้ หรือกด “เปลี่ยนสถานที่” เพื่อเลือกสถานที่อื่นนะคะ",
                code="venue.capacity",
                change=("venue", "เปลี่ยนสถานที่"),
            )

    return Check(test, uses=("venue",))


def _taken_days(by_option: dict[str, Venue]):
    async def load(session: AsyncSession, application: Application) -> Mapping[str, Any]:
        venue = by_option.get(str((application.answers or {}).get("venue")))
        if venue is None:
            return {TAKEN: frozenset()}
        start = application.created_at.date() - dt.timedelta(days=1)
        days = await venues.taken_days(
            session, school_id=application.school_id, venue_id=venue.id, first=start,
            last=start + dt.timedelta(days=TAKEN_HORIZON_DAYS), except_holder=application.public_number)
        return {TAKEN: frozenset(day.isoformat() for day in days)}

    return load


def day_label(day: dt.date) -> str:
    """A day as a button shows it and the date question reads it back: "12 ธ.ค. 2569"."""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {be_year(day)}"


def nearest_free_days(day: dt.date, taken: frozenset[str], *, earliest: dt.date) -> list[dt.date]:
    """The free days nearest ``day`` (not before ``earliest``), in calendar order."""
    found: list[dt.date] = []
    for distance in range(1, TAKEN_HORIZON_DAYS):
        for candidate in (day - dt.timedelta(days=distance), day + dt.timedelta(days=distance)):
            if candidate >= earliest and candidate.isoformat() not in taken:
                found.append(candidate)
        if len(found) >= FREE_DAYS_OFFERED:
            break
    return sorted(found[:FREE_DAYS_OFFERED])


def _bookable_days(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days the picker offers: from the first one far enough ahead, for a year."""
    first = today + dt.timedelta(days=venues.MIN_DAYS_AHEAD)
    return first, first + dt.timedelta(days=365)


def _venue_name(by_option: dict[str, Venue], answer: Any) -> str:
    venue = by_option.get(answer)
    return venue.name if venue is not None else "สถานที่นี้"


def _first_day_allowed(by_option: dict[str, Venue]) -> Check:
    def test(first: dt.date, ctx: Context) -> None:
        venues.check_first_day(first, today=ctx.today)
        taken = ctx.facts.get(TAKEN) or frozenset()
        if first.isoformat() not in taken:
            return
        free = nearest_free_days(first, taken, earliest=ctx.today + dt.timedelta(days=venues.MIN_DAYS_AHEAD))
        shown = ", ".join(format_thai_date(day) for day in free)
        raise RefusedWithOffers(
            f"ขออภัยค่ะ {_venue_name(by_option, ctx.answers['venue'])}มีผู้จองแล้วในวันที่ {format_thai_date(first)}"
            + (f"\nวันที่ใกล้ที่สุดที่ยังว่าง: {shown} กดเลือกได้เลย หรือเลือกวันอื่นค่ะ" if free else ""),
            code="venue.taken", answers=[day_label(day) for day in free])

    return Check(test, uses=("venue",))


def _period_allowed(by_option: dict[str, Venue]) -> Check:
    def test(last: dt.date, ctx: Context) -> None:
        first = ctx.answers["first_day"]
        venues.check_period(first, last)
        taken = ctx.facts.get(TAKEN) or frozenset()
        clash = [day for day in venues.booking_days(first, last) if day.isoformat() in taken]
        if not clash:
            return
        before = clash[0] - dt.timedelta(days=1)
        shown = ", ".join(format_thai_date(day) for day in clash)
        raise RefusedWithOffers(
            f"ขออภัยค่ะ {_venue_name(by_option, ctx.answers['venue'])}มีผู้จองแล้วในวันที่ {shown} "
            "กรุณาเลือกวันสุดท้ายก่อนวันนั้น หรือกด “ย้อนกลับ” เพื่อเปลี่ยนวันแรกค่ะ",
            code="venue.taken", answers=[day_label(before)] if before >= first else [])

    return Check(test, uses=("first_day", "venue"))


_ONE_DAY = re.compile(r"^(?:ใช้)?(?:แค่)?วันเดียว(?:กัน|เท่านั้น)?(?:กับวันแรก)?$")
_DAYS = re.compile(r"^(?:ใช้)?(?:ทั้งหมด)?(\d{1,2})วัน$")


def _days_from_first(text: str, ctx: Context) -> str | None:
    """The last day said as a length of use: "วันเดียวค่ะ" (the first day), "ใช้ 3 วัน"."""
    first: dt.date = ctx.answers["first_day"]
    said = number_words_as_digits(bare_forms(text)[-1])
    if _ONE_DAY.match(said):
        return first.isoformat()
    days = _DAYS.match(said)
    if days and int(days.group(1)) >= 1:
        return (first + dt.timedelta(days=int(days.group(1)) - 1)).isoformat()
    return None


def _first_message(by_option: dict[str, Venue]):
    """What "อยากจองหอประชุมวันเสาร์ที่ 19 ธ.ค. จัดงานทำบุญหมู่บ้าน" gives: the venue, the first day
    and, in what is left, the purpose."""
    names = {value: (venue.name,) for value, venue in by_option.items()}

    def read(text: str, today: dt.date) -> dict[str, Any]:
        given: dict[str, Any] = {}
        spans = []
        venue = find_choice(text, names) if names else None
        if venue is not None:
            given["venue"] = venue.value
            spans.append((venue.start, venue.end))
        first = find_date(text, today=today, upcoming=True)
        if first is not None:
            given["first_day"] = first.value.isoformat()
            spans.append((first.start, first.end))
        if venue is not None or first is not None:
            purpose = rest_of(text, spans)
            if purpose is not None:
                given["purpose"] = purpose
        return given

    return read


def _rules_accepted(accepted: bool, ctx: Context) -> None:
    if not accepted:
        raise ThaiInputError(
            "ขออภัยค่ะ โรงเรียนอนุญาตให้ใช้สถานที่ได้เฉพาะเมื่อยอมรับเงื่อนไขนี้ "
            "ถ้าไม่ต้องการขอใช้แล้ว พิมพ์ “ยกเลิก” ได้เลยค่ะ",
            code="venue.rules_declined",
        )


def _steps(by_option: dict[str, Venue]) -> list[Step]:
    return [
        _venue_step(by_option),
        Step(
            "requester_name",
            "ชื่อและนามสกุลของผู้ขอใช้ ซึ่งเป็นผู้รับผิดชอบการใช้สถานที่ค่ะ เช่น นายสมชาย ใจดี",
            kinds.person_name(),
            label="ผู้ขอใช้",
        ),
        Step(
            "organisation",
            "ขอใช้ในนามหน่วยงานหรือองค์กรใดคะ เช่น ชมรมผู้สูงอายุบ้านหนองบัว ถ้าขอในนามตนเอง กด “ข้าม” ได้ค่ะ",
            kinds.text(max_length=150, example="ชมรมผู้สูงอายุบ้านหนองบัว"),
            label="หน่วยงาน",
            required=False,
        ),
        Step(
            "purpose",
            "จะใช้สถานที่ทำกิจกรรมอะไรคะ เล่าสั้น ๆ เช่น ประชุมประจำปีของหมู่บ้าน",
            kinds.text(max_length=300, example="ประชุมประจำปีของหมู่บ้าน"),
            label="ใช้เพื่อ",
        ),
        Step(
            "rules_accepted",
            "เงื่อนไขการใช้สถานที่ (ระเบียบกระทรวงศึกษาธิการ) ห้ามใช้เพื่อ\n"
            "• กิจกรรมที่ผิดกฎหมายหรือศีลธรรม\n"
            "• การพนัน\n"
            "• งานเลี้ยงที่ส่งเสียงดัง หรือดิสโก้เธค\n"
            "• สิ่งอื่นนอกจากที่แจ้งไว้\n"
            "ยืนยันว่าจะใช้ตามเงื่อนไขนี้ใช่ไหมคะ",
            kinds.yes_no(),
            label="ยอมรับเงื่อนไข",
            check=Check(_rules_accepted),
        ),
        Step(
            "first_day",
            f"ต้องการใช้สถานที่ตั้งแต่วันที่เท่าไรคะ (ต้องขอล่วงหน้าอย่างน้อย {venues.MIN_DAYS_AHEAD} วัน) "
            "กดเลือกวันที่ หรือพิมพ์ได้เลยค่ะ เช่น “วันเสาร์หน้า” หรือวันและเดือนโดยไม่ต้องใส่ปี",
            kinds.date(upcoming=True),
            label="วันแรก",
            picker_range=_bookable_days,
            check=_first_day_allowed(by_option),
        ),
        Step(
            "last_day",
            f"ใช้ถึงวันที่เท่าไรคะ (ครั้งละไม่เกิน {venues.MAX_DAYS_PER_BOOKING} วัน) "
            "ถ้าใช้วันเดียว พิมพ์ “วันเดียว” ได้เลยค่ะ",
            kinds.date(upcoming=True),
            label="วันสุดท้าย",
            picker_range=_bookable_days,
            check=_period_allowed(by_option),
            reading=Reading(_days_from_first, uses=("first_day",)),
        ),
        Step(
            "attendees",
            "คาดว่าจะมีผู้เข้าร่วมประมาณกี่คนคะ พิมพ์เป็นตัวเลข เช่น 150",
            kinds.number(minimum=1, maximum=100_000, unit="คน", example=150),
            label="จำนวนผู้เข้าร่วม",
            check=_within_capacity(by_option) if by_option else None,
        ),
        Step(
            "phone",
            "เบอร์โทรศัพท์ที่โรงเรียนติดต่อได้ค่ะ เช่น 081-234-5678",
            kinds.phone(),
            label="เบอร์โทรศัพท์",
        ),
    ]


def _submit_reserving(by_option: dict[str, Venue]):
    async def submit(session: AsyncSession, application: Application, *, now: dt.datetime) -> None:
        answers = application.answers
        venue = by_option.get(answers["venue"])
        if venue is None:
            raise ReturnToStep("venue", "สถานที่นี้ไม่เปิดให้จองแล้วค่ะ กรุณาเลือกสถานที่ใหม่")
        try:
            # Availability is known only here: a check runs without the database, and another
            # family may have booked the same days while this parent was still answering.
            await venues.reserve(
                session,
                school_id=application.school_id,
                venue_id=venue.id,
                first=dt.date.fromisoformat(answers["first_day"]),
                last=dt.date.fromisoformat(answers["last_day"]),
                holder_ref=application.public_number,
                now=now,
            )
        except venues.VenueTaken as taken:
            raise ReturnToStep("first_day", taken.message_th) from None
        await submit_application(session, application, now=now)

    return submit


def _fees_text(config: SchoolConfig) -> str:
    charged = [venue for venue in config.venues if venue.fee_per_day]
    if not config.venues:
        return "โรงเรียนจะแจ้งค่าใช้สถานที่ (ถ้ามี) พร้อมผลการพิจารณาค่ะ"
    if not charged:
        return "ไม่มีค่าใช้สถานที่ค่ะ"
    rates = ", ".join(f"{venue.name} วันละ {baht(venue.fee_per_day)} บาท" for venue in charged)
    timing = payment_timing(config.service(SERVICE_ID).fee_due)
    return f"ค่าใช้สถานที่คิดตามจำนวนวันที่ใช้ ({rates}) {timing} ค่ะ"


def _booked_period(answers: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    try:
        return dt.date.fromisoformat(str(answers["first_day"])), dt.date.fromisoformat(str(answers["last_day"]))
    except (KeyError, ValueError):
        return None


def fee_total_text(config: SchoolConfig, answers: Mapping[str, Any]) -> str | None:
    """The booked venue's fee for the days booked: "3,000 บาท (2 วัน วันละ 1,500 บาท)"; None
    when the answers do not name a venue and its days yet."""
    venue = booked_venue(answers.get("venue"), config)
    period = _booked_period(answers)
    if venue is None or period is None:
        return None
    if not venue.fee_per_day:
        return "ไม่มีค่าใช้สถานที่"
    days = len(venues.booking_days(*period))
    return f"{baht(booking_fee(venue, *period))} บาท ({days} วัน วันละ {baht(venue.fee_per_day)} บาท)"


def _totals(config: SchoolConfig):
    def totals(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
        total = fee_total_text(config, answers)
        return [("ค่าใช้สถานที่", total)] if total else []

    return totals


def _next_steps(config: SchoolConfig, reserved: str):
    days = config.service(SERVICE_ID).time_limit_days
    timing = payment_timing(config.service(SERVICE_ID).fee_due)

    def next_steps(answers: Mapping[str, Any]) -> str:
        total = fee_total_text(config, answers)
        if total is None:
            fees = _fees_text(config)
        elif total == "ไม่มีค่าใช้สถานที่":
            fees = "ไม่มีค่าใช้สถานที่ค่ะ"
        else:
            fees = f"ค่าใช้สถานที่ {total} {timing} ค่ะ"
        return (f"{reserved}ผู้อำนวยการจะพิจารณาภายในประมาณ {days} วันทำการ แล้วแจ้งผลทาง LINE นี้ค่ะ "
                f"เมื่ออนุมัติแล้วจะได้รับหนังสืออนุญาตให้ใช้สถานที่ค่ะ\n{fees}")

    return next_steps


def build(config: SchoolConfig) -> Flow:
    by_option = _venues_by_option(config)
    if by_option:
        intro = (
            f"ขอใช้สถานที่ได้ครั้งละไม่เกิน {venues.MAX_DAYS_PER_BOOKING} วัน "
            f"และต้องขอล่วงหน้าอย่างน้อย {venues.MIN_DAYS_AHEAD} วันค่ะ"
        )
        reserved = "วันที่ขอไว้จะถูกกันไว้ให้ระหว่างพิจารณาค่ะ "
        submit = _submit_reserving(by_option)
        facts = Facts(load=_taken_days(by_option), uses=("venue",),
                      sample={TAKEN: frozenset({"2026-06-10", "2026-06-11"})})
    else:
        intro = (
            "โรงเรียนยังไม่ได้ระบุสถานที่ที่เปิดให้จองผ่าน LINE ค่ะ "
            "ส่งคำขอไว้ได้ แล้วโรงเรียนจะตรวจสอบว่าสถานที่ว่างหรือไม่และติดต่อกลับค่ะ"
        )
        reserved = ""
        submit = submit_application
        facts = None
    return Flow(
        id=SERVICE_ID,
        title=TITLE,
        menu_label="ขอใช้อาคารสถานที่",
        number_prefix="VB",
        version=1,
        intro=intro,
        steps=_steps(by_option),
        next_steps=_next_steps(config, reserved),
        submit=submit,
        first_message=_first_message(by_option),
        facts=facts,
        totals=_totals(config),
    )


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    answer = str(answers.need("venue", "สถานที่"))
    venue = booked_venue(answer, config)
    first = answers.date("first_day", "วันแรกที่ใช้")
    last = answers.date("last_day", "วันสุดท้ายที่ใช้")
    fee = None
    if venue is not None and venue.fee_per_day:
        amount = booking_fee(venue, dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        fee = str(amount.quantize(Decimal("0.01")))
    return {
        "subject_name": answers.need("requester_name", "ชื่อผู้ขอใช้"),
        "organisation": answers.get("organisation"),
        "venue": venue.name if venue is not None else answer,
        "purpose": answers.need("purpose", "วัตถุประสงค์การใช้"),
        "start_date": first,
        "end_date": last,
        "attendees": answers.get("attendees"),
        "fee": fee,
    }


def venue_fee(application: Application, config: SchoolConfig) -> Charge | None:
    """The booked venue's fee per day times the days booked; None when it charges nothing."""
    answers = application.answers or {}
    venue = booked_venue(answers.get("venue"), config)
    if venue is None or not venue.fee_per_day:
        return None
    try:
        first = dt.date.fromisoformat(str(answers["first_day"]))
        last = dt.date.fromisoformat(str(answers["last_day"]))
    except (KeyError, ValueError):
        return None
    days = len(venues.booking_days(first, last))
    return Charge(booking_fee(venue, first, last),
                  f"ค่าใช้{venue.name} {days} วัน (วันละ {baht(venue.fee_per_day)} บาท)")


def decision_due_by(application: Application) -> dt.date | None:
    """The director decides no later than the day before the first day of use: a permit that
    arrives on or after the day it is for is no permit (docs/rules.md, "Venue use")."""
    try:
        first = dt.date.fromisoformat(str((application.answers or {})["first_day"]))
    except (KeyError, ValueError):
        return None
    return first - dt.timedelta(days=1)


SPEC = ServiceSpec(
    id=SERVICE_ID,
    build=build,
    offered=offered,
    latest_due=decision_due_by,
    # Which schools offer it: docs/rules.md, "Services by type of school".
    school_types=ALL_SCHOOL_TYPES,
    menu_position=80,
    time_limit_days=5,
    # The MOE regulation on premises has the director permit each use (docs/rules.md, "Venue use").
    approvers=("director",),
    document=ServiceDocument(
        type=DocumentType(
            id="venue_permit", title_th="หนังสืออนุญาตให้ใช้อาคารสถานที่",
            required=("subject_name", "venue", "purpose", "start_date", "end_date"),
            download_name="venue-permit.pdf", short_title="หนังสืออนุญาต", layout="letter"),
        make_data=document_data,
    ),
    fee=FeeRule(code="VB", compute=venue_fee),
    routing_words=(
        r"หอประชุม", r"(ขอใช้|เช่า)(อาคาร|สถานที่|ห้อง|สนาม|โรง)", r"จอง(ห้อง|สนาม|สถานที่)", r"ยืมสถานที่",
    ),
    routing_priority=40,
    source="docs/rules.md#venue-use: MOE regulation on the use of school premises 2539 (as a school cites it)",
)
