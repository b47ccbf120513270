"""A parent's rights over their data, in the chat (backend/data_rights.py does the work).

"ข้อมูลของฉัน" shows what the school holds about them, with a button for a copy of all of it as a
file a program can read (PDPA ss.30-31). "ลบข้อมูลของฉัน" asks once to confirm, then erases what
the school need not keep and says what it keeps, why and until when (s.33). The copy is served
by a signed link that names only the request's row id, for a day.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend import data_rights, retention
from backend.admission_round.retention import RoundPlace
from backend.applications.models import Application, ApplicationStatus
from backend.applications.workflow import status_words
from backend.clock import Clock
from backend.files.service import FileVault
from backend.schools import School
from backend.thai.dates import format_thai_date
from bot import messages as m
from bot.handlers import Conversation, EventContext
from bot.media import Media, MediaLinks
from flows import postback
from flows.router import Destination, route
from flows.services import ALL_FLOWS

COPY = "data_copy"
ERASE = "data_erase"
COPY_MEDIA = "parent-data"
COPY_LINK_LIFETIME = dt.timedelta(days=1)
MAX_LISTED = 10
BANGKOK = dt.timezone(dt.timedelta(hours=7))
Places = dict[int, RoundPlace]

NOTHING_HELD = ("ขณะนี้โรงเรียนไม่มีข้อมูลคำขอหรือไฟล์ของคุณค่ะ "
                "มีเพียงรหัสผู้ใช้ LINE ที่ใช้ตอบแชตนี้เท่านั้นค่ะ")
STALE = "ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว พิมพ์ “ข้อมูลของฉัน” อีกครั้งนะคะ"
KEPT_REASON = ("เป็นเอกสารของทางราชการที่โรงเรียนต้องเก็บรักษาไว้ตามระเบียบงานสารบรรณ "
               "และเพื่อปฏิบัติหน้าที่ตามกฎหมาย (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 มาตรา 33 "
               "ประกอบมาตรา 24) เมื่อครบกำหนด ระบบจะลบให้อัตโนมัติค่ะ")


def _title(service: str) -> str:
    flow = ALL_FLOWS.get(service)
    return flow.title if flow is not None else service


def _date(moment: dt.datetime) -> str:
    return format_thai_date(moment.astimezone(BANGKOK).date())


def _keeping(application: Application, places: Places) -> str:
    if application.status == ApplicationStatus.DRAFT:
        return "ยังไม่ได้ยื่น: ลบเมื่อไม่ได้กรอกต่อ 90 วัน"
    if application.status == ApplicationStatus.CANCELLED:
        return "ยกเลิกแล้ว: ลบภายใน 30 วัน"
    place = places.get(application.id)
    if place is not None and place.erased_on is not None:
        if application.status in retention.DECIDED_STATUSES:
            return f"เก็บไว้ถึง {format_thai_date(place.erased_on - dt.timedelta(days=1))} แล้วลบ"
        # Still in the round: erased a year after it unless the child becomes a student.
        return (f"หากไม่ได้เข้าเรียน จะลบในวันที่ {format_thai_date(place.erased_on)} "
                "หากได้เข้าเรียน เก็บไว้เป็นเอกสารของโรงเรียนอีก 10 ปีหลังมอบตัว")
    until = data_rights.kept_until(application)
    if until is None:
        return "เก็บไว้ระหว่างพิจารณา และหลังพิจารณาเสร็จอีก 10 ปี"
    return f"เก็บไว้ถึง {_date(until)}"


def _line(application: Application, places: Places) -> str:
    place = places.get(application.id)
    state = place.state_th if place is not None else status_words(application)[0]
    return (f"• {_title(application.service)} เลขที่ {application.public_number} ({state})\n"
            f"  {_keeping(application, places)}")


@dataclass
class DataRights:
    """The parent's side of backend/data_rights.py, with the copy's media link."""

    files: FileVault
    media: MediaLinks
    clock: Clock
    _registered: bool = field(default=False, repr=False)

    def register_media(self) -> None:
        if not self._registered:
            self.media.register(COPY_MEDIA, self._copy_file, valid_for=COPY_LINK_LIFETIME)
            self._registered = True

    async def _copy_file(self, session: AsyncSession, ref: str) -> Media | None:
        request = await session.get(data_rights.DataRequest, int(ref)) if ref.isdigit() else None
        if request is None or request.kind != data_rights.ACCESS:
            return None
        school = await session.get(School, request.school_id)
        found = await data_rights.holdings(session, school_id=request.school_id, parent_ref=request.parent_ref)
        copy = data_rights.copy_of(found, school_name=school.name if school else "", now=self.clock.now())
        body = json.dumps(copy, ensure_ascii=False, indent=1).encode("utf-8")
        return Media(body, "application/json; charset=utf-8", filename="my-data.json")

    async def summary(self, ctx: EventContext) -> list[m.Message]:
        """What the school holds (s.30), and the button for a copy."""
        found = await data_rights.holdings(ctx.session, school_id=ctx.channel.school_id, parent_ref=ctx.user_ref)
        request = data_rights.record_request(ctx.session, school_id=ctx.channel.school_id,
                                             parent_ref=ctx.user_ref, kind=data_rights.ACCESS, now=ctx.now)
        request.completed_at = ctx.now
        await ctx.session.flush()
        if found.empty:
            return m.text(NOTHING_HELD)
        lines = [f"ข้อมูลของคุณที่{ctx.school_name}เก็บไว้ค่ะ"]
        if found.applications:
            lines.append(f"\nคำขอ {len(found.applications)} รายการ")
            lines += [_line(a, found.places) for a in found.applications[:MAX_LISTED]]
        if found.files:
            lines.append(f"\nรูปและไฟล์เอกสารที่ส่งมา {len(found.files)} ไฟล์")
        if found.fees:
            lines.append(f"รายการค่าธรรมเนียม {len(found.fees)} รายการ")
        if found.documents:
            lines.append(f"เอกสารอิเล็กทรอนิกส์ที่โรงเรียนออกให้ {len(found.documents)} ฉบับ")
        if found.consents:
            lines.append(f"การรับทราบประกาศเรื่องข้อมูลส่วนบุคคล เมื่อ {_date(found.consents[-1].recorded_at)}")
        lines.append("\nขอสำเนาข้อมูลทั้งหมดเป็นไฟล์ได้จากปุ่มด้านล่างค่ะ "
                     "หากต้องการให้ลบข้อมูล พิมพ์ “ลบข้อมูลของฉัน” ค่ะ")
        copy = m.postback_action("ขอสำเนาข้อมูล", postback.encode(postback.NO_CONVERSATION, COPY, str(request.id)))
        return m.text("\n".join(lines), quick_replies=[copy, m.message_action("ลบข้อมูลของฉัน", "ลบข้อมูลของฉัน")])

    async def copy_link(self, ctx: EventContext, ref: str) -> list[m.Message]:
        request = await ctx.session.get(data_rights.DataRequest, int(ref)) if ref.isdigit() else None
        if (request is None or request.kind != data_rights.ACCESS or request.school_id != ctx.channel.school_id
                or request.parent_ref != ctx.user_ref):
            return m.text(STALE)
        url = self.media.url(COPY_MEDIA, str(request.id), suffix=".json")
        return m.text("สำเนาข้อมูลของคุณ (ไฟล์ JSON ที่เปิดด้วยโปรแกรมทั่วไปได้) ดาวน์โหลดได้ภายใน 24 ชั่วโมงค่ะ\n"
                      f"{url}")

    async def ask_to_erase(self, ctx: EventContext) -> list[m.Message]:
        found = await data_rights.holdings(ctx.session, school_id=ctx.channel.school_id, parent_ref=ctx.user_ref)
        if found.empty:
            return m.text(NOTHING_HELD)
        kept = [a for a in found.applications if a.status not in data_rights.DELETABLE]
        text = ("ต้องการให้ลบข้อมูลของคุณใช่ไหมคะ\n"
                "ระบบจะลบคำขอที่ยังไม่ได้ยื่นหรือยกเลิกแล้ว รูปและไฟล์ที่ไม่ได้เป็นเอกสารของคำขอ "
                "และข้อความในแชตที่เก็บไว้ทันที ลบแล้วกู้คืนไม่ได้ค่ะ")
        if kept:
            text += ("\n\nส่วนคำขอที่ยื่นแล้ว โรงเรียนต้องเก็บไว้ตามกฎหมาย:\n"
                     + "\n".join(_line(a, found.places) for a in kept[:MAX_LISTED]))
        confirm = m.postback_action("ยืนยันลบข้อมูล", postback.encode(postback.NO_CONVERSATION, ERASE))
        return m.text(text, quick_replies=[confirm, m.message_action("ไม่ลบ", "เมนู")])

    async def erase(self, ctx: EventContext) -> list[m.Message]:
        result = await data_rights.erase_for_parent(ctx.session, self.files, school_id=ctx.channel.school_id,
                                                    parent_ref=ctx.user_ref, channel=ctx.channel.slug, now=ctx.now)
        erased = result.erased
        lines = ["ลบข้อมูลแล้วค่ะ",
                 f"• คำขอที่ยังไม่ได้ยื่นหรือยกเลิกแล้ว {erased.get('request', 0)} รายการ",
                 f"• รูปและไฟล์ {erased.get('file', 0)} ไฟล์",
                 f"• ข้อความในแชตที่เก็บไว้ {erased.get('chat', 0)} รายการ"]
        if result.kept:
            lines.append("\nข้อมูลที่โรงเรียนยังเก็บไว้:")
            lines += [_line(a, result.places) for a in result.kept[:MAX_LISTED]]
            lines.append(f"เหตุผล: {KEPT_REASON}")
        lines.append("\nหากมีข้อสงสัย พิมพ์ “ติดต่อโรงเรียน” ได้ค่ะ")
        return m.text("\n".join(lines))


class DataRightsConversation:
    """The conversation with "my data" and "erase my data" answered first; everything else as before."""

    def __init__(self, inner: Conversation, rights: DataRights) -> None:
        self._inner = inner
        self._rights = rights

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def on_text(self, ctx: EventContext, text: str) -> list[m.Message]:
        destination = route(text).to
        if destination is Destination.MY_DATA:
            return await self._rights.summary(ctx)
        if destination is Destination.ERASE_MY_DATA:
            return await self._rights.ask_to_erase(ctx)
        return await self._inner.on_text(ctx, text)

    async def on_postback(self, ctx: EventContext, data: str, params: dict[str, str]) -> list[m.Message]:
        pb = postback.decode(data)
        if pb is not None and pb.action == COPY:
            return await self._rights.copy_link(ctx, pb.arg(0) or "")
        if pb is not None and pb.action == ERASE:
            return await self._rights.erase(ctx)
        return await self._inner.on_postback(ctx, data, params)

    async def on_files(self, ctx: EventContext, file_ids: list[str]) -> list[m.Message]:
        return await self._inner.on_files(ctx, file_ids)

    async def on_other(self, ctx: EventContext, kind: str) -> list[m.Message]:
        return await self._inner.on_other(ctx, kind)
