"""A second way (SMS or e-mail) to deliver notices that matter legally, behind a small interface."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.applications.models import Application
from backend.notices import Notice

# Answer keys a flow may use for the parent's phone number and e-mail address.
PHONE_KEYS = ("parent_phone", "phone")
EMAIL_KEYS = ("parent_email", "email")


@dataclass(frozen=True)
class ContactInfo:
    phone: str | None = None
    email: str | None = None


class SecondChannelError(Exception):
    """The provider refused or could not be reached; the caller retries later."""


class SecondChannel(Protocol):
    async def send(self, *, to: ContactInfo, subject_th: str, body_th: str) -> None:
        """Deliver one message; raises SecondChannelError when it could not."""


@dataclass(frozen=True)
class SentMessage:
    to: ContactInfo
    subject_th: str
    body_th: str


@dataclass
class FakeSecondChannel:
    """Records what would have been sent; ``fail`` makes every send raise (for retry tests)."""

    sent: list[SentMessage] = field(default_factory=list)
    fail: bool = False

    async def send(self, *, to: ContactInfo, subject_th: str, body_th: str) -> None:
        if self.fail:
            raise SecondChannelError("fake provider set to fail")
        self.sent.append(SentMessage(to=to, subject_th=subject_th, body_th=body_th))


def contact_from_answers(answers: Mapping[str, Any] | None) -> ContactInfo | None:
    answers = answers or {}
    phone = next((str(answers[k]) for k in PHONE_KEYS if answers.get(k)), None)
    email = next((str(answers[k]) for k in EMAIL_KEYS if answers.get(k)), None)
    return ContactInfo(phone=phone, email=email) if phone or email else None


def legal_notice_text(notice: Notice) -> tuple[str, str]:
    """The Thai subject and body of the second-channel copy of a legal notice."""
    data = notice.data or {}
    number = data.get("public_number", "")
    lines = [f"คำขอเลขที่ {number}"]
    if data.get("child_name"):
        lines.append(f"นักเรียน: {data['child_name']}")
    if notice.kind == "late_decision":
        subject = f"แจ้งเหตุที่ยังพิจารณาคำขอเลขที่ {number} ไม่แล้วเสร็จ"
        if data.get("due_date_th"):
            lines.append(f"กำหนดแล้วเสร็จเดิม: {data['due_date_th']}")
        reason = data.get("late_reason") or "โรงเรียนจะแจ้งเหตุผลให้ทราบโดยเร็วค่ะ"
        lines.append(f"เหตุที่ล่าช้า: {reason}")
        lines.append("โรงเรียนจะแจ้งความคืบหน้าทุก 7 วันจนกว่าจะพิจารณาแล้วเสร็จค่ะ")
    else:
        subject = f"ผลการพิจารณาคำขอเลขที่ {number}: {data.get('status_th', '')}"
        lines.append(f"สถานะ: {data.get('status_th', '')}")
        if data.get("reason"):
            lines.append(f"เหตุผล: {data['reason']}")
        if data.get("next_th"):
            lines.append(data["next_th"])
    return subject, "\n".join(lines)


async def send_legal_copy(session: AsyncSession, channel: SecondChannel, notice: Notice, *,
                          now: dt.datetime) -> bool:
    """Send the second-channel copy of a legal notice; False when the parent left no phone or
    e-mail. Raises SecondChannelError from the provider, for the caller to retry."""
    if not notice.legal or notice.application_id is None:
        return False
    application = await session.get(Application, notice.application_id)
    contact = contact_from_answers(application.answers if application else None)
    if contact is None and application is not None and application.contact_phone:
        contact = ContactInfo(phone=application.contact_phone)
    subject = audit.application_subject(notice.application_id)
    if contact is None:
        audit.record(session, school_id=notice.school_id, actor=audit.SYSTEM,
                     action="second_channel_no_contact", subject=subject, at=now,
                     detail={"notice_id": notice.id, "kind": notice.kind})
        return False
    subject_th, body_th = legal_notice_text(notice)
    await channel.send(to=contact, subject_th=subject_th, body_th=body_th)
    audit.record(session, school_id=notice.school_id, actor=audit.SYSTEM, action="second_channel_sent",
                 subject=subject, at=now,
                 detail={"notice_id": notice.id, "kind": notice.kind,
                         "via": "sms" if contact.phone else "email"})
    return True
