"""What a parent meets outside a service's questions: the privacy notice before any personal
data, the status of their requests, the school's contact details, and what the service is."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import consent
from backend.applications import workflow
from backend.applications.models import Application, ApplicationStatus
from backend.clock import Clock
from backend.documents.issuing import parent_documents
from backend.documents.types import spec_for
from backend.school_config import SchoolConfig, cached_school_config
from backend.schools import School
from backend.thai.dates import format_thai_date
from flows import admission_seat, postback, supplement
from flows.engine import BANGKOK, DraftLookup, Engine
from flows.inputs import Input, PostbackInput, TextInput
from flows.router import Destination, Route, route
from flows.say import MAX_LABEL, Choice, Say, Text

PRIVACY_OK = "privacy_ok"
PRIVACY_MORE = "privacy_more"
RATE = "rate"
# "Send me the file again" on a listed e-document; the edge answers it (bot/documents.py),
# since only it can make download links.
DOCUMENT_LINK = "doc"
MAX_STATUS_DOCUMENTS = 5
STALE_RATING = "ขออภัยค่ะ ปุ่มนี้ใช้กับคำขอนี้ไม่ได้แล้ว"
MAX_STATUS_ITEMS = 10

STATUS_TH = workflow.STATUS_TH
# Built once, with parameters, so SQLAlchemy reuses its cache key and compiled form.
_STATUS_ROWS = (
    sa.select(Application)
    .where(Application.school_id == sa.bindparam("school_id"),
           Application.parent_ref == sa.bindparam("parent_ref"),
           Application.status != ApplicationStatus.CANCELLED)
    .order_by(Application.created_at.desc())
    .limit(MAX_STATUS_ITEMS)
)


def privacy_notice(config: SchoolConfig, school_name: str, service: str, *, full: bool = False) -> Text:
    """The notice before the first personal data (PDPA s.23): three short lines and "อ่านเพิ่ม";
    ``full``: the whole notice, as "อ่านเพิ่ม" shows it."""
    start = Choice("รับทราบ เริ่มกรอก", postback=postback.encode(postback.NO_CONVERSATION, PRIVACY_OK, service))
    later = Choice("ไว้ก่อน", text="เมนู")
    if not full:
        more = Choice("อ่านเพิ่ม", postback=postback.encode(postback.NO_CONVERSATION, PRIVACY_MORE, service))
        return Text(
            "ก่อนเริ่ม ขอแจ้งเรื่องข้อมูลส่วนบุคคลค่ะ\n"
            f"{school_name}ใช้ข้อมูลที่กรอกในแชตนี้เพื่อดำเนินการตามคำขอเท่านั้น เฉพาะเจ้าหน้าที่ที่รับผิดชอบเห็นข้อมูล\n"
            "ขอดูหรือขอลบได้ทุกเมื่อ: พิมพ์ “ข้อมูลของฉัน” หรือ “ลบข้อมูลของฉัน”",
            [start, more, later],
        )
    link = f"\nอ่านประกาศฉบับเต็มได้ที่ {config.privacy_notice_url}" if config.privacy_notice_url else ""
    return Text(
        f"ประกาศเรื่องข้อมูลส่วนบุคคลค่ะ\n"
        f"{school_name}จะใช้ข้อมูลของนักเรียนและผู้ปกครองที่กรอกในแชตนี้ "
        "เพื่อพิจารณาและดำเนินการตามคำขอเท่านั้น ตามอำนาจหน้าที่ของสถานศึกษา "
        "(พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 มาตรา 24) "
        "ผู้ที่เห็นข้อมูลมีเฉพาะเจ้าหน้าที่ของโรงเรียนที่รับผิดชอบ "
        "และจะลบเมื่อพ้นระยะเวลาเก็บรักษาตามระเบียบค่ะ "
        "คุณผู้ปกครองขอดูข้อมูลได้โดยพิมพ์ “ข้อมูลของฉัน” และขอให้ลบได้โดยพิมพ์ “ลบข้อมูลของฉัน” "
        "หรือติดต่อโรงเรียน"
        f"{link}",
        [start, later],
    )


def which_transfer(config: SchoolConfig) -> Text:
    def start(service: str) -> str:
        return postback.encode(postback.NO_CONVERSATION, "start", service)

    choices = [Choice(label, postback=start(service)) for service, label in
               (("transfer_in", "ย้ายเข้าโรงเรียนนี้"), ("transfer_out", "ย้ายออกไปที่อื่น"))
               if service in config.enabled_services()]
    return Text("ต้องการย้ายนักเรียนเข้าโรงเรียนนี้ หรือย้ายออกไปโรงเรียนอื่นคะ", choices)


def contact(config: SchoolConfig, school_name: str) -> Text:
    lines = [f"ติดต่อ{school_name}ค่ะ"]
    if config.address:
        lines.append(f"ที่อยู่: {config.address}")
    if config.phone:
        lines.append(f"โทร: {config.phone}")
    if config.email:
        lines.append(f"อีเมล: {config.email}")
    lines.append(f"เวลาทำการ: {config.office_hours}")
    return Text("\n".join(lines))


def about(school_name: str) -> Text:
    return Text(
        f"บริการออนไลน์ของ{school_name}ค่ะ\n"
        "ยื่นคำขอพร้อมแนบรูปเอกสาร ชำระค่าธรรมเนียมผ่าน PromptPay และรับเอกสารผลการพิจารณา"
        "แบบอิเล็กทรอนิกส์ได้ในแชตนี้ ตาม พ.ร.บ.การปฏิบัติราชการทางอิเล็กทรอนิกส์ พ.ศ. 2565 "
        "โดยไม่ต้องเดินทางมาโรงเรียนค่ะ\n"
        "พิมพ์ “เมนู” เพื่อดูบริการทั้งหมด หรือ “ติดตามสถานะ” เพื่อดูคำขอของคุณค่ะ"
    )


class FrontDesk:
    """Answers one input: front-desk words, the privacy notice gate, then the service engine
    (where typed text goes is flows/router.py's decision)."""

    def __init__(self, *, engine_for: Callable[[SchoolConfig], Engine], clock: Clock) -> None:
        self._engine_for = engine_for
        self._clock = clock

    async def handle(self, session: AsyncSession, *, school: School, user_ref: str, input: Input) -> list[Say]:
        config = cached_school_config(school.settings)
        engine = self._engine_for(config)
        # Asked about up to three times below; read at most once.
        draft = engine.draft_lookup(session, school_id=school.id, user_ref=user_ref)
        routed = None
        if isinstance(input, TextInput):
            routed = route(input.text, services=engine.services)
            answer = await self._front_desk_words(session, routed, school=school, user_ref=user_ref,
                                                  engine=engine, config=config)
            if answer is not None:
                return answer
        if supplement.wants_supplement(input) and not await engine.has_open_draft(
                session, school_id=school.id, user_ref=user_ref, lookup=draft):
            answer = await self._supplement(session, input, school=school, user_ref=user_ref, engine=engine,
                                            config=config)
            if answer is not None:
                return answer
        if isinstance(input, PostbackInput):
            answer = await self._front_desk_button(session, input, school=school, user_ref=user_ref,
                                                   engine=engine, config=config)
            if answer is not None:
                return answer
        service = self._service_asked(input, routed)
        if service is not None and await self._needs_notice(session, engine, school.id, user_ref, draft):
            # A service only some may start (a civil servant's claim): whom it is for, before any notice.
            refusal = await engine.member_refusal(session, service, school_id=school.id, user_ref=user_ref)
            return [engine.menu(refusal)] if refusal else [privacy_notice(config, school.name, service)]
        return await engine.handle(session, school_id=school.id, user_ref=user_ref, input=input, lookup=draft)

    async def _front_desk_button(self, session: AsyncSession, input: PostbackInput, *, school: School,
                                 user_ref: str, engine: Engine, config: SchoolConfig) -> list[Say] | None:
        """The answer to a button the front desk itself handles (a seat offer, a rating, the
        privacy notice), else None."""
        pb = postback.decode(input.data)
        if pb is None:
            return None
        if pb.action in admission_seat.ACTIONS:
            return await admission_seat.answer(session, pb, school_id=school.id, user_ref=user_ref,
                                               now=self._clock.now())
        if pb.action == RATE:
            return await self._rate(session, school=school, user_ref=user_ref, pb=pb)
        if pb.action == PRIVACY_MORE and pb.arg(0):
            return [privacy_notice(config, school.name, pb.arg(0) or "", full=True)]
        if pb.action == PRIVACY_OK and pb.arg(0):
            consent.record(session, school_id=school.id, user_ref=user_ref, purpose=consent.NOTICE,
                           granted=True, now=self._clock.now())
            return await engine.start(session, school_id=school.id, user_ref=user_ref, flow_id=pb.arg(0) or "")
        return None

    async def _front_desk_words(self, session: AsyncSession, routed: Route, *, school: School, user_ref: str,
                                engine: Engine, config: SchoolConfig) -> list[Say] | None:
        """The answer to what the front desk itself handles (status, contact...), else None."""
        match routed.to:
            case Destination.STATUS:
                return await self.status(session, school=school, user_ref=user_ref, engine=engine)
            case Destination.CONTACT:
                return [contact(config, school.name)]
            case Destination.WHICH_TRANSFER:
                return [which_transfer(config)]
            case Destination.ABOUT:
                return [about(school.name)]
            case Destination.OBEC_SERVICES:
                return [engine.obec_menu()]
        return None

    async def _supplement(self, session: AsyncSession, input: Input, *, school: School, user_ref: str,
                          engine: Engine, config: SchoolConfig) -> list[Say] | None:
        """Documents for a request waiting for more of them, else None (no request waits)."""
        waiting = await supplement.waiting_request(session, school_id=school.id, user_ref=user_ref)
        if waiting is None:
            return None
        if isinstance(input, TextInput):
            return supplement.ask(waiting)
        return await supplement.handle(session, waiting, input, flow=engine.flow(waiting.service),
                                       config=config, clock=self._clock)

    @staticmethod
    def _service_asked(input: Input, routed: Route | None) -> str | None:
        if routed is not None:
            return routed.service if routed.to is Destination.SERVICE else None
        if isinstance(input, PostbackInput):
            pb = postback.decode(input.data)
            if pb is not None and pb.action == "start":
                return pb.arg(0)
        return None

    async def _needs_notice(self, session: AsyncSession, engine: Engine, school_id: int, user_ref: str,
                            draft: DraftLookup) -> bool:
        if await engine.has_open_draft(session, school_id=school_id, user_ref=user_ref, lookup=draft):
            return False  # a draft in progress was started after the notice
        return await consent.current(session, school_id=school_id, user_ref=user_ref,
                                     purpose=consent.NOTICE) is None

    async def _rate(self, session: AsyncSession, *, school: School, user_ref: str, pb: postback.Postback) -> list[Say]:
        application = await session.get(Application, int(pb.arg(0) or 0)) if (pb.arg(0) or "").isdigit() else None
        if application is None or application.school_id != school.id or application.parent_ref != user_ref:
            return [Text(STALE_RATING)]
        stars = pb.arg(1) or ""
        rating = int(stars) if stars.isdigit() else None
        try:
            await workflow.confirm_outcome(session, application, now=self._clock.now(), rating=rating)
        except workflow.WorkflowError as error:
            return [Text(error.message_th)]
        return [Text("ขอบคุณที่ยืนยันผลและให้คะแนนค่ะ ความเห็นของคุณช่วยให้โรงเรียนปรับปรุงบริการค่ะ")]

    async def status(self, session: AsyncSession, *, school: School, user_ref: str, engine: Engine) -> list[Say]:
        rows = list(await session.scalars(_STATUS_ROWS, {"school_id": school.id, "parent_ref": user_ref}))
        if not rows:
            return [Text("ยังไม่มีคำขอค่ะ เลือกบริการจากเมนูด้านล่าง หรือพิมพ์บอกได้เลย เช่น “ย้ายออก”",
                         [Choice("ดูบริการทั้งหมด", text="เมนู")])]
        lines = ["คำขอของคุณค่ะ"]
        resume: Choice | None = None
        for row in rows:
            title = engine.title_of(row.service)
            child = row.child_name
            if row.status == ApplicationStatus.DRAFT:
                lines.append(f"\n• {title} — ยังทำไม่เสร็จ\n  กด “ทำต่อ” หรือพิมพ์ “{title}” เพื่อทำต่อค่ะ")
                resume = Choice("ทำต่อ", postback=postback.encode(row.session_nonce, "resume"))
                continue
            state, next_step = workflow.status_words(row)
            submitted = format_thai_date(row.submitted_at.astimezone(BANGKOK).date()) if row.submitted_at else "-"
            lines.append(f"\n• {title} เลขที่ {row.public_number}" + (f"\n  นักเรียน: {child}" if child else "")
                         + f"\n  สถานะ: {state} (ยื่นเมื่อ {submitted})"
                         + (f"\n  ขั้นต่อไป: {next_step}" if next_step else ""))
        documents, choices = await self._documents(session, school=school, user_ref=user_ref)
        return [Text("\n".join(lines + documents), [resume, *choices] if resume else choices)]

    async def _documents(self, session: AsyncSession, *, school: School, user_ref: str
                         ) -> tuple[list[str], list[Choice]]:
        """The parent's e-documents in force, each with a button that sends a fresh download link."""
        found = await parent_documents(session, school_id=school.id, parent_ref=user_ref,
                                       limit=MAX_STATUS_DOCUMENTS)
        if not found:
            return [], []
        lines = ["\nเอกสารอิเล็กทรอนิกส์ของคุณ (กดปุ่มด้านล่างเพื่อรับลิงก์ดาวน์โหลด)"]
        choices = []
        for number, (document, application) in enumerate(found, start=1):
            issued = format_thai_date(document.issued_at.astimezone(BANGKOK).date())
            lines.append(f"{number}. {spec_for(document.doc_type).title_th} "
                         f"(คำขอเลขที่ {application.public_number}) ออกเมื่อ {issued}")
            label = f"{number}. {spec_for(document.doc_type).short_title}"[:MAX_LABEL]
            choices.append(Choice(label, postback=postback.encode(
                postback.NO_CONVERSATION, DOCUMENT_LINK, str(document.id))))
        return lines, choices
