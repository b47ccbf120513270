"""Everything the engine says, in one place: questions with their buttons, summary and notes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flows import postback
from flows.say import MAX_LABEL, AskFiles, Choice, Say, Summary, Text

if TYPE_CHECKING:
    from flows.flow import Flow, Step

NONCE_LENGTH = 8
WIDEST_NONCE = "x" * NONCE_LENGTH

STALE_BUTTON = "ปุ่มนี้มาจากคำขอเดิมที่จบไปแล้วค่ะ จึงไม่ได้ดำเนินการใด ๆ"
ALREADY_ANSWERED = "คำถามนั้นตอบไปแล้วค่ะ ถ้าต้องการแก้ไข กดแก้ได้ที่หน้าสรุปก่อนส่งค่ะ"
STALE_WAYS_ON = "\nเลือกบริการจากปุ่มด้านล่าง หรือดูคำขอของคุณที่ “ติดตามสถานะ” ค่ะ"
ALREADY_FILED = "ส่งคำขอ{title}นี้เรียบร้อยแล้วค่ะ ไม่ต้องกดยืนยันซ้ำ\nเลขที่คำขอ: {number}\nดูความคืบหน้าได้ที่ “ติดตามสถานะ” ค่ะ"
STATUS_CHOICE = Choice("ติดตามสถานะ", text="ติดตามสถานะ")
UNKNOWN_BUTTON = "ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว"
WELCOME_BACK = "ยินดีต้อนรับกลับค่ะ มาทำคำขอ{title}ต่อจากที่ค้างไว้กันนะคะ"
FIRST_STEP = "นี่คือคำถามแรกแล้วค่ะ"
GREETING = "สวัสดีค่ะ ต้องการใช้บริการใดคะ เลือกจากปุ่มด้านล่าง หรือพิมพ์บอกได้เลย เช่น “ย้ายออก”"
# A service the school's type does not offer (docs/rules.md, "Services by type of school").
NOT_OFFERED_BY_TYPE = ("ขออภัยค่ะ {school_type}ไม่มีบริการ “{title}” ค่ะ "
                       "บริการที่ทำผ่าน LINE ได้มีตามปุ่มด้านล่างนี้ค่ะ "
                       "หากต้องการสอบถามเพิ่มเติม พิมพ์ “ติดต่อโรงเรียน” ได้เลยค่ะ")
# OBEC's own services, for people who are not parents (docs/rules.md, "OBEC's own services"):
# simple Thai, and one English line for the foreigners the Thai test is for.
OBEC_MENU = ("บริการของสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.) ค่ะ เลือกบริการจากปุ่มด้านล่างได้เลย\n"
             "OBEC services: please choose one below.")
NO_OBEC_SERVICES = "ขออภัยค่ะ ตอนนี้ยังไม่มีบริการของ สพฐ. ที่ทำผ่าน LINE นี้ได้ค่ะ"
NOT_AVAILABLE = "ขออภัยค่ะ บริการนี้ยังไม่เปิดให้ทำผ่าน LINE ติดต่อโรงเรียนได้โดยตรงค่ะ"
DRAFT_KEPT = "คำขอ{title}ที่ทำค้างไว้ยังเก็บไว้ให้ค่ะ กด “ทำต่อ” เมื่อพร้อม"
OTHER_DRAFT_OPEN = "ตอนนี้มีคำขอ{title}ที่ยังทำไม่เสร็จค่ะ ทำต่อให้เสร็จ หรือยกเลิกคำขอนั้นก่อน แล้วจึงเริ่มบริการใหม่ได้ค่ะ"
RESUMING = "คุณมีคำขอ{title}ที่ทำค้างไว้ค่ะ มาทำต่อกันนะคะ"
STARTING = "เริ่มคำขอ{title}ค่ะ ถ้าต้องการแก้คำตอบก่อนหน้า พิมพ์ “ย้อนกลับ” หรือยกเลิกได้ทุกเมื่อค่ะ"
CONFIRM_CANCEL = "ต้องการยกเลิกคำขอ{title}ใช่ไหมคะ ข้อมูลที่กรอกไว้จะถูกลบ"
CANCELLED = "ยกเลิกคำขอ{title}เรียบร้อยแล้วค่ะ"
CONFIRM_RESTART = "ต้องการเริ่มคำขอ{title}ใหม่ตั้งแต่ต้นใช่ไหมคะ คำตอบที่กรอกไว้จะถูกล้าง"
RESTARTED = "เริ่มใหม่ตั้งแต่ต้นแล้วค่ะ"
AT_SUMMARY = "กรุณาตรวจสอบข้อมูล แล้วกด “ยืนยันส่งคำขอ” หรือกดแก้ข้อที่ต้องการค่ะ"
DOES_NOT_FIT = "ขั้นตอนนี้ขอเป็น{expects}ค่ะ"
NOT_UNDERSTOOD = "ขออภัยค่ะ ตอนนี้รับเป็น{expects}ค่ะ"
FILES_NOT_NEEDED = "ได้รับไฟล์แล้ว แต่ขั้นตอนนี้ยังไม่ต้องส่งไฟล์ค่ะ ขอเป็น{expects}ค่ะ"
SEND_TOGETHER = "มีเอกสารครบแล้ว ส่งทั้ง {count} อย่างพร้อมกันได้เลย อย่างละรูป เรียงตามนี้: {labels}"
DOCUMENT_RECEIVED = "ได้รับ{label}แล้วค่ะ"
DOCUMENT_MISSING = "บันทึกไว้แล้วว่ายังไม่มี{label} ไม่เป็นไรค่ะ ทำขั้นต่อไปได้เลย"
SUBMITTED = "ส่งคำขอ{title}เรียบร้อยแล้วค่ะ\nเลขที่คำขอ: {number}\n{next_steps}"
MISSING_LIST = "เอกสารที่ยังไม่มี: {names} กรุณานำมาแสดงที่โรงเรียนภายหลังค่ะ"
FILES_WITHOUT_REQUEST = (
    "ได้รับไฟล์แล้วค่ะ แต่ตอนนี้ยังไม่ได้อยู่ในคำขอใด กรุณาเลือกบริการก่อน "
    "แล้วส่งเอกสารตามขั้นตอนที่ระบบขอนะคะ"
)
GIVEN_FIRST = "จากข้อความของคุณ รับทราบแล้วค่ะ: {given} (แก้ได้ที่หน้าสรุปก่อนส่ง)"
REUSE = "ใช้ข้อมูลเดิมจากคำขอก่อนได้ค่ะ ({details}) กด “ใช้ข้อมูลเดิม” หรือพิมพ์คำตอบใหม่ค่ะ"
REUSE_LABEL = "ใช้ข้อมูลเดิม"
REMINDER = "คำขอ{title}ยังทำไม่เสร็จนะคะ ทำต่อจากที่ค้างไว้ได้เลยค่ะ"


def progress(position: int, total: int) -> str:
    return f"ขั้นตอนที่ {position} จาก {total}"


def step_prompt(flow: Flow, step: Step, *, nonce: str, position: int, total: int,
                reuse: str | None = None, extra: Iterable[Choice] = (), together: Iterable[str] = (),
                picker: tuple[str | None, str | None] = (None, None)) -> Say:
    """The step's question and buttons. ``reuse``: contact details from the parent's last request,
    offered with a "ใช้ข้อมูลเดิม" button; ``together``: the documents the parent may send at once
    from here, in the order asked."""
    text = f"{progress(position, total)}\n{step.question}"
    choices: list[Choice] = []
    if reuse:
        text += "\n" + REUSE.format(details=reuse)
        choices.append(Choice(REUSE_LABEL, postback=postback.encode(nonce, "reuse", step.id)))
    labels = list(together)
    if labels:
        text += "\n" + SEND_TOGETHER.format(count=len(labels), labels=", ".join(labels))
    choices += [
        Choice(label, postback=postback.encode(nonce, "ans", step.id, value))
        for value, label in step.kind.options.items()
    ]
    if step.kind.date_picker:
        choices.append(
            Choice("เลือกวันที่", postback=postback.encode(nonce, "date", step.id), date_picker=True,
                   date_min=picker[0], date_max=picker[1])
        )
    choices.extend(extra)
    if step.is_document and step.required:
        choices.append(Choice("ไม่มีเอกสารนี้", postback=postback.encode(nonce, "nodoc", step.id)))
    elif not step.required:
        choices.append(Choice("ข้าม", postback=postback.encode(nonce, "skip", step.id)))
    if position > 1:
        choices.append(Choice("ย้อนกลับ", postback=postback.encode(nonce, "back", step.id)))
    choices.append(Choice("ยกเลิก", postback=postback.encode(nonce, "cancel")))
    if step.is_document:
        return AskFiles(text, document_label=step.label, choices=choices)
    return Text(text, choices)


def files_spread(count: int, filed: list[tuple[str, int]], *, first_label: str) -> str:
    """What became of several photos sent together: which photos went to which document."""
    parts, start = [], 1
    for label, taken in filed:
        end = start + taken - 1
        parts.append(f"{label} (รูปที่ {start})" if taken == 1 else f"{label} (รูปที่ {start}–{end})")
        start = end + 1
    return (f"ได้รับ {count} รูปค่ะ บันทึกตามลำดับเป็น " + ", ".join(parts)
            + f"\nถ้าทุกรูปเป็น{first_label} กดปุ่ม “{together_label(first_label)}” ได้ค่ะ")


def together_label(label: str) -> str:
    wanted = f"เป็น{label}ทั้งหมด"
    return wanted if len(wanted) <= MAX_LABEL else "รวมเป็นเอกสารเดียว"


def together_choice(step: Step, step_ids: list[str], *, nonce: str) -> Choice:
    return Choice(together_label(step.label), postback=postback.encode(nonce, "regroup", *step_ids))


def shown_answer(step: Step, value: Any, *, missing: bool) -> str:
    if value is not None:
        return step.kind.show(value)
    if missing:
        return "ยังไม่มี (แจ้งไว้แล้ว)"
    return "ไม่ได้ส่ง" if step.is_document else "ไม่ได้ระบุ"


def summary_prompt(
    flow: Flow,
    answered: Iterable[tuple[Step, Any]],
    *,
    nonce: str,
    missing: frozenset[str] = frozenset(),
    totals: Iterable[tuple[str, str]] = (),
) -> Summary:
    answered = list(answered)
    from flows.flow import EDIT_PREFIX

    return Summary(
        title=f"ตรวจสอบคำขอ{flow.title}",
        rows=[(s.label, shown_answer(s, v, missing=s.id in missing)) for s, v in answered] + list(totals),
        edit_choices=[
            Choice(f"{EDIT_PREFIX}{s.label}", postback=postback.encode(nonce, "edit", s.id))
            for s, _ in answered
        ],
        confirm=Choice("ยืนยันส่งคำขอ", postback=postback.encode(nonce, "confirm")),
        cancel=Choice("ยกเลิก", postback=postback.encode(nonce, "cancel")),
    )


def yes_or_back(text: str, *, yes: Choice, nonce: str) -> Text:
    return Text(text, [yes, Choice("ทำต่อ", postback=postback.encode(nonce, "resume"))])


def confirm_cancel(flow: Flow, nonce: str) -> Text:
    yes = Choice("ยืนยันยกเลิก", postback=postback.encode(nonce, "cancel_yes"))
    return yes_or_back(CONFIRM_CANCEL.format(title=flow.title), yes=yes, nonce=nonce)


def confirm_restart(flow: Flow, nonce: str) -> Text:
    yes = Choice("ยืนยันเริ่มใหม่", postback=postback.encode(nonce, "restart_yes"))
    return yes_or_back(CONFIRM_RESTART.format(title=flow.title), yes=yes, nonce=nonce)


def service_menu(flows: Iterable[Flow], text: str, *, resume_nonce: str | None = None) -> Text:
    choices = [
        Choice(f.menu_label, postback=postback.encode(postback.NO_CONVERSATION, "start", f.id))
        for f in flows
    ]
    if resume_nonce is not None:
        choices.insert(0, Choice("ทำต่อ", postback=postback.encode(resume_nonce, "resume")))
    return Text(text, choices[:13])


def other_draft_open(flow: Flow, nonce: str) -> Text:
    return Text(
        OTHER_DRAFT_OPEN.format(title=flow.title),
        [
            Choice("ทำต่อ", postback=postback.encode(nonce, "resume")),
            Choice("ยกเลิกคำขอเดิม", postback=postback.encode(nonce, "cancel")),
        ],
    )


def reminder(flow: Flow, nonce: str) -> Text:
    return Text(
        REMINDER.format(title=flow.title),
        [
            Choice("ทำต่อ", postback=postback.encode(nonce, "resume")),
            Choice("ยกเลิก", postback=postback.encode(nonce, "cancel")),
        ],
    )
